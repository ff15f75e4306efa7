import type { EventDataMap, EventType } from './events.js';
import { factEventId, slugify, streamIds } from './ids.js';

/**
 * Facts are what a user or a document states; each becomes one event. The natural key says
 * which statements are "the same fact": the same key from another document (or from the API)
 * gives the same event id, so it is appended once.
 */
export function naturalKey<T extends Exclude<EventType, 'FactCorrected'>>(type: T, data: EventDataMap[T]): string {
  switch (type) {
    case 'MeetingHeld':
      return `meeting|${(data as EventDataMap['MeetingHeld']).meetingId}`;
    case 'DecisionAdopted':
      return `decision|${(data as EventDataMap['DecisionAdopted']).symbol}`;
    case 'MandateEstablished':
      return `mandate_established|${(data as EventDataMap['MandateEstablished']).mandateId}`;
    case 'MandateExtended': {
      const d = data as EventDataMap['MandateExtended'];
      // One decision extends one mandate once; another expiry for the same decision is a conflict.
      return `mandate_extended|${d.mandateId}|${d.decision}`;
    }
    case 'MandateTerminated': {
      const d = data as EventDataMap['MandateTerminated'];
      return `mandate_terminated|${d.mandateId}|${d.decision}`;
    }
    case 'ReportRequested': {
      const d = data as EventDataMap['ReportRequested'];
      return `report_requested|${d.mandateId ?? '-'}|${d.decision}|${d.dueOn}`;
    }
    default:
      throw new Error(`no natural key for ${String(type)}`);
  }
}

/** The stream a fact's event belongs to. */
export function streamOfFact<T extends Exclude<EventType, 'FactCorrected'>>(type: T, data: EventDataMap[T]): string {
  switch (type) {
    case 'MeetingHeld':
      return streamIds.meeting((data as EventDataMap['MeetingHeld']).meetingId);
    case 'DecisionAdopted':
      return streamIds.decision((data as EventDataMap['DecisionAdopted']).symbol);
    case 'MandateEstablished':
    case 'MandateExtended':
    case 'MandateTerminated':
      return streamIds.mandate((data as { mandateId: string }).mandateId);
    case 'ReportRequested': {
      const d = data as EventDataMap['ReportRequested'];
      return d.mandateId ? streamIds.mandate(d.mandateId) : streamIds.decision(d.decision);
    }
    default:
      throw new Error(`no stream for ${String(type)}`);
  }
}

/** The date a fact takes effect (adoption, meeting date), used as the envelope's `occurredOn`. */
export function effectiveDateOf(type: EventType, data: Record<string, unknown>): string | null {
  switch (type) {
    case 'MeetingHeld':
      return (data.date as string) ?? null;
    case 'DecisionAdopted':
      return (data.adoptedOn as string) ?? null;
    case 'MandateEstablished':
      return (data.establishedOn as string | null) ?? null;
    case 'MandateExtended':
    case 'MandateTerminated':
    case 'ReportRequested':
      return (data.adoptedOn as string | null) ?? null;
    default:
      return null;
  }
}

export interface FactEvent<T extends EventType = EventType> {
  streamId: string;
  id: string;
  type: T;
  data: EventDataMap[T];
}

export function factEvent<T extends Exclude<EventType, 'FactCorrected'>>(type: T, data: EventDataMap[T]): FactEvent<T> {
  return { streamId: streamOfFact(type, data), id: factEventId(naturalKey(type, data)), type, data };
}

/** Meeting ids are slugs of their record: `S/PV.8703` → `s-pv-8703`. */
export function meetingIdOf(symbolOrRecord: string): string {
  return slugify(symbolOrRecord);
}

/**
 * The fields that make two statements of the same fact (same natural key) contradict each
 * other: another expiry for the same resolution, another date for the same meeting. Other
 * differences (paragraphs cited, the period phrase, names in another language) are the same fact
 * told by another document. Only values stated on both sides are compared.
 */
const MATERIAL_FIELDS: Partial<Record<EventType, string[]>> = {
  MandateExtended: ['until', 'adoptedOn'],
  MandateTerminated: ['on', 'adoptedOn'],
  DecisionAdopted: ['adoptedOn', 'vote', 'chapterVII'],
  MeetingHeld: ['date'],
  MandateEstablished: ['establishedOn', 'expiresOn', 'establishedBy'],
};

export function contradictingFields(type: EventType, recorded: Record<string, unknown>, incoming: Record<string, unknown>): string[] {
  return (MATERIAL_FIELDS[type] ?? []).filter((field) => {
    const a = recorded[field];
    const b = incoming[field];
    if (a == null || b == null) return false;
    if (field === 'chapterVII' && (a === false || b === false)) return false; // "not stated" reads as false
    return JSON.stringify(a) !== JSON.stringify(b);
  });
}
