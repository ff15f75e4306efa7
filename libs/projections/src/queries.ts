import { addDays, daysLeft, foldMandate, mandateView, streamIds, type MandateView } from '#libs/domain';
import type { EventStore } from '#libs/event-store';
import type { PrismaClient } from '#libs/db';
import type pg from 'pg';
import { decodeKeyCursor, encodeKeyCursor, isoDay, type Page } from './paging.js';

export interface MandateSummary {
  id: string;
  acronym: string | null;
  names: Record<string, string>;
  aliases: string[];
  type: string;
  agendaItem: string | null;
  status: 'active' | 'expired' | 'terminated';
  establishedOn: string | null;
  establishedBy: string | null;
  expiresOn: string | null;
  daysLeft: number | null;
  terminatedOn: string | null;
  lastDecision: { symbol: string; adoptedOn: string } | null;
}

export interface MandateDetail extends MandateView {
  daysLeft: number | null;
  asOf: string;
  knownAt: string | null;
  streamId: string;
}

export interface UpcomingItem {
  mandate: { id: string; acronym: string | null; names: Record<string, string>; type: string; agendaItem: string | null };
  expiresOn: string;
  daysLeft: number;
  lastDecision: { symbol: string; adoptedOn: string } | null;
}

/**
 * SQL expression: the feed position the `mandates` projection (mandates, mandate_timeline) has
 * applied, as `<tx>.<position>` (null before it ever ran). The version of what `upcoming` reads.
 */
export const MANDATES_CHECKPOINT = `(SELECT transaction_id::text || '.' || position::text FROM projection_checkpoints WHERE name = 'mandates')`;

const likePattern = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Reads of mandates: lists and "upcoming" from the projection, one mandate folded from its stream. */
export class MandateQueries {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly store: EventStore,
    // Hot reads go through plain `pg`: Prisma's raw query costs ~0.6 ms more per call.
    private readonly pool: pg.Pool,
  ) {}

  /**
   * The version of the data `upcoming` reads: the checkpoint of the `mandates` projection, which
   * moves in the same transaction as its tables (null before the projection ever ran).
   */
  async upcomingVersion(): Promise<string | null> {
    const r = await this.pool.query<{ cp: string | null }>({ name: 'mw_mandates_checkpoint', text: `SELECT ${MANDATES_CHECKPOINT} AS cp` });
    return r.rows[0].cp;
  }

  /** The mandate as of a date (and as known at an instant), folded from its stream; null if unknown. */
  async get(id: string, opts: { asOf: string; knownAt?: string }): Promise<MandateDetail | null> {
    const streamId = streamIds.mandate(id);
    const { events, version } = await this.store.readStream(streamId);
    if (version === 0) return null;
    const state = foldMandate(id, events);
    const view = mandateView(state, { asOf: opts.asOf, knownAt: opts.knownAt });
    return {
      ...view,
      daysLeft: view.expiresOn ? daysLeft(view.expiresOn, opts.asOf) : null,
      asOf: opts.asOf,
      knownAt: opts.knownAt ?? null,
      streamId,
    };
  }

  async list(opts: {
    asOf: string;
    status?: 'active' | 'expired' | 'terminated';
    type?: string;
    agendaItem?: string;
    q?: string;
    limit: number;
    cursor?: string | null;
  }): Promise<Page<MandateSummary>> {
    const after = decodeKeyCursor(opts.cursor, 1);
    const asOf = new Date(`${opts.asOf}T00:00:00Z`);
    const where: Record<string, unknown>[] = [];
    if (after) where.push({ id: { gt: after[0] } });
    if (opts.type) where.push({ type: opts.type });
    if (opts.agendaItem) where.push({ agendaItem: opts.agendaItem });
    if (opts.q) where.push({ searchText: { contains: opts.q.trim().toLowerCase() } });
    if (opts.status === 'terminated') where.push({ terminatedOn: { lt: asOf } });
    if (opts.status === 'expired') where.push({ expiresOn: { lt: asOf } }, { terminatedOn: null });
    if (opts.status === 'active') where.push({ OR: [{ expiresOn: null }, { expiresOn: { gte: asOf } }] });
    const rows = await this.prisma.mandate.findMany({
      where: { AND: where },
      orderBy: { id: 'asc' },
      take: opts.limit + 1,
    });
    const more = rows.length > opts.limit;
    const page = rows.slice(0, opts.limit).map((m) => {
      const expiresOn = isoDay(m.expiresOn);
      const terminatedOn = isoDay(m.terminatedOn);
      const status: MandateSummary['status'] =
        terminatedOn && terminatedOn < opts.asOf ? 'terminated' : expiresOn && expiresOn < opts.asOf ? 'expired' : 'active';
      return {
        id: m.id,
        acronym: m.acronym,
        names: m.names as Record<string, string>,
        aliases: m.aliases,
        type: m.type,
        agendaItem: m.agendaItem,
        status,
        establishedOn: isoDay(m.establishedOn),
        establishedBy: m.establishedBy,
        expiresOn,
        daysLeft: expiresOn ? daysLeft(expiresOn, opts.asOf) : null,
        terminatedOn,
        lastDecision: (m.lastDecision as MandateSummary['lastDecision']) ?? null,
      };
    });
    return { items: page, next: more ? encodeKeyCursor([page[page.length - 1].id]) : null };
  }

  /**
   * Mandates in force on `asOf` whose expiry (given the decisions adopted by then) falls
   * within `within` days, soonest first.
   */
  async upcoming(opts: UpcomingQuery): Promise<Page<UpcomingItem> & { version: string | null }> {
    const { rows } = await this.pool.query<{
      id: string;
      acronym: string | null;
      names: Record<string, string>;
      type: string;
      agenda_item: string | null;
      expires_on: string;
      decision: string | null;
      effective_on: string;
      days_left: number;
      version: string | null;
    }>({
      name: 'mw_upcoming',
      // `version`: the projection's checkpoint in the same snapshot as the rows (see upcomingVersion).
      // `days_left`: date minus date is whole days in SQL (in JS, two date parses a row).
      text: `SELECT m.id, m.acronym, m.names, m.type, m.agenda_item, t.expires_on::text AS expires_on, t.decision, t.effective_on::text AS effective_on,
              t.expires_on - $1::date AS days_left, ${MANDATES_CHECKPOINT} AS version
       FROM mandate_timeline t JOIN mandates m ON m.id = t.mandate_id
       ${UPCOMING_WHERE}
       ORDER BY t.expires_on, m.id`,
      values: upcomingValues(opts),
    });
    return {
      items: rows.map((r) => ({
        mandate: { id: r.id, acronym: r.acronym, names: r.names, type: r.type, agendaItem: r.agenda_item },
        expiresOn: r.expires_on,
        daysLeft: r.days_left,
        lastDecision: r.decision ? { symbol: r.decision, adoptedOn: r.effective_on } : null,
      })),
      next: null,
      // With no row, the snapshot's checkpoint is unknown: the caller must not keep the answer.
      version: rows[0]?.version ?? null,
    };
  }

  /**
   * `upcoming`'s items as JSON text (an array of UpcomingItem, same fields in the same order),
   * written by PostgreSQL, with the projection's checkpoint in the same snapshot (also for an
   * empty answer). For the API's answer: on a cache miss, parsing ~200 rows into objects and
   * serializing them again was most of the API's own work (answers of 50-60 kB). `row_to_json`
   * writes compact JSON; only a mandate's `names` (jsonb) keeps PostgreSQL's spacing.
   */
  async upcomingJson(opts: UpcomingQuery): Promise<{ itemsJson: string; version: string | null }> {
    const { rows } = await this.pool.query<{ items: string; version: string | null }>({
      name: 'mw_upcoming_json',
      text: `SELECT '[' || coalesce(string_agg(u.item, ',' ORDER BY u.expires_on, u.id), '') || ']' AS items, ${MANDATES_CHECKPOINT} AS version
       FROM (
         SELECT t.expires_on, m.id, row_to_json(i)::text AS item
         FROM mandate_timeline t JOIN mandates m ON m.id = t.mandate_id
         CROSS JOIN LATERAL (
           SELECT (SELECT row_to_json(mm) FROM (SELECT m.id, m.acronym, m.names, m.type, m.agenda_item AS "agendaItem") mm) AS mandate,
                  t.expires_on AS "expiresOn", t.expires_on - $1::date AS "daysLeft",
                  (SELECT row_to_json(d) FROM (SELECT t.decision AS symbol, t.effective_on AS "adoptedOn") d WHERE t.decision IS NOT NULL) AS "lastDecision"
         ) i
         ${UPCOMING_WHERE}
       ) u`,
      values: upcomingValues(opts),
    });
    return { itemsJson: rows[0].items, version: rows[0].version };
  }
}

export interface UpcomingQuery {
  asOf: string;
  within: number;
  type?: string;
  agendaItem?: string;
}

const upcomingValues = (q: UpcomingQuery) => [q.asOf, addDays(q.asOf, q.within), q.type ?? null, q.agendaItem ?? null];

/**
 * Which timeline entries (t) of which mandates (m) `upcoming` answers ($1 asOf, $2 the window's
 * last day, $3 type, $4 agenda item). The expiry in force on asOf is set by the mandate's latest
 * timeline entry (by effective date, then seq) with an expiry among those effective by then. Only
 * entries expiring within the window can qualify: read those (index on expires_on, effective_on),
 * and keep each one whose next entry with an expiry (its superseded_on, kept by the projector)
 * was not yet effective on asOf. The cost follows the answer's size, not the number of mandates
 * (5,000 mandates, 1M events: ~110 ms with a scan per mandate; with an index probe per entry
 * for a later one 1.6-1.85 ms of PostgreSQL per answer, with superseded_on 0.63-0.78 ms).
 */
const UPCOMING_WHERE = `WHERE t.expires_on >= $1::date AND t.expires_on <= $2::date AND t.effective_on <= $1::date
         AND (t.superseded_on IS NULL OR t.superseded_on > $1::date)
         AND ($3::text IS NULL OR m.type = $3::text) AND ($4::text IS NULL OR m.agenda_item = $4::text)`;

export interface MeetingItem {
  id: string;
  kind: string;
  symbol: string | null;
  record: string | null;
  recordDate: string | null;
  date: string;
  agendaItem: string;
  format: string;
  subItem: string | null;
  documents: string[];
  rule37: string[];
  rule39: string[];
  speakers: string[];
  outcome: string | null;
  writtenProcedureRecord: string | null;
}

export interface DecisionItem {
  symbol: string;
  kind: string;
  adoptedOn: string;
  vote: { for: number; against: number; abstaining: number } | null;
  chapterVII: boolean;
  meeting: string | null;
  agendaItem: string | null;
  writtenProcedureRecord: string | null;
}

export interface DateRangeFilter {
  agendaItem?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string | null;
}

const dateRange = (from?: string, to?: string) =>
  from || to ? { ...(from ? { gte: new Date(`${from}T00:00:00Z`) } : {}), ...(to ? { lte: new Date(`${to}T00:00:00Z`) } : {}) } : undefined;

export class MeetingQueries {
  constructor(private readonly prisma: PrismaClient) {}

  async list(f: DateRangeFilter): Promise<Page<MeetingItem>> {
    const after = decodeKeyCursor(f.cursor, 2);
    const rows = await this.prisma.meeting.findMany({
      where: {
        AND: [
          f.agendaItem ? { agendaItem: f.agendaItem } : {},
          { date: dateRange(f.from, f.to) },
          after ? { OR: [{ date: { gt: new Date(`${after[0]}T00:00:00Z`) } }, { date: new Date(`${after[0]}T00:00:00Z`), id: { gt: after[1] } }] } : {},
        ],
      },
      orderBy: [{ date: 'asc' }, { id: 'asc' }],
      take: f.limit + 1,
    });
    const items = rows.slice(0, f.limit).map((m) => ({
      id: m.id,
      kind: m.kind,
      symbol: m.symbol,
      record: m.record,
      recordDate: isoDay(m.recordDate),
      date: isoDay(m.date) as string,
      agendaItem: m.agendaItem,
      format: m.format,
      subItem: m.subItem,
      documents: m.documents,
      rule37: m.rule37,
      rule39: m.rule39,
      speakers: m.speakers,
      outcome: m.outcome,
      writtenProcedureRecord: m.writtenProcedureRecord,
    }));
    const last = items.at(-1);
    return { items, next: rows.length > f.limit && last ? encodeKeyCursor([last.date, last.id]) : null };
  }
}

export class DecisionQueries {
  constructor(private readonly prisma: PrismaClient) {}

  async list(f: DateRangeFilter): Promise<Page<DecisionItem>> {
    const after = decodeKeyCursor(f.cursor, 2);
    const rows = await this.prisma.decision.findMany({
      where: {
        AND: [
          f.agendaItem ? { agendaItem: f.agendaItem } : {},
          { adoptedOn: dateRange(f.from, f.to) },
          after
            ? { OR: [{ adoptedOn: { gt: new Date(`${after[0]}T00:00:00Z`) } }, { adoptedOn: new Date(`${after[0]}T00:00:00Z`), symbol: { gt: after[1] } }] }
            : {},
        ],
      },
      orderBy: [{ adoptedOn: 'asc' }, { symbol: 'asc' }],
      take: f.limit + 1,
    });
    const items = rows.slice(0, f.limit).map((d) => ({
      symbol: d.symbol,
      kind: d.kind,
      adoptedOn: isoDay(d.adoptedOn) as string,
      vote: (d.vote as DecisionItem['vote']) ?? null,
      chapterVII: d.chapterVII,
      meeting: d.meeting,
      agendaItem: d.agendaItem,
      writtenProcedureRecord: d.writtenProcedureRecord,
    }));
    const last = items.at(-1);
    return { items, next: rows.length > f.limit && last ? encodeKeyCursor([last.adoptedOn, last.symbol]) : null };
  }
}

export interface AgendaItemSummary {
  id: string;
  names: Record<string, string>;
  meetings: number;
  decisions: number;
  mandates: number;
}

export class AgendaItemQueries {
  constructor(private readonly prisma: PrismaClient) {}

  async list(opts: { limit: number; cursor?: string | null }): Promise<Page<AgendaItemSummary>> {
    const after = decodeKeyCursor(opts.cursor, 1);
    const rows = await this.prisma.$queryRawUnsafe<AgendaItemSummary[]>(
      `SELECT a.id, a.names,
         (SELECT count(*)::int FROM meetings m WHERE m.agenda_item = a.id) AS meetings,
         (SELECT count(*)::int FROM decisions d WHERE d.agenda_item = a.id) AS decisions,
         (SELECT count(*)::int FROM mandates x WHERE x.agenda_item = a.id) AS mandates
       FROM agenda_items a WHERE ($1::text IS NULL OR a.id > $1::text) ORDER BY a.id LIMIT $2`,
      after?.[0] ?? null,
      opts.limit + 1,
    );
    const items = rows.slice(0, opts.limit);
    return { items, next: rows.length > opts.limit ? encodeKeyCursor([items[items.length - 1].id]) : null };
  }
}
