import type pg from 'pg';
import {
  evolveMandate,
  initialMandateState,
  mandateTimeline,
  mandateView,
  type FoldableEvent,
  type MandateState,
  type ReportRequested,
} from '#libs/domain';
import type { StoredEvent } from '#libs/event-store';
import type { Projector } from './projector.js';

const MANDATE_STREAM = 'mandate-';
const HANDLED = new Set(['MandateEstablished', 'MandateExtended', 'MandateTerminated', 'ReportRequested', 'FactCorrected']);
const FAR_FUTURE = '9999-12-31';

const foldable = (e: StoredEvent): FoldableEvent => ({
  id: e.id,
  type: e.type,
  data: e.data,
  occurredOn: e.occurredOn,
  recordedAt: e.recordedAt,
  version: e.version,
});

/**
 * Mandates: the folded state of each mandate stream (kept in `mandates.state`, so a batch only
 * folds its new events), the current names/expiry/status columns, the dated timeline used by
 * "as of" queries, and report requests.
 */
export class MandateProjector implements Projector {
  readonly name = 'mandates';

  async apply(tx: pg.PoolClient, events: StoredEvent[]): Promise<void> {
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
    if (byMandate.size > 0) await this.applyMandates(tx, byMandate);
    if (orphanReports.length > 0) await this.insertReports(tx, orphanReports.map((e) => reportRow(e, null)));
  }

  private async applyMandates(tx: pg.PoolClient, byMandate: Map<string, StoredEvent[]>): Promise<void> {
    const ids = [...byMandate.keys()];
    const existing = await tx.query<{ id: string; state: MandateState }>('SELECT id, state FROM mandates WHERE id = ANY($1::text[])', [ids]);
    const states = new Map(existing.rows.map((r) => [r.id, r.state]));

    const mandateRows: Record<string, unknown>[] = [];
    const timelineRows: Record<string, unknown>[] = [];
    const reportRows: Record<string, unknown>[] = [];
    for (const [id, list] of byMandate) {
      let state = states.get(id) ?? initialMandateState(id);
      if (!state.facts) state = initialMandateState(id); // a row created before its state was known
      for (const e of list) state = evolveMandate(state, foldable(e));
      const current = mandateView(state, { asOf: FAR_FUTURE });
      const names = current.names;
      mandateRows.push({
        id,
        acronym: current.acronym,
        names,
        aliases: current.aliases,
        type: current.type ?? 'other',
        agenda_item: current.agendaItem,
        established_on: current.establishedOn,
        established_by: current.establishedBy,
        expires_on: current.expiresOn,
        terminated_on: current.terminatedOn,
        status: current.terminatedOn ? 'terminated' : 'active',
        last_decision: current.lastDecision,
        search_text: [id, current.acronym, names.en, names.zh, names.fr, ...current.aliases].filter(Boolean).join(' | ').toLowerCase(),
        stream_version: state.version,
        state,
      });
      for (const t of mandateTimeline(state)) {
        timelineRows.push({
          event_id: t.eventId,
          mandate_id: id,
          kind: t.kind,
          effective_on: t.effectiveOn,
          expires_on: t.expiresOn,
          decision: t.decision,
          seq: t.seq,
          recorded_at: t.recordedAt,
        });
      }
      for (const r of current.reportRequests) {
        const fact = state.facts.find((f) => f.eventId === r.eventId);
        reportRows.push({
          event_id: r.eventId,
          mandate_id: id,
          due_on: r.dueOn,
          decision: r.decision,
          description: r.description,
          adopted_on: (fact?.data.adoptedOn as string | null) ?? fact?.occurredOn ?? null,
          agenda_item: (fact?.data.agendaItem as string | null) ?? current.agendaItem,
        });
      }
    }

    await tx.query(
      `INSERT INTO mandates (id, acronym, names, aliases, type, agenda_item, established_on, established_by, expires_on,
          terminated_on, status, last_decision, search_text, stream_version, state, updated_at)
       SELECT x.id, x.acronym, x.names, ARRAY(SELECT jsonb_array_elements_text(x.aliases)), x.type, x.agenda_item, x.established_on,
          x.established_by, x.expires_on, x.terminated_on, x.status, x.last_decision, x.search_text, x.stream_version, x.state, now()
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, acronym text, names jsonb, aliases jsonb, type text, agenda_item text,
          established_on date, established_by text, expires_on date, terminated_on date, status text, last_decision jsonb,
          search_text text, stream_version int, state jsonb)
       ON CONFLICT (id) DO UPDATE SET acronym = EXCLUDED.acronym, names = EXCLUDED.names, aliases = EXCLUDED.aliases,
          type = EXCLUDED.type, agenda_item = EXCLUDED.agenda_item, established_on = EXCLUDED.established_on,
          established_by = EXCLUDED.established_by, expires_on = EXCLUDED.expires_on, terminated_on = EXCLUDED.terminated_on,
          status = EXCLUDED.status, last_decision = EXCLUDED.last_decision, search_text = EXCLUDED.search_text,
          stream_version = EXCLUDED.stream_version, state = EXCLUDED.state, updated_at = now()`,
      [JSON.stringify(mandateRows)],
    );
    // The timeline and report requests of a mandate are derived from its whole state (a
    // correction can move any of them): replace them.
    await tx.query('DELETE FROM mandate_timeline WHERE mandate_id = ANY($1::text[])', [ids]);
    if (timelineRows.length > 0) {
      await tx.query(
        `INSERT INTO mandate_timeline (event_id, mandate_id, kind, effective_on, expires_on, decision, seq, recorded_at)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(event_id uuid, mandate_id text, kind text, effective_on date,
            expires_on date, decision text, seq bigint, recorded_at timestamptz)`,
        [JSON.stringify(timelineRows)],
      );
    }
    await tx.query('DELETE FROM report_requests WHERE mandate_id = ANY($1::text[])', [ids]);
    await this.insertReports(tx, reportRows);
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
