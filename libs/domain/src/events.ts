import { z } from 'zod';
import { normalizeSymbol } from './symbols.js';
import { SLUG_PATTERN } from './ids.js';
import { DECISION_KINDS, EVENT_TYPE_NAMES, MANDATE_TYPES, MEETING_FORMATS } from './vocabulary.js';

/**
 * Domain events. Each type has a zod schema per schema version; the newest version is what
 * new events are written with, and `upcasters` lift older stored versions to it on read.
 */

export const isoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

export const slug = z
  .string()
  .min(1)
  .max(120)
  .regex(SLUG_PATTERN, { error: 'must be a lowercase slug of a-z, 0-9 and single dashes' });

/** A UN document symbol in any accepted variant, normalised to its canonical form. */
export const documentSymbol = z
  .string()
  .min(1)
  .max(80)
  .transform((value, ctx) => {
    const canonical = normalizeSymbol(value);
    if (!canonical) {
      ctx.addIssue({ code: 'custom', message: `"${value.slice(0, 80)}" is not a UN document symbol (e.g. S/RES/2531 (2020), S/PRST/2020/10, S/PV.8703, S/2020/613)` });
      return z.NEVER;
    }
    return canonical;
  });

const text = (max = 500) => z.string().trim().min(1).max(max);

export const names = z.object({
  en: text(300),
  zh: text(300).optional(),
  fr: text(300).optional(),
});
export type Names = z.infer<typeof names>;

export const partialNames = z.object({
  en: text(300).optional(),
  zh: text(300).optional(),
  fr: text(300).optional(),
});

export { DECISION_KINDS, MANDATE_TYPES, MEETING_FORMATS, type MandateType } from './vocabulary.js';

export const vote = z.object({
  for: z.int().min(0).max(15),
  against: z.int().min(0).max(15),
  abstaining: z.int().min(0).max(15),
});

const list = (max = 200) => z.array(text(500)).max(max);

export const meetingHeldV1 = z.object({
  /** Slug of the record: `s-pv-8703` for a formal meeting, `s-2020-286` for a videoconference letter. */
  meetingId: slug,
  kind: z.enum(['meeting', 'videoconference']).default('meeting'),
  symbol: documentSymbol.nullable().default(null),
  /** For a videoconference: the letter of the President recording it, and its date. */
  record: documentSymbol.nullable().default(null),
  recordDate: isoDate.nullable().default(null),
  date: isoDate,
  agendaItem: slug,
  agendaItemNames: partialNames.optional(),
  format: z.enum(MEETING_FORMATS).default('other'),
  subItem: text(1000).nullable().default(null),
  documents: z.array(documentSymbol).max(200).default([]),
  rule37: list().default([]),
  rule39: list().default([]),
  speakers: list().default([]),
  /** Decision adopted at the meeting, if any (canonical symbol). */
  outcome: documentSymbol.nullable().default(null),
  /** Written-procedure record (letter) of a decision adopted during a videoconference. */
  writtenProcedureRecord: documentSymbol.nullable().default(null),
});

export const decisionAdoptedV1 = z.object({
  symbol: documentSymbol,
  kind: z.enum(DECISION_KINDS),
  adoptedOn: isoDate,
  vote: vote.nullable().default(null),
  chapterVII: z.boolean().default(false),
  meeting: documentSymbol.nullable().default(null),
  agendaItem: slug.nullable().default(null),
  writtenProcedureRecord: documentSymbol.nullable().default(null),
});

export const mandateEstablishedV1 = z.object({
  mandateId: slug,
  acronym: text(40).nullable().default(null),
  names,
  aliases: list(50).default([]),
  type: z.enum(MANDATE_TYPES),
  agendaItem: slug.nullable().default(null),
  establishedOn: isoDate.nullable().default(null),
  expiresOn: isoDate.nullable().default(null),
  establishedBy: documentSymbol.nullable().default(null),
});

export const mandateExtendedV1 = z.object({
  mandateId: slug,
  until: isoDate,
  decision: documentSymbol,
  adoptedOn: isoDate.nullable().default(null),
  paragraphs: list(50).default([]),
  /** The phrase that stated the period, kept for provenance ("for a further period of 12 months"). */
  period: text(300).nullable().default(null),
});

export const mandateTerminatedV1 = z.object({
  mandateId: slug,
  /** Last day in force. */
  on: isoDate,
  decision: documentSymbol,
  adoptedOn: isoDate.nullable().default(null),
});

export const reportRequestedV1 = z.object({
  mandateId: slug.nullable().default(null),
  dueOn: isoDate,
  decision: documentSymbol,
  description: text(1000),
  paragraphs: list(50).default([]),
  agendaItem: slug.nullable().default(null),
});

export const factCorrectedV1 = z.object({
  correctsEventId: z.uuid(),
  /** The corrected fields of the corrected event's data, with their new values. */
  fields: z.record(z.string().max(60), z.unknown()).refine((f) => Object.keys(f).length > 0, {
    message: 'must name at least one corrected field',
  }),
  reason: text(1000).nullable().default(null),
});

export const EVENT_SCHEMAS = {
  MeetingHeld: meetingHeldV1,
  DecisionAdopted: decisionAdoptedV1,
  MandateEstablished: mandateEstablishedV1,
  MandateExtended: mandateExtendedV1,
  MandateTerminated: mandateTerminatedV1,
  ReportRequested: reportRequestedV1,
  FactCorrected: factCorrectedV1,
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];
// The shared vocabulary lists exactly these types (a compile error here means one side drifted).
const _sameEventTypes: [EventType, (typeof EVENT_TYPE_NAMES)[number]] extends [(typeof EVENT_TYPE_NAMES)[number], EventType] ? true : never = true;
void _sameEventTypes;

export type MeetingHeld = z.output<typeof meetingHeldV1>;
export type DecisionAdopted = z.output<typeof decisionAdoptedV1>;
export type MandateEstablished = z.output<typeof mandateEstablishedV1>;
export type MandateExtended = z.output<typeof mandateExtendedV1>;
export type MandateTerminated = z.output<typeof mandateTerminatedV1>;
export type ReportRequested = z.output<typeof reportRequestedV1>;
export type FactCorrected = z.output<typeof factCorrectedV1>;

export interface EventDataMap {
  MeetingHeld: MeetingHeld;
  DecisionAdopted: DecisionAdopted;
  MandateEstablished: MandateEstablished;
  MandateExtended: MandateExtended;
  MandateTerminated: MandateTerminated;
  ReportRequested: ReportRequested;
  FactCorrected: FactCorrected;
}

/** Current schema version of each event type. */
export const CURRENT_SCHEMA_VERSION: Record<EventType, number> = {
  MeetingHeld: 1,
  DecisionAdopted: 1,
  MandateEstablished: 1,
  MandateExtended: 1,
  MandateTerminated: 1,
  ReportRequested: 1,
  FactCorrected: 1,
};

/**
 * Upcasters lift stored data of version n to n + 1: `UPCASTERS[type][n]`. When a schema
 * changes, bump CURRENT_SCHEMA_VERSION and add the step here; stored events never change.
 */
export const UPCASTERS: Partial<Record<EventType, Record<number, (data: Record<string, unknown>) => Record<string, unknown>>>> = {};

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_SCHEMAS, type);
}

/** Lifts `data` stored at `schemaVersion` to the current version of `type`. */
export const upcast = Object.assign(liftToCurrent, {
  /** Data of this type at this version needs no lifting (the event store can hand it out as stored). */
  current: (type: string, schemaVersion: number): boolean => !isEventType(type) || schemaVersion >= CURRENT_SCHEMA_VERSION[type],
});

function liftToCurrent(type: string, schemaVersion: number, data: unknown): { schemaVersion: number; data: unknown } {
  if (!isEventType(type)) return { schemaVersion, data };
  const steps = UPCASTERS[type] ?? {};
  let v = schemaVersion;
  let d = data as Record<string, unknown>;
  while (v < CURRENT_SCHEMA_VERSION[type]) {
    const step = steps[v];
    if (!step) throw new Error(`no upcaster for ${type} v${v}`);
    d = step(d);
    v += 1;
  }
  return { schemaVersion: v, data: d };
}

export type ValidationIssue = { path: string; message: string };

export function issuesOf(error: z.ZodError, prefix = ''): ValidationIssue[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter((p) => p !== '').join('.'),
    message: i.message,
  }));
}

/** Validates and normalises event data of a known type (defaults applied, symbols canonical). */
export function parseEventData<T extends EventType>(
  type: T,
  data: unknown,
): { ok: true; data: EventDataMap[T] } | { ok: false; issues: ValidationIssue[] } {
  const r = EVENT_SCHEMAS[type].safeParse(data);
  if (r.success) return { ok: true, data: r.data as EventDataMap[T] };
  return { ok: false, issues: issuesOf(r.error) };
}
