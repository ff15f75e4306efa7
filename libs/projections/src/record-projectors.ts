import type pg from 'pg';
import type { DecisionAdopted, MeetingHeld } from '#libs/domain';
import { EventStore, type StoredEvent } from '#libs/event-store';
import type { Projector } from './projector.js';

/**
 * The latest data of each record stream (a meeting, a decision) after corrections. Streams are
 * tiny, so a correction simply re-reads its stream and applies every correction in order.
 */
async function latestData(tx: pg.PoolClient, store: EventStore, streamId: string, factType: string): Promise<{ id: string; data: Record<string, unknown> } | null> {
  const { events } = await store.readStream(streamId, {}, tx);
  let current: { id: string; data: Record<string, unknown> } | null = null;
  for (const e of events) {
    if (e.type === factType) current = { id: e.id, data: { ...(e.data as object) } as Record<string, unknown> };
    else if (e.type === 'FactCorrected' && current) {
      const c = e.data as { correctsEventId: string; fields: Record<string, unknown> };
      if (c.correctsEventId === current.id) {
        const merged: Record<string, unknown> = Object.assign({}, current.data, c.fields);
        current = { id: current.id, data: merged };
      }
    }
  }
  return current;
}

async function latestPerStream(
  tx: pg.PoolClient,
  store: EventStore,
  events: StoredEvent[],
  prefix: string,
  factType: string,
): Promise<{ id: string; data: Record<string, unknown> }[]> {
  const latest = new Map<string, { id: string; data: Record<string, unknown> }>();
  const corrected = new Set<string>();
  for (const e of events) {
    if (!e.streamId.startsWith(prefix)) continue;
    if (e.type === factType) latest.set(e.streamId, { id: e.id, data: e.data as Record<string, unknown> });
    else if (e.type === 'FactCorrected') corrected.add(e.streamId);
  }
  for (const streamId of corrected) {
    const d = await latestData(tx, store, streamId, factType);
    if (d) latest.set(streamId, d);
  }
  return [...latest.values()];
}

export class MeetingProjector implements Projector {
  readonly name = 'meetings';
  readonly tables = ['meetings'];
  constructor(private readonly store: EventStore) {}

  async apply(tx: pg.PoolClient, events: StoredEvent[]): Promise<void> {
    const rows = (await latestPerStream(tx, this.store, events, 'meeting-', 'MeetingHeld')).map(({ id, data }) => {
      const d = data as unknown as MeetingHeld;
      return {
        id: d.meetingId,
        kind: d.kind,
        symbol: d.symbol,
        record: d.record,
        record_date: d.recordDate,
        date: d.date,
        agenda_item: d.agendaItem,
        format: d.format,
        sub_item: d.subItem,
        documents: d.documents ?? [],
        rule37: d.rule37 ?? [],
        rule39: d.rule39 ?? [],
        speakers: d.speakers ?? [],
        outcome: d.outcome,
        written_procedure_record: d.writtenProcedureRecord,
        event_id: id,
      };
    });
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO meetings (id, kind, symbol, record, record_date, date, agenda_item, format, sub_item, documents, rule37, rule39,
          speakers, outcome, written_procedure_record, event_id)
       SELECT x.id, x.kind, x.symbol, x.record, x.record_date, x.date, x.agenda_item, x.format, x.sub_item,
          ARRAY(SELECT jsonb_array_elements_text(x.documents)), ARRAY(SELECT jsonb_array_elements_text(x.rule37)),
          ARRAY(SELECT jsonb_array_elements_text(x.rule39)), ARRAY(SELECT jsonb_array_elements_text(x.speakers)),
          x.outcome, x.written_procedure_record, x.event_id
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, kind text, symbol text, record text, record_date date, date date,
          agenda_item text, format text, sub_item text, documents jsonb, rule37 jsonb, rule39 jsonb, speakers jsonb,
          outcome text, written_procedure_record text, event_id uuid)
       ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, symbol = EXCLUDED.symbol, record = EXCLUDED.record,
          record_date = EXCLUDED.record_date, date = EXCLUDED.date, agenda_item = EXCLUDED.agenda_item, format = EXCLUDED.format,
          sub_item = EXCLUDED.sub_item, documents = EXCLUDED.documents, rule37 = EXCLUDED.rule37, rule39 = EXCLUDED.rule39,
          speakers = EXCLUDED.speakers, outcome = EXCLUDED.outcome, written_procedure_record = EXCLUDED.written_procedure_record,
          event_id = EXCLUDED.event_id`,
      [JSON.stringify(rows)],
    );
  }

  async reset(tx: pg.PoolClient): Promise<void> {
    await tx.query('TRUNCATE meetings');
  }
}

export class DecisionProjector implements Projector {
  readonly name = 'decisions';
  readonly tables = ['decisions'];
  constructor(private readonly store: EventStore) {}

  async apply(tx: pg.PoolClient, events: StoredEvent[]): Promise<void> {
    const rows = (await latestPerStream(tx, this.store, events, 'decision-', 'DecisionAdopted')).map(({ id, data }) => {
      const d = data as unknown as DecisionAdopted;
      return {
        symbol: d.symbol,
        kind: d.kind,
        adopted_on: d.adoptedOn,
        vote: d.vote,
        chapter_vii: d.chapterVII ?? false,
        meeting: d.meeting,
        agenda_item: d.agendaItem,
        written_procedure_record: d.writtenProcedureRecord,
        event_id: id,
      };
    });
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO decisions (symbol, kind, adopted_on, vote, chapter_vii, meeting, agenda_item, written_procedure_record, event_id)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(symbol text, kind text, adopted_on date, vote jsonb, chapter_vii boolean,
          meeting text, agenda_item text, written_procedure_record text, event_id uuid)
       ON CONFLICT (symbol) DO UPDATE SET kind = EXCLUDED.kind, adopted_on = EXCLUDED.adopted_on, vote = EXCLUDED.vote,
          chapter_vii = EXCLUDED.chapter_vii, meeting = EXCLUDED.meeting, agenda_item = EXCLUDED.agenda_item,
          written_procedure_record = EXCLUDED.written_procedure_record, event_id = EXCLUDED.event_id`,
      [JSON.stringify(rows)],
    );
  }

  async reset(tx: pg.PoolClient): Promise<void> {
    await tx.query('TRUNCATE decisions');
  }
}

/** Agenda items named by any fact; names merge across languages and sources. */
export class AgendaItemProjector implements Projector {
  readonly name = 'agenda-items';
  readonly tables = ['agenda_items'];

  async apply(tx: pg.PoolClient, events: StoredEvent[]): Promise<void> {
    const items = new Map<string, Record<string, string>>();
    for (const e of events) {
      const d = e.data as { agendaItem?: string | null; agendaItemNames?: Record<string, string> };
      if (!['MeetingHeld', 'DecisionAdopted', 'MandateEstablished', 'ReportRequested'].includes(e.type) || !d?.agendaItem) continue;
      items.set(d.agendaItem, { ...(items.get(d.agendaItem) ?? {}), ...(d.agendaItemNames ?? {}) });
    }
    if (items.size === 0) return;
    await tx.query(
      `INSERT INTO agenda_items (id, names)
       SELECT x.id, x.names FROM jsonb_to_recordset($1::jsonb) AS x(id text, names jsonb)
       ON CONFLICT (id) DO UPDATE SET names = agenda_items.names || EXCLUDED.names`,
      [JSON.stringify([...items].map(([id, names]) => ({ id, names })))],
    );
  }

  async reset(tx: pg.PoolClient): Promise<void> {
    await tx.query('TRUNCATE agenda_items');
  }
}
