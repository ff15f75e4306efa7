import { Inject, Injectable } from '@nestjs/common';
import type { BusinessClock } from '#libs/clock';
import { effectiveDateOf, type EventType, todayOf } from '#libs/domain';
import type { AppendResult, ExpectedVersion, EventStore, StoredEvent } from '#libs/event-store';
import { BUSINESS_CLOCK, EVENT_STORE, LOGGER, PROJECTIONS } from '#libs/platform';
import type { ProjectionRunner } from '#libs/projections';
import type { Logger } from 'pino';
import type { Actor } from '../auth/decorators.js';
import { conflict } from '../platform/errors.js';

export interface ValidEvent {
  id?: string;
  type: EventType;
  /** Already validated and normalised with the type's schema. */
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/**
 * Every append made through the API: stamps `metadata.actor` (the key id) and the request id,
 * dates the event (`occurredOn` = the fact's own date, or the business clock's today when it
 * has none), and waits until the projections have passed it, so the next read sees it.
 */
@Injectable()
export class EventWriter {
  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject(BUSINESS_CLOCK) private readonly clock: BusinessClock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async append(streamId: string, events: ValidEvent[], expectedVersion: ExpectedVersion, actor: Actor, requestId?: string): Promise<AppendResult> {
    const today = todayOf(this.clock);
    const result = await this.store.appendToStream(
      streamId,
      events.map((e) => ({
        id: e.id,
        type: e.type,
        data: e.data,
        // The actor is the authenticated key, whatever the client put into metadata.
        metadata: { ...e.metadata, actor: actor.id, ...(requestId ? { requestId } : {}) },
        occurredOn: effectiveDateOf(e.type, e.data) ?? today,
      })),
      { expectedVersion },
    );
    await this.readYourWrites(result.checkpoint);
    return result;
  }

  /** A fact appended under its natural-key id: re-sending the same fact is a no-op; the same fact with other data is a 409. */
  async appendFact(fact: { streamId: string; id: string; type: EventType; data: Record<string, unknown> }, actor: Actor, requestId?: string) {
    const result = await this.append(fact.streamId, [{ id: fact.id, type: fact.type, data: fact.data }], 'any', actor, requestId);
    if (result.duplicate) {
      const stored = await this.storedEvent(fact.streamId, fact.id);
      const differing = stored ? differingFields(stored.data as Record<string, unknown>, fact.data) : [];
      if (differing.length) {
        throw conflict(
          'FACT_CONFLICT',
          'This fact is already recorded with other values; record a FactCorrected event (POST /api/streams/{streamId}/events) to change it',
          differing.map((path) => ({ path, message: 'differs from the recorded value' })),
        );
      }
    }
    return result;
  }

  async storedEvent(streamId: string, eventId: string): Promise<StoredEvent | undefined> {
    const { events } = await this.store.readStream(streamId);
    return events.find((e) => e.id === eventId);
  }

  async readYourWrites(checkpoint: string): Promise<void> {
    if (!(await this.projections.waitFor(checkpoint))) {
      // The write is committed; only the read models are late (e.g. a long transaction holds the feed).
      this.logger.warn({ checkpoint }, 'projections did not reach a write in time; reads may lag behind it');
    }
  }
}

const stable = (v: unknown): string =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? `{${Object.keys(v as object)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
        .join(',')}}`
    : Array.isArray(v)
      ? `[${v.map(stable).join(',')}]`
      : JSON.stringify(v ?? null);

function differingFields(stored: Record<string, unknown>, incoming: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(stored), ...Object.keys(incoming)]);
  return [...keys].filter((k) => stable(stored[k]) !== stable(incoming[k])).sort();
}
