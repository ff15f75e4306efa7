import type pg from 'pg';
import {
  evolveMandate,
  initialMandateState,
  mandateTimeline,
  mandateView,
  type FoldableEvent,
  type MandateState,
  type MandateView,
  type ReportRequested,
  type TimelineEntry,
} from '#libs/domain';
import type { EventStore, StoredEvent } from '#libs/event-store';
import { arrayLiteral } from './pg-arrays.js';
import type { Projector } from './projector.js';

const MANDATE_STREAM = 'mandate-';
const HANDLED = new Set(['MandateEstablished', 'MandateExtended', 'MandateTerminated', 'ReportRequested', 'FactCorrected']);
const FAR_FUTURE = '9999-12-31';
const MANDATE_RECORD = `id text, acronym text, names jsonb, aliases jsonb, type text, agenda_item text, established_on date,
  established_by text, expires_on date, terminated_on date, status text, last_decision jsonb, search_text text, stream_version int, state jsonb`;

const foldable = (e: StoredEvent): FoldableEvent => ({
  id: e.id,
  type: e.type,
  data: e.data,
  occurredOn: e.occurredOn,
  recordedAt: e.recordedAt,
  version: e.version,
});

/**
 * What `mandates.state` keeps per mandate between batches: the stream version folded so far,
 * the establishment fields after corrections, and the latest timeline entry (by effective date,
 * then version) that sets each of expiry, termination and last decision. That is all a batch of
 * new extensions, terminations and report requests needs, so a batch costs O(its events), not
 * O(the mandate's history). Anything else (a correction, a re-establishment, a state written by
 * an older version of this projector) refolds the mandate from its stream.
 */
interface MandateSummary {
  format: 3;
  /** The mandate has an undated extension: whether it is stale depends on facts that may come later, so every batch refolds. */
  undated: boolean;
  mandateId: string;
  version: number;
  view: Pick<MandateView, 'acronym' | 'names' | 'aliases' | 'type' | 'agendaItem' | 'establishedOn' | 'establishedBy'>;
  expiry: Mark | null;
  termination: Mark | null;
  decision: Mark | null;
}
interface Mark {
  effectiveOn: string;
  seq: number;
  value: string | null;
}

const later = (a: { effectiveOn: string; seq: number }, b: Mark | null): boolean =>
  !b || a.effectiveOn > b.effectiveOn || (a.effectiveOn === b.effectiveOn && a.seq > b.seq);

/** Folds timeline entries (any order) into the marks, exactly as `mandateView` walks the sorted timeline. */
function mergeTimeline(summary: MandateSummary, entries: TimelineEntry[]): void {
  for (const t of entries) {
    if (t.kind === 'extended' && !t.dateKnown) summary.undated = true;
    if (t.stale) continue;
    const mark = (value: string | null): Mark => ({ effectiveOn: t.effectiveOn, seq: t.seq, value });
    if (t.expiresOn && later(t, summary.expiry)) summary.expiry = mark(t.expiresOn);
    if (t.kind === 'terminated' && later(t, summary.termination)) summary.termination = mark(t.expiresOn);
    if (t.decision && later(t, summary.decision)) summary.decision = mark(t.decision);
  }
}

function summaryOf(state: MandateState, timeline: TimelineEntry[]): MandateSummary {
  const v = mandateView(state, { asOf: FAR_FUTURE });
  const summary: MandateSummary = {
    format: 3,
    undated: false,
    mandateId: state.mandateId,
    version: state.version,
    view: { acronym: v.acronym, names: v.names, aliases: v.aliases, type: v.type, agendaItem: v.agendaItem, establishedOn: v.establishedOn, establishedBy: v.establishedBy },
    expiry: null,
    termination: null,
    decision: null,
  };
  mergeTimeline(summary, timeline);
  return summary;
}

/** A copy of `s` at `version` (spelled out: an object spread plus overrides is slow on Node 20, see the domain's timelineEntry). */
const withVersion = (s: MandateSummary, version: number): MandateSummary => ({
  format: 3,
  undated: s.undated,
  mandateId: s.mandateId,
  version,
  view: s.view,
  expiry: s.expiry,
  termination: s.termination,
  decision: s.decision,
});

const isSummary = (s: unknown): s is MandateSummary => (s as MandateSummary | null)?.format === 3;

/** An extension without an adoption date: it takes the recording date, and may be stale (see TimelineEntry.stale). */
const isUndatedExtension = (e: StoredEvent): boolean => e.type === 'MandateExtended' && !(e.data as { adoptedOn?: string | null }).adoptedOn;

/** Facts the fast path folds into an existing summary without the mandate's history. */
const APPENDABLE = new Set(['MandateExtended', 'MandateTerminated', 'ReportRequested']);

/**
 * Mandates: the current names/expiry/status columns (from a small per-mandate summary kept in
 * `mandates.state`), the dated timeline used by "as of" queries, and report requests.
 */
export class MandateProjector implements Projector {
  readonly name = 'mandates';
  readonly tables = ['mandates', 'mandate_timeline', 'report_requests'];

  /** `store` reads a mandate's stream when a batch needs its whole history (corrections). */
  constructor(private readonly store: EventStore) {}

  /** `carry`: the summaries of every mandate row by id (complete: a mandate not in it has no row). */
  async apply(tx: pg.PoolClient, events: StoredEvent[], carry?: Map<string, unknown>): Promise<void> {
    const byMandate = new Map<string, StoredEvent[]>();
    const orphanReports: StoredEvent[] = [];
    for (const e of events) {
      if (!HANDLED.has(e.type)) continue;
      if (e.streamId.startsWith(MANDATE_STREAM)) {
        const id = e.streamId.slice(MANDATE_STREAM.length);
        const list = byMandate.get(id) ?? [];
        list.push(e);
        byMandate.set(id, list);
      } else if (e.type === 'ReportRequested') {
        orphanReports.push(e);
      }
    }
    if (byMandate.size > 0) await this.applyMandates(tx, byMandate, carry);
    if (orphanReports.length > 0) await this.insertReports(tx, orphanReports.map((e) => reportRow(e, null)));
  }

  private async applyMandates(tx: pg.PoolClient, byMandate: Map<string, StoredEvent[]>, carry?: Map<string, unknown>): Promise<void> {
    // The summaries as committed: from the rebuild's memory (it holds every row this rebuild
    // wrote, and nothing else can have written one) or read back from the rows.
    let stored: Map<string, unknown>;
    if (carry) stored = carry;
    else {
      const existing = await tx.query<{ id: string; state: unknown }>('SELECT id, state FROM mandates WHERE id = ANY($1::text[])', [[...byMandate.keys()]]);
      stored = new Map(existing.rows.map((r) => [r.id, r.state]));
    }

    const mandateRows: Record<string, unknown>[] = [];
    const markRows: Record<string, unknown>[] = []; // existing mandates whose names etc. did not change
    const timelineRows = new TimelineRows();
    const reportRows: Record<string, unknown>[] = [];
    const replaced: string[] = []; // mandates whose timeline and reports are rewritten whole
    const written: [string, MandateSummary][] = []; // the summary of each mandate row this batch writes
    for (const [id, list] of byMandate) {
      const prior = stored.get(id);
      const known = isSummary(prior) ? prior : null;
      const fresh = list.filter((e) => e.version > (known?.version ?? 0));
      if (known && fresh.length === 0) continue; // a replay: already folded
      let summary: MandateSummary;
      let state: MandateState; // the facts whose timeline/report rows this batch writes
      let appended: { state: MandateState; entries: TimelineEntry[]; first: TimelineEntry | undefined } | null = null;
      if (known && !known.undated && fresh.every((e) => APPENDABLE.has(e.type) && !isUndatedExtension(e))) {
        const start = initialMandateState(id);
        start.version = known.version;
        const folded = fresh.reduce((s, e) => evolveMandate(s, foldable(e)), start);
        const entries = mandateTimeline(folded);
        // The rows' superseded_on links need the new expiries after the stored ones (the usual
        // case); an extension dated before the latest stored expiry is refolded below.
        const first = entries.find(setsExpiry);
        if (!first || later(first, known.expiry)) appended = { state: folded, entries, first };
      }
      if (known && appended) {
        // Fast path: new facts only; earlier rows stay as they are, but for the link of the
        // latest stored expiry to the first new one.
        state = appended.state;
        summary = withVersion(known, state.version);
        if (appended.first && known.expiry) timelineRows.link(id, known.expiry, appended.first.effectiveOn);
        mergeTimeline(summary, appended.entries);
        timelineRows.push(id, appended.entries);
      } else if (!known && prior === undefined && list[0].version === 1) {
        // A new mandate: the batch holds its whole history.
        state = list.reduce((s, e) => evolveMandate(s, foldable(e)), initialMandateState(id));
        const entries = mandateTimeline(state);
        summary = summaryOf(state, entries);
        timelineRows.push(id, entries);
      } else {
        // Corrections, re-establishment, or a state of an older format: refold from the stream
        // (up to the last event of this batch, never past it) and rewrite the mandate's rows.
        const upTo = list[list.length - 1].version;
        const { events: history } = await this.store.readStream(`${MANDATE_STREAM}${id}`, { limit: upTo }, tx);
        state = history.filter((e) => HANDLED.has(e.type) && e.version <= upTo).reduce((s, e) => evolveMandate(s, foldable(e)), initialMandateState(id));
        const entries = mandateTimeline(state);
        summary = summaryOf(state, entries);
        timelineRows.push(id, entries);
        replaced.push(id);
      }
      const reports = state.facts.some((f) => f.type === 'ReportRequested') ? mandateView(state, { asOf: FAR_FUTURE }).reportRequests : [];
      for (const r of reports) {
        const fact = state.facts.find((f) => f.eventId === r.eventId);
        reportRows.push({
          event_id: r.eventId,
          mandate_id: id,
          due_on: r.dueOn,
          decision: r.decision,
          description: r.description,
          adopted_on: (fact?.data.adoptedOn as string | null) ?? fact?.occurredOn ?? null,
          agenda_item: (fact?.data.agendaItem as string | null) ?? summary.view.agendaItem,
        });
      }
      if (known && summary.view === known.view) markRows.push(marksRow(id, summary));
      else mandateRows.push(mandateRow(id, summary));
      written.push([id, summary]);
    }
    // The fast path changes only what the marks decide (the usual case: extensions). Sent now,
    // awaited after the timeline's arrays are built: PostgreSQL updates the rows meanwhile (the
    // client sends a transaction's queries one after another, in the order they were made).
    const marksWritten =
      markRows.length > 0
        ? tx.query(
            `UPDATE mandates AS m SET expires_on = x.expires_on, terminated_on = x.terminated_on, status = x.status,
                last_decision = x.last_decision, stream_version = x.stream_version, state = x.state, updated_at = now()
             FROM jsonb_to_recordset($1::jsonb) AS x(${MARKS_RECORD})
             WHERE m.id = x.id`,
            [JSON.stringify(markRows)],
          )
        : null;
    marksWritten?.catch(() => undefined); // awaited below: an early failure is not an unhandled rejection meanwhile
    const c = timelineRows;
    const timelineColumns = [c.eventId, c.mandateId, c.kind, c.effectiveOn, c.expiresOn, c.decision, c.seq, c.recordedAt, c.dateKnown, c.supersededOn].map(arrayLiteral);
    await marksWritten;

    // Rows that exist are updated in place (cheaper than an upsert's speculative insertion);
    // new mandates are inserted.
    const updates = mandateRows.filter((r) => stored.has(r.id as string));
    const inserts = mandateRows.filter((r) => !stored.has(r.id as string));
    if (updates.length > 0) {
      await tx.query(
        `UPDATE mandates AS m SET acronym = x.acronym, names = x.names, aliases = ARRAY(SELECT jsonb_array_elements_text(x.aliases)),
            type = x.type, agenda_item = x.agenda_item, established_on = x.established_on, established_by = x.established_by,
            expires_on = x.expires_on, terminated_on = x.terminated_on, status = x.status, last_decision = x.last_decision,
            search_text = x.search_text, stream_version = x.stream_version, state = x.state, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS x(${MANDATE_RECORD})
         WHERE m.id = x.id`,
        [JSON.stringify(updates)],
      );
    }
    if (inserts.length > 0) {
      await tx.query(
        `INSERT INTO mandates (id, acronym, names, aliases, type, agenda_item, established_on, established_by, expires_on,
            terminated_on, status, last_decision, search_text, stream_version, state, updated_at)
         SELECT x.id, x.acronym, x.names, ARRAY(SELECT jsonb_array_elements_text(x.aliases)), x.type, x.agenda_item, x.established_on,
            x.established_by, x.expires_on, x.terminated_on, x.status, x.last_decision, x.search_text, x.stream_version, x.state, now()
         FROM jsonb_to_recordset($1::jsonb) AS x(${MANDATE_RECORD})
         ON CONFLICT (id) DO UPDATE SET acronym = EXCLUDED.acronym, names = EXCLUDED.names, aliases = EXCLUDED.aliases,
            type = EXCLUDED.type, agenda_item = EXCLUDED.agenda_item, established_on = EXCLUDED.established_on,
            established_by = EXCLUDED.established_by, expires_on = EXCLUDED.expires_on, terminated_on = EXCLUDED.terminated_on,
            status = EXCLUDED.status, last_decision = EXCLUDED.last_decision, search_text = EXCLUDED.search_text,
            stream_version = EXCLUDED.stream_version, state = EXCLUDED.state, updated_at = now()`,
        [JSON.stringify(inserts)],
      );
    }
    // A correction can move any of a mandate's dated facts: those mandates' rows are replaced.
    if (replaced.length > 0) {
      await tx.query('DELETE FROM mandate_timeline WHERE mandate_id = ANY($1::text[])', [replaced]);
      await tx.query('DELETE FROM report_requests WHERE mandate_id = ANY($1::text[])', [replaced]);
    }
    if (timelineRows.length > 0) {
      await tx.query(
        `INSERT INTO mandate_timeline (event_id, mandate_id, kind, effective_on, expires_on, decision, seq, recorded_at, date_known, superseded_on)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[], $5::date[], $6::text[], $7::bigint[], $8::timestamptz[], $9::boolean[], $10::date[])`,
        timelineColumns,
      );
    }
    if (c.links.mandateId.length > 0) {
      const l = c.links;
      await tx.query(
        `UPDATE mandate_timeline AS t SET superseded_on = x.superseded_on
         FROM unnest($1::text[], $2::date[], $3::bigint[], $4::date[]) AS x(mandate_id, effective_on, seq, superseded_on)
         WHERE t.mandate_id = x.mandate_id AND t.effective_on = x.effective_on AND t.seq = x.seq`,
        [l.mandateId, l.effectiveOn, l.seq, l.supersededOn].map(arrayLiteral),
      );
    }
    await this.insertReports(tx, reportRows);
    // Only now: `stored` may be the carry, and the writes above tell updates from inserts by it.
    if (carry) for (const [id, summary] of written) carry.set(id, summary);
  }

  private async insertReports(tx: pg.PoolClient, rows: Record<string, unknown>[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO report_requests (event_id, mandate_id, due_on, decision, description, adopted_on, agenda_item)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(event_id uuid, mandate_id text, due_on date, decision text,
          description text, adopted_on date, agenda_item text)
       ON CONFLICT (event_id) DO UPDATE SET due_on = EXCLUDED.due_on, decision = EXCLUDED.decision,
          description = EXCLUDED.description, adopted_on = EXCLUDED.adopted_on, agenda_item = EXCLUDED.agenda_item`,
      [JSON.stringify(rows)],
    );
  }

  async reset(tx: pg.PoolClient): Promise<void> {
    await tx.query('TRUNCATE mandates, mandate_timeline, report_requests');
  }
}

const MARKS_RECORD = 'id text, expires_on date, terminated_on date, status text, last_decision jsonb, stream_version int, state jsonb';

/** The columns of a mandate row that follow from its marks (see MARKS_RECORD). */
function marksRow(id: string, s: MandateSummary): Record<string, unknown> {
  const terminatedOn = s.termination?.value ?? null;
  return {
    id,
    expires_on: s.expiry?.value ?? null,
    terminated_on: terminatedOn,
    status: terminatedOn ? 'terminated' : 'active',
    last_decision: s.decision ? { symbol: s.decision.value, adoptedOn: s.decision.effectiveOn } : null,
    stream_version: s.version,
    state: s,
  };
}

function mandateRow(id: string, s: MandateSummary): Record<string, unknown> {
  const v = s.view;
  const names = v.names;
  return {
    acronym: v.acronym,
    names,
    aliases: v.aliases,
    type: v.type ?? 'other',
    agenda_item: v.agendaItem,
    established_on: v.establishedOn,
    established_by: v.establishedBy,
    search_text: [id, v.acronym, names.en, names.zh, names.fr, ...v.aliases].filter(Boolean).join(' | ').toLowerCase(),
    ...marksRow(id, s),
  };
}

/** mandate_timeline rows to insert, one array per column (see arrayLiteral). */
class TimelineRows {
  readonly eventId: string[] = [];
  readonly mandateId: string[] = [];
  readonly kind: string[] = [];
  readonly effectiveOn: string[] = [];
  readonly expiresOn: (string | null)[] = [];
  readonly decision: (string | null)[] = [];
  readonly seq: number[] = [];
  readonly recordedAt: string[] = [];
  readonly dateKnown: boolean[] = [];
  readonly supersededOn: (string | null)[] = [];
  /** Stored entries whose superseded_on becomes a new entry's date: mandate, effective date, seq, the date. */
  readonly links = { mandateId: [] as string[], effectiveOn: [] as string[], seq: [] as number[], supersededOn: [] as string[] };

  get length(): number {
    return this.eventId.length;
  }

  /** `entries`: sorted (as mandateTimeline returns them), and after every stored entry of the mandate that sets an expiry. */
  push(mandateId: string, entries: TimelineEntry[]): void {
    let next: string | null = null; // the date of the next entry that sets an expiry
    const supersededOn: (string | null)[] = new Array(entries.length).fill(null);
    for (let i = entries.length - 1; i >= 0; i--) {
      if (!setsExpiry(entries[i])) continue;
      supersededOn[i] = next;
      next = entries[i].effectiveOn;
    }
    for (let i = 0; i < entries.length; i++) {
      const t = entries[i];
      this.supersededOn.push(supersededOn[i]);
      this.eventId.push(t.eventId);
      this.mandateId.push(mandateId);
      this.kind.push(t.kind);
      this.effectiveOn.push(t.effectiveOn);
      // A stale entry sets no expiry and no last decision in the SQL "as of" reads either.
      this.expiresOn.push(t.stale ? null : t.expiresOn);
      this.decision.push(t.stale ? null : t.decision);
      this.seq.push(t.seq);
      this.recordedAt.push(t.recordedAt);
      this.dateKnown.push(t.dateKnown);
    }
  }

  /** The stored entry `mark` of `mandateId` is superseded on `on` (by an entry this batch adds). */
  link(mandateId: string, mark: Mark, on: string): void {
    this.links.mandateId.push(mandateId);
    this.links.effectiveOn.push(mark.effectiveOn);
    this.links.seq.push(mark.seq);
    this.links.supersededOn.push(on);
  }
}

/** An entry the timeline stores with an expiry (a stale one is stored without). */
const setsExpiry = (t: TimelineEntry): boolean => !t.stale && t.expiresOn !== null;

function reportRow(e: StoredEvent, mandateId: string | null): Record<string, unknown> {
  const d = e.data as ReportRequested;
  return {
    event_id: e.id,
    mandate_id: mandateId,
    due_on: d.dueOn,
    decision: d.decision,
    description: d.description,
    adopted_on: e.occurredOn,
    agenda_item: d.agendaItem ?? null,
  };
}
