import type pg from 'pg';
import { uuidv7 } from './ids.js';
import { decodeCursor, encodeCursor, FEED_START, type FeedPosition } from './cursor.js';
import { EventIdConflictError, InvalidAppendError, WrongExpectedVersionError } from './errors.js';
import type {
  AppendResult,
  ExpectedVersion,
  MultiAppendResult,
  NewEvent,
  ReadAllFilter,
  ReadAllJsonPage,
  ReadAllPage,
  StoredEvent,
  StreamAppend,
  Upcaster,
} from './types.js';

/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export interface EventStoreOptions {
  /** Lifts old schema versions on read (see libs/domain `upcast`). */
  upcast?: Upcaster;
  /** Channel to NOTIFY after appends (coalesced: at most one in flight). */
  notifyChannel?: string;
}

export interface HorizonStatus {
  /** The oldest transaction id still open in the cluster: the feed reads below it. */
  horizon: string;
  /** Committed events at or above the horizon (not readable by the feed yet). */
  hiddenEvents: number;
  /** The oldest open transaction that has written anything, if this role can see it. */
  oldestWriter: { pid: number; applicationName: string; seconds: number } | null;
}

type AppendListener = (info: { streamIds: string[]; count: number; checkpoint: string }) => void;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `recorded_at` as the envelope's `recordedAt` text (UTC, milliseconds, like Date#toISOString). */
const RECORDED_AT_TEXT = `to_char(events.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const ENVELOPE_COLUMNS = `position::text AS position, transaction_id::text AS tx, stream_id, version, id::text AS id, type,
  schema_version, data, metadata, occurred_on::text AS occurred_on, ${RECORDED_AT_TEXT} AS recorded_at`;

/**
 * The envelope as JSON text, written by PostgreSQL: the fields of StoredEvent in its order, under
 * its names (`row_to_json` is compact; `data` and `metadata` keep jsonb's own text, which is how
 * `pg` would have read them too).
 */
const ENVELOPE_JSON_COLUMNS = `position::text AS position, transaction_id::text AS tx, type, schema_version,
  (SELECT row_to_json(j) FROM (SELECT events.position, events.stream_id AS "streamId", events.version, events.id, events.type,
    events.schema_version AS "schemaVersion", events.data, events.metadata, events.occurred_on::text AS "occurredOn",
    ${RECORDED_AT_TEXT} AS "recordedAt") j)::text AS json`;

/**
 * A page of `limit` from `limit + 1` rows read after `after`: the cursor after its last row (or
 * `after` itself when empty) is the tail, and the next page's cursor when the extra row exists.
 */
function cutPage<R extends { tx: string; position: string }>(rows: R[], limit: number, after: FeedPosition): { page: R[]; next: string | null; tail: string } {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page.at(-1);
  const tail = last ? encodeCursor({ transactionId: last.tx, position: last.position }) : encodeCursor(after);
  return { page, next: more ? tail : null, tail };
}

interface EventJsonRow {
  position: string;
  tx: string;
  type: string;
  schema_version: number;
  json: string;
}

// The stream row is written first (the CTE `s`), so that it is the transaction's first write:
// appends to one stream then get increasing transaction ids in version order, which keeps a
// stream's events in version order in the global feed. The events insert reads `s`, so nothing
// is inserted when the expected-version check fails.
//
// The events travel as one JSON array parameter ($3) rather than one array per column: one
// value to serialise in pg and to parse in PostgreSQL, and `data` / `metadata` stay JSON
// throughout (no text round trip per event). The inserted rows come back as one aggregated row
// (positions in version order, the last version, the transaction id) instead of a row per event.
const INSERT_EVENTS = `,
ins AS (
  INSERT INTO events (stream_id, version, id, type, schema_version, data, metadata, occurred_on)
  SELECT $1, s.base + e.ord, (e.x->>'id')::uuid, e.x->>'type', (e.x->>'schemaVersion')::int, e.x->'data', e.x->'metadata',
         (e.x->>'occurredOn')::date
  FROM s, jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(x, ord)
  ORDER BY e.ord
  RETURNING position, version, transaction_id
)
SELECT count(*)::int AS n, array_agg(position::text ORDER BY version) AS positions, max(version) AS version,
       max(transaction_id::text) AS tx
FROM ins`;

// The same for the common case of one event, with scalar parameters: no arrays to serialise,
// parse and unnest, no sort (about 40% less time per call in bench/append).
const INSERT_ONE_EVENT = `
INSERT INTO events (stream_id, version, id, type, schema_version, data, metadata, occurred_on)
SELECT $1, s.base + 1, $3::uuid, $4::text, $5::int, $6::jsonb, $7::jsonb, $8::date FROM s
RETURNING position::text AS position, version, transaction_id::text AS tx`;

const STREAM_CTE = {
  no_stream: `WITH s AS (
      INSERT INTO streams (stream_id, version) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 0 AS base
    )`,
  // $4: the expected version (after $3, the events, in the batched statement).
  exact: `WITH s AS (
      UPDATE streams SET version = version + $2 WHERE stream_id = $1 AND version = $4 RETURNING version - $2 AS base
    )`,
  any: `WITH s AS (
      INSERT INTO streams (stream_id, version) VALUES ($1, $2)
      ON CONFLICT (stream_id) DO UPDATE SET version = streams.version + EXCLUDED.version
      RETURNING version - $2 AS base
    )`,
} as const;

const APPEND_SQL = {
  no_stream: STREAM_CTE.no_stream + INSERT_EVENTS,
  exact: STREAM_CTE.exact + INSERT_EVENTS,
  any: STREAM_CTE.any + INSERT_EVENTS,
} as const;

// The one-event statement binds the expected version as $9, after the event's six scalars.
const APPEND_ONE_SQL = {
  no_stream: STREAM_CTE.no_stream + INSERT_ONE_EVENT,
  exact: STREAM_CTE.exact.replace('$4', '$9') + INSERT_ONE_EVENT,
  any: STREAM_CTE.any + INSERT_ONE_EVENT,
} as const;

interface EventRow {
  position: string;
  tx: string;
  stream_id: string;
  version: number;
  id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: Record<string, unknown>;
  occurred_on: string | null;
  recorded_at: string;
}

interface PreparedEvent {
  id: string;
  type: string;
  schemaVersion: number;
  /** JSON text. */
  data: string;
  /** JSON text. */
  metadata: string;
  occurredOn: string | null;
}

/** The JSON array the batched append statement reads (data and metadata are JSON already). */
function eventsJson(events: PreparedEvent[]): string {
  const rows = events.map(
    (e) =>
      `{"id":"${e.id}","type":${JSON.stringify(e.type)},"schemaVersion":${JSON.stringify(e.schemaVersion)},"data":${e.data},"metadata":${e.metadata},"occurredOn":${JSON.stringify(e.occurredOn)}}`,
  );
  return `[${rows.join(',')}]`;
}

/**
 * The event store: streams of immutable events in PostgreSQL with optimistic concurrency,
 * idempotent appends by event id, and a gap-safe global feed.
 *
 * - `appendToStream(streamId, events, { expectedVersion })` — one statement, one round trip.
 * - `appendMany([...])` — several streams atomically (imports).
 * - `readStream(streamId)` — one stream in version order.
 * - `readAll(cursor, limit)` — every event in one stable total order, (transaction id, position),
 *   reading only below the oldest transaction still open, so that an event committing later
 *   can never land behind a cursor already handed out.
 */
export class EventStore {
  private readonly appendListeners = new Set<AppendListener>();
  private notifying = false;
  private notifyAgain = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: EventStoreOptions = {},
  ) {}

  /** Called after each successful (non-duplicate) append in this process. */
  onAppended(listener: AppendListener): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  async appendToStream(
    streamId: string,
    events: NewEvent[],
    options: { expectedVersion: ExpectedVersion },
    db: Queryable = this.pool,
  ): Promise<AppendResult> {
    const prepared = this.prepare(streamId, events);
    const result = await this.appendPrepared(db, streamId, prepared, options.expectedVersion);
    if (!result.duplicate && db === this.pool) this.announce([streamId], prepared.length, result.checkpoint);
    return result;
  }

  /**
   * Appends to several streams in one transaction: all or nothing. Events whose id already
   * exists are skipped when `skipExisting` (the same fact from another document); otherwise
   * they make the append fail like a single-stream append would.
   */
  async appendMany(
    appends: StreamAppend[],
    options: {
      skipExisting?: boolean;
      /** Runs inside the append's transaction just before COMMIT (e.g. to record what was appended). */
      beforeCommit?: (tx: pg.PoolClient, result: { appended: number; duplicates: number }) => Promise<void>;
      /** Told which event ids were skipped because they already existed. */
      onSkipped?: (ids: Set<string>) => void;
    } = {},
  ): Promise<MultiAppendResult> {
    const batches = appends
      .map((a) => ({ ...a, prepared: this.prepare(a.streamId, a.events, { allowEmpty: true }) }))
      .sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
    const allIds = batches.flatMap((b) => b.prepared.map((e) => e.id));
    if (new Set(allIds).size !== allIds.length) throw new InvalidAppendError('the same event id appears twice in one append');

    for (let attempt = 0; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        // Block other appenders while this transaction writes several streams: each stream row
        // it updates must not have been taken by a transaction that started earlier and
        // commits later, or that stream's events would leave version order in the feed. The
        // lock itself does not assign a transaction id; the first stream write does.
        await client.query('LOCK TABLE streams IN SHARE ROW EXCLUSIVE MODE');
        let existing = new Set<string>();
        if (options.skipExisting && allIds.length > 0) {
          const r = await client.query<{ id: string }>('SELECT id::text AS id FROM events WHERE id = ANY($1::uuid[])', [allIds]);
          existing = new Set(r.rows.map((row) => row.id));
          if (existing.size > 0) options.onSkipped?.(existing);
        }
        const results: AppendResult[] = [];
        let appended = 0;
        let checkpoint: string | null = null;
        for (const b of batches) {
          const fresh = b.prepared.filter((e) => !existing.has(e.id));
          if (fresh.length === 0) continue;
          const r = await this.appendPrepared(client, b.streamId, fresh, b.expectedVersion, { inTransaction: true });
          results.push(r);
          appended += fresh.length;
          checkpoint = r.checkpoint;
        }
        await options.beforeCommit?.(client, { appended, duplicates: allIds.length - appended });
        await client.query('COMMIT');
        if (appended > 0 && checkpoint) this.announce(results.map((r) => r.streamId), appended, checkpoint);
        return { results, appended, duplicates: allIds.length - appended, checkpoint };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        // Another writer appended one of these ids between our check and our insert: look again.
        if (options.skipExisting && isUniqueViolation(err, 'events_id_key') && attempt < 3) continue;
        throw err;
      } finally {
        client.release();
      }
    }
  }

  async readStream(
    streamId: string,
    options: { fromVersion?: number; limit?: number } = {},
    db: Queryable = this.pool,
  ): Promise<{ streamId: string; version: number; events: StoredEvent[] }> {
    const [events, head] = await Promise.all([
      db.query<EventRow>({
        name: 'mw_read_stream',
        text: `SELECT ${ENVELOPE_COLUMNS} FROM events WHERE stream_id = $1 AND version >= $2 ORDER BY events.version LIMIT $3`,
        values: [streamId, options.fromVersion ?? 1, options.limit ?? 100_000],
      }),
      db.query<{ version: number }>({ name: 'mw_stream_version', text: 'SELECT version FROM streams WHERE stream_id = $1', values: [streamId] }),
    ]);
    return { streamId, version: head.rows[0]?.version ?? 0, events: events.rows.map((r) => this.toEnvelope(r)) };
  }

  /** Current version of a stream (0 when it has no events). */
  async streamVersion(streamId: string, db: Queryable = this.pool): Promise<number> {
    const r = await db.query<{ version: number }>({ name: 'mw_stream_version', text: 'SELECT version FROM streams WHERE stream_id = $1', values: [streamId] });
    return r.rows[0]?.version ?? 0;
  }

  /**
   * Reads the global feed after `cursor` (null: from the start). Only events of transactions
   * older than every transaction still in progress are returned, so the order never changes
   * once read and nothing is skipped. `next` is set when more events are readable right now.
   */
  async readAll(cursor: string | null, limit = 100, filter: ReadAllFilter = {}, db: Queryable = this.pool): Promise<ReadAllPage> {
    const after = decodeCursor(cursor);
    const { page, next, tail } = cutPage(await this.readRows(db, after, limit + 1, filter), limit, after);
    return { events: page.map((r) => this.toEnvelope(r)), next, tail };
  }

  /**
   * `readAll` as JSON text: the same page (JSON.parse of `itemsJson` deep-equals `readAll`'s
   * events), each envelope written by PostgreSQL. Events whose stored schema version is not
   * current are lifted in Node (with the upcaster's `current`; without it, all are). For the
   * API's feed: parsing rows into objects only to serialize them again was most of its CPU on a
   * page that is not cached yet.
   */
  async readAllJson(cursor: string | null, limit = 100, filter: ReadAllFilter = {}, db: Queryable = this.pool): Promise<ReadAllJsonPage> {
    const after = decodeCursor(cursor);
    const { page, next, tail } = cutPage(await this.readRows<EventJsonRow>(db, after, limit + 1, filter, ENVELOPE_JSON_COLUMNS, 'mw_read_all_json'), limit, after);
    const upcast = this.options.upcast;
    const items = page.map((r) => {
      if (!upcast || upcast.current?.(r.type, r.schema_version)) return r.json;
      const e = JSON.parse(r.json) as StoredEvent;
      const lifted = upcast(r.type, r.schema_version, e.data);
      e.schemaVersion = lifted.schemaVersion;
      e.data = lifted.data;
      return JSON.stringify(e);
    });
    return { itemsJson: `[${items.join(',')}]`, count: page.length, next, tail };
  }

  /** Like readAll, also returning each event's feed position (for checkpoints). */
  async readAllWithPositions(
    after: FeedPosition,
    limit: number,
    db: Queryable = this.pool,
  ): Promise<{ event: StoredEvent; at: FeedPosition }[]> {
    const rows = await this.readRows(db, after, limit, {});
    return rows.map((r) => ({ event: this.toEnvelope(r), at: { transactionId: r.tx, position: r.position } }));
  }

  /** The position the gap-safe feed can currently be read up to (exclusive transaction bound). */
  async readableHorizon(db: Queryable = this.pool): Promise<string> {
    const r = await db.query<{ xmin: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin');
    return r.rows[0].xmin;
  }

  /**
   * What holds the gap-safe feed back: committed events the feed cannot hand out yet because a
   * transaction older than theirs is still open somewhere in the cluster (the horizon is
   * cluster-wide), and that transaction's age and application name when this role may see it
   * (superuser or `pg_read_all_stats`; otherwise null). Zero hidden events is the normal state
   * between appends; a number that stays above zero means a long transaction is stalling every
   * projection.
   */
  async horizonStatus(db: Queryable = this.pool): Promise<HorizonStatus> {
    const r = await db.query<{ horizon: string; hidden: number; pid: number | null; application_name: string | null; seconds: number | null }>(
      `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
       SELECT h.xmin::text AS horizon,
              (SELECT count(*)::int FROM events WHERE transaction_id >= h.xmin) AS hidden,
              o.pid, o.application_name, o.seconds
         FROM h
         LEFT JOIN LATERAL (
           SELECT pid, application_name, extract(epoch FROM now() - xact_start)::float8 AS seconds
             FROM pg_stat_activity
            WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
            ORDER BY age(backend_xid) DESC
            LIMIT 1
         ) o ON true`,
    );
    const row = r.rows[0];
    return {
      horizon: row.horizon,
      hiddenEvents: row.hidden,
      oldestWriter: row.pid == null ? null : { pid: row.pid, applicationName: row.application_name ?? '', seconds: row.seconds ?? 0 },
    };
  }

  private async readRows<R extends pg.QueryResultRow = EventRow>(
    db: Queryable,
    after: FeedPosition,
    limit: number,
    filter: ReadAllFilter,
    columns = ENVELOPE_COLUMNS,
    statement = 'mw_read_all',
  ): Promise<R[]> {
    const conditions = [
      '(transaction_id, position) > ($1::xid8, $2::bigint)',
      'transaction_id < pg_snapshot_xmin(pg_current_snapshot())',
    ];
    const values: unknown[] = [after.transactionId, after.position, limit];
    let name = statement;
    if (filter.types?.length) {
      values.push(filter.types);
      conditions.push(`type = ANY($${values.length}::text[])`);
      name += '_t';
    }
    if (filter.streamId) {
      values.push(filter.streamId);
      conditions.push(`stream_id = $${values.length}`);
      name += '_s';
    }
    const filedOn = `COALESCE(occurred_on, (recorded_at AT TIME ZONE 'UTC')::date)`;
    if (filter.from) {
      values.push(filter.from);
      conditions.push(`${filedOn} >= $${values.length}::date`);
      name += '_f';
    }
    if (filter.to) {
      values.push(filter.to);
      conditions.push(`${filedOn} <= $${values.length}::date`);
      name += '_u';
    }
    const r = await db.query<R>({
      name,
      // Qualified: the output column `position` is text, and ORDER BY would otherwise sort by it.
      text: `SELECT ${columns} FROM events WHERE ${conditions.join(' AND ')} ORDER BY events.transaction_id, events.position LIMIT $3`,
      values,
    });
    return r.rows;
  }

  private prepare(streamId: string, events: NewEvent[], opts: { allowEmpty?: boolean } = {}): PreparedEvent[] {
    if (!opts.allowEmpty && events.length === 0) throw new InvalidAppendError('an append needs at least one event');
    const ids = new Set<string>();
    return events.map((e, i) => {
      // Generated ids are time-ordered (UUIDv7): new ids land at the right edge of the unique
      // index on events.id instead of on random pages all over it (a random v4 id dirties one
      // more page per event, and after each checkpoint writes a full page image of it to WAL).
      const id = (e.id ?? uuidv7()).toLowerCase();
      if (!UUID.test(id)) throw new InvalidAppendError(`events[${i}].id is not a UUID`);
      if (ids.has(id)) throw new InvalidAppendError(`events[${i}].id repeats an id of the same append`);
      ids.add(id);
      return {
        id,
        type: e.type,
        schemaVersion: e.schemaVersion ?? 1,
        data: JSON.stringify(e.data ?? {}),
        metadata: JSON.stringify(e.metadata ?? {}),
        occurredOn: e.occurredOn ?? null,
      };
    });
  }

  private async appendPrepared(
    db: Queryable,
    streamId: string,
    events: PreparedEvent[],
    expected: ExpectedVersion,
    opts: { inTransaction?: boolean } = {},
  ): Promise<AppendResult> {
    if (typeof expected === 'number' && (!Number.isInteger(expected) || expected < 0)) {
      throw new InvalidAppendError('expectedVersion must be a non-negative integer, "no_stream" or "any"');
    }
    const mode = expected === 'any' ? 'any' : expected === 'no_stream' || expected === 0 ? 'no_stream' : 'exact';
    let appended: { positions: string[]; version: number; tx: string } | null = null;
    try {
      if (events.length === 1) {
        const e = events[0];
        const values: unknown[] = [streamId, 1, e.id, e.type, e.schemaVersion, e.data, e.metadata, e.occurredOn];
        if (mode === 'exact') values.push(expected);
        const r = await db.query<{ position: string; version: number; tx: string }>({ name: `mw_append1_${mode}`, text: APPEND_ONE_SQL[mode], values });
        if (r.rows.length === 1) appended = { positions: [r.rows[0].position], version: r.rows[0].version, tx: r.rows[0].tx };
      } else {
        const values: unknown[] = [streamId, events.length, eventsJson(events)];
        if (mode === 'exact') values.push(expected);
        const r = await db.query<{ n: number; positions: string[] | null; version: number | null; tx: string | null }>({
          name: `mw_append_${mode}`,
          text: APPEND_SQL[mode],
          values,
        });
        const row = r.rows[0];
        if (row.n === events.length) appended = { positions: row.positions!, version: row.version!, tx: row.tx! };
      }
    } catch (err) {
      // In a transaction the failed statement has aborted it: the caller rolls back and decides.
      if (opts.inTransaction || !isUniqueViolation(err)) throw err;
    }
    if (appended) {
      const last = appended.positions[appended.positions.length - 1];
      return {
        streamId,
        version: appended.version,
        positions: appended.positions.map(Number),
        duplicate: false,
        checkpoint: encodeCursor({ transactionId: appended.tx, position: last }),
      };
    }
    return this.explainRejectedAppend(db, streamId, events, expected);
  }

  /** Nothing was appended: either these events were appended before (idempotent) or a conflict. */
  private async explainRejectedAppend(db: Queryable, streamId: string, events: PreparedEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    const found = await db.query<{ id: string; stream_id: string; version: number; position: string; tx: string; type: string }>(
      'SELECT id::text AS id, stream_id, version, position::text AS position, transaction_id::text AS tx, type FROM events WHERE id = ANY($1::uuid[]) ORDER BY version',
      [events.map((e) => e.id)],
    );
    if (found.rows.length === events.length && found.rows.every((r, i) => r.stream_id === streamId)) {
      const byId = new Map(found.rows.map((r) => [r.id, r]));
      if (events.every((e) => byId.get(e.id)?.type === e.type)) {
        const last = found.rows[found.rows.length - 1];
        return {
          streamId,
          version: last.version,
          positions: found.rows.map((r) => Number(r.position)),
          duplicate: true,
          checkpoint: encodeCursor({ transactionId: last.tx, position: last.position }),
        };
      }
    }
    if (found.rows.length > 0) throw new EventIdConflictError(streamId, found.rows.map((r) => r.id));
    throw new WrongExpectedVersionError(streamId, expected, await this.streamVersion(streamId, db));
  }

  private toEnvelope(r: EventRow): StoredEvent {
    const lifted = this.options.upcast ? this.options.upcast(r.type, r.schema_version, r.data) : { schemaVersion: r.schema_version, data: r.data };
    return {
      position: Number(r.position),
      streamId: r.stream_id,
      version: r.version,
      id: r.id,
      type: r.type,
      schemaVersion: lifted.schemaVersion,
      data: lifted.data,
      metadata: r.metadata,
      occurredOn: r.occurred_on,
      recordedAt: r.recorded_at,
    };
  }

  private announce(streamIds: string[], count: number, checkpoint: string): void {
    for (const l of this.appendListeners) {
      try {
        l({ streamIds, count, checkpoint });
      } catch {
        /* a listener's failure is not the writer's */
      }
    }
    if (this.options.notifyChannel) this.notify(this.options.notifyChannel);
  }

  // NOTIFY serialises committing transactions on a global lock, so appends don't notify one by
  // one: at most one NOTIFY is in flight, and one more follows if appends happened meanwhile.
  private notify(channel: string): void {
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = true;
    this.pool
      .query('SELECT pg_notify($1, $2)', [channel, ''])
      .catch(() => undefined)
      .finally(() => {
        this.notifying = false;
        if (this.notifyAgain) {
          this.notifyAgain = false;
          this.notify(channel);
        }
      });
  }
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

export { FEED_START };
