import type pg from 'pg';
import type { EventStore } from '#libs/event-store';
import { MandateProjector } from './mandate-projector.js';
import type { Projector } from './projector.js';
import { AgendaItemProjector, DecisionProjector, MeetingProjector } from './record-projectors.js';

/** Every projection of Mandate Watch, in the order they are advanced. */
export function allProjectors(store: EventStore): Projector[] {
  return [new MandateProjector(store), new MeetingProjector(store), new DecisionProjector(store), new AgendaItemProjector()];
}

/** Tables each projection owns (for "read models equal a fresh rebuild" checks). */
export const PROJECTION_TABLES: Record<string, { table: string; key: string }[]> = {
  mandates: [
    { table: 'mandates', key: 'id' },
    { table: 'mandate_timeline', key: 'event_id' },
    { table: 'report_requests', key: 'event_id' },
  ],
  meetings: [{ table: 'meetings', key: 'id' }],
  decisions: [{ table: 'decisions', key: 'symbol' }],
  'agenda-items': [{ table: 'agenda_items', key: 'id' }],
};

export type { pg };
