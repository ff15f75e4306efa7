import { addDays, daysLeft as daysLeftBetween } from './clock.js';
import type { MandateEstablished, MandateExtended, MandateTerminated, MandateType, Names, ReportRequested } from './events.js';

/**
 * Folding a mandate's stream into its state. The state keeps every fact as recorded plus the
 * corrections, so that any view can be derived from it: "as of" a date (only decisions adopted
 * on or before it) and "as known at" an instant (only what had been recorded by then, including
 * corrections recorded by then).
 */

/** The part of a stored event the fold needs. */
export interface FoldableEvent {
  id: string;
  type: string;
  data: unknown;
  /** The fact's effective date: its adoption date, or the business date when it was recorded. */
  occurredOn: string | null;
  recordedAt: string;
  /** Order within the stream. */
  version: number;
}

interface RecordedFact {
  eventId: string;
  type: 'MandateEstablished' | 'MandateExtended' | 'MandateTerminated' | 'ReportRequested';
  data: Record<string, unknown>;
  occurredOn: string | null;
  recordedAt: string;
  version: number;
}

interface RecordedCorrection {
  eventId: string;
  correctsEventId: string;
  fields: Record<string, unknown>;
  recordedAt: string;
  version: number;
}

export interface MandateState {
  mandateId: string;
  version: number;
  facts: RecordedFact[];
  corrections: RecordedCorrection[];
}

export function initialMandateState(mandateId: string): MandateState {
  return { mandateId, version: 0, facts: [], corrections: [] };
}

const MANDATE_FACT_TYPES = new Set(['MandateEstablished', 'MandateExtended', 'MandateTerminated', 'ReportRequested']);

/** Adds one event of the mandate's stream to its state (pure; returns a new state). */
export function evolveMandate(state: MandateState, event: FoldableEvent): MandateState {
  if (event.version <= state.version) return state; // already folded (replays are harmless)
  if (event.type === 'FactCorrected') {
    const d = event.data as { correctsEventId: string; fields: Record<string, unknown> };
    return mandateState(state, event.version, state.facts, [
      ...state.corrections,
      { eventId: event.id, correctsEventId: d.correctsEventId, fields: d.fields, recordedAt: event.recordedAt, version: event.version },
    ]);
  }
  if (!MANDATE_FACT_TYPES.has(event.type)) return mandateState(state, event.version, state.facts, state.corrections);
  return mandateState(
    state,
    event.version,
    [
      ...state.facts,
      {
        eventId: event.id,
        type: event.type as RecordedFact['type'],
        data: event.data as Record<string, unknown>,
        occurredOn: event.occurredOn,
        recordedAt: event.recordedAt,
        version: event.version,
      },
    ],
    state.corrections,
  );
}

/** A new state, spelled out (an object spread plus overrides is slow on Node 20: see timelineEntry). */
function mandateState(state: MandateState, version: number, facts: RecordedFact[], corrections: RecordedCorrection[]): MandateState {
  return { mandateId: state.mandateId, version, facts, corrections };
}

export function foldMandate(mandateId: string, events: FoldableEvent[]): MandateState {
  return events.reduce(evolveMandate, initialMandateState(mandateId));
}

export type MandateStatus = 'active' | 'expired' | 'terminated' | 'not_established';

export interface MandateHistoryEntry {
  kind: 'established' | 'extended' | 'terminated';
  from: string | null;
  until: string | null;
  decision: string | null;
  adoptedOn: string;
  paragraphs: string[];
  period: string | null;
  eventId: string;
}

export interface MandateView {
  id: string;
  acronym: string | null;
  names: Partial<Names>;
  aliases: string[];
  type: MandateType | null;
  agendaItem: string | null;
  status: MandateStatus;
  establishedOn: string | null;
  establishedBy: string | null;
  expiresOn: string | null;
  terminatedOn: string | null;
  lastDecision: { symbol: string; adoptedOn: string } | null;
  history: MandateHistoryEntry[];
  reportRequests: { dueOn: string; decision: string; description: string; paragraphs: string[]; eventId: string }[];
  version: number;
}

/** A dated fact after corrections, in the order that decides the mandate's expiry. */
export interface TimelineEntry {
  eventId: string;
  kind: 'established' | 'extended' | 'terminated';
  /** Adoption date of the deciding document (or the recording date when none was given). */
  effectiveOn: string;
  /** False when the fact gave no date of its own and `effectiveOn` is the recording date. */
  dateKnown: boolean;
  /**
   * True for an undated extension whose `until` is earlier than the expiry already in force when
   * it takes effect: an older decision recorded late (e.g. a press release without a dateline
   * imported after the later renewal). It stays in the history but sets neither the expiry nor
   * the last decision, since an extension never shortens a mandate (a termination does that).
   */
  stale: boolean;
  /** Last day in force that this fact sets (null: open-ended or not stated). */
  expiresOn: string | null;
  decision: string | null;
  paragraphs: string[];
  period: string | null;
  seq: number;
  recordedAt: string;
}

function corrected(state: MandateState, knownAt?: string): RecordedFact[] {
  const visible = (recordedAt: string) => knownAt === undefined || recordedAt <= knownAt;
  const patches = new Map<string, Record<string, unknown>>();
  for (const c of [...state.corrections].sort((a, b) => a.version - b.version)) {
    if (!visible(c.recordedAt)) continue;
    patches.set(c.correctsEventId, { ...(patches.get(c.correctsEventId) ?? {}), ...c.fields });
  }
  return state.facts
    .filter((f) => visible(f.recordedAt))
    .map((f) => (patches.has(f.eventId) ? { ...f, data: { ...f.data, ...patches.get(f.eventId) } } : f));
}

function ownDate(f: RecordedFact): string | null {
  const d = f.data;
  return (f.type === 'MandateEstablished' ? (d.establishedOn as string | null | undefined) : (d.adoptedOn as string | null | undefined)) ?? null;
}

/**
 * One timeline entry, spelled out property by property. Not `{ ...base, kind, … }`: on Node 20
 * (V8 11.3) an object spread followed by more properties takes a slow path (~7-25 µs each, and
 * garbage for the collector), which made this function most of a projection rebuild's CPU time.
 */
function timelineEntry(
  f: RecordedFact,
  effectiveOn: string,
  dateKnown: boolean,
  kind: TimelineEntry['kind'],
  expiresOn: string | null,
  decision: string | null,
  paragraphs: string[],
  period: string | null,
): TimelineEntry {
  return { eventId: f.eventId, effectiveOn, dateKnown, stale: false, seq: f.version, recordedAt: f.recordedAt, kind, expiresOn, decision, paragraphs, period };
}

/** The mandate's dated facts (establishment, extensions, termination) after corrections. */
export function mandateTimeline(state: MandateState, opts: { knownAt?: string } = {}): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const f of corrected(state, opts.knownAt)) {
    const own = ownDate(f);
    const effectiveOn = own ?? f.occurredOn;
    if (!effectiveOn) continue;
    if (f.type === 'MandateEstablished') {
      const d = f.data as Partial<MandateEstablished>;
      out.push(timelineEntry(f, effectiveOn, own !== null, 'established', d.expiresOn ?? null, d.establishedBy ?? null, [], null));
    } else if (f.type === 'MandateExtended') {
      const d = f.data as Partial<MandateExtended>;
      out.push(timelineEntry(f, effectiveOn, own !== null, 'extended', d.until ?? null, d.decision ?? null, d.paragraphs ?? [], d.period ?? null));
    } else if (f.type === 'MandateTerminated') {
      const d = f.data as Partial<MandateTerminated>;
      out.push(timelineEntry(f, effectiveOn, own !== null, 'terminated', d.on ?? null, d.decision ?? null, [], null));
    }
  }
  out.sort((a, b) => (a.effectiveOn === b.effectiveOn ? a.seq - b.seq : a.effectiveOn < b.effectiveOn ? -1 : 1));
  // Everything before an entry in this order is on or before its date, so whether it is stale
  // is the same whatever "as of" date a view is asked for.
  let inForce: string | null = null;
  for (const t of out) {
    t.stale = t.kind === 'extended' && !t.dateKnown && t.expiresOn !== null && inForce !== null && t.expiresOn < inForce;
    if (t.expiresOn && !t.stale) inForce = t.expiresOn;
  }
  return out;
}

/**
 * The mandate as of a date: only facts whose decision was adopted on or before `asOf`, and
 * (with `knownAt`) only what had been recorded by that instant.
 */
export function mandateView(state: MandateState, opts: { asOf: string; knownAt?: string }): MandateView {
  const facts = corrected(state, opts.knownAt);
  const established = facts.filter((f) => f.type === 'MandateEstablished').at(-1);
  const e = (established?.data ?? {}) as Partial<MandateEstablished>;
  const timeline = mandateTimeline(state, { knownAt: opts.knownAt }).filter((t) => t.effectiveOn <= opts.asOf);

  let expiresOn: string | null = null;
  let terminatedOn: string | null = null;
  let lastDecision: MandateView['lastDecision'] = null;
  const history: MandateHistoryEntry[] = [];
  for (const t of timeline) {
    const from = t.kind === 'established' ? t.effectiveOn : expiresOn && !t.stale ? addDays(expiresOn, 1) : null;
    if (t.kind === 'terminated') terminatedOn = t.expiresOn;
    if (t.expiresOn && !t.stale) expiresOn = t.expiresOn;
    if (t.decision && !t.stale) lastDecision = { symbol: t.decision, adoptedOn: t.effectiveOn };
    history.push({
      kind: t.kind,
      from: t.kind === 'terminated' ? null : from,
      until: t.expiresOn,
      decision: t.decision,
      adoptedOn: t.effectiveOn,
      paragraphs: t.paragraphs,
      period: t.period,
      eventId: t.eventId,
    });
  }

  let status: MandateStatus;
  if (timeline.length === 0) status = 'not_established';
  else if (expiresOn && expiresOn < opts.asOf) status = terminatedOn ? 'terminated' : 'expired';
  else status = 'active';

  const reportRequests = facts
    .filter((f) => f.type === 'ReportRequested')
    .map((f) => ({ f, d: f.data as Partial<ReportRequested> }))
    .filter(({ f }) => (ownDate(f) ?? f.occurredOn ?? '') <= opts.asOf)
    .map(({ f, d }) => ({
      dueOn: d.dueOn as string,
      decision: d.decision as string,
      description: d.description as string,
      paragraphs: d.paragraphs ?? [],
      eventId: f.eventId,
    }))
    .sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0));

  return {
    id: state.mandateId,
    acronym: e.acronym ?? null,
    names: e.names ?? {},
    aliases: e.aliases ?? [],
    type: e.type ?? null,
    agendaItem: e.agendaItem ?? null,
    status,
    establishedOn: established ? (e.establishedOn ?? established.occurredOn) : null,
    establishedBy: e.establishedBy ?? null,
    expiresOn,
    terminatedOn,
    lastDecision,
    history,
    reportRequests,
    version: state.version,
  };
}

/** The contract's daysLeft, or null when there is no expiry. */
export function mandateDaysLeft(view: Pick<MandateView, 'expiresOn'>, asOf: string): number | null {
  return view.expiresOn ? daysLeftBetween(view.expiresOn, asOf) : null;
}
