import { getPostgreSQLEventStore, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import pg from 'pg';
import { createPool } from '#libs/db';
import { EventStore, type NewEvent } from '#libs/event-store';

/**
 * The three contenders of the append benchmarks, each with a pool of its own of the same size:
 * our EventStore, Emmett's PostgreSQL event store (its own schema in the same database), and a
 * raw-SQL baseline (plain pg, prepared INSERT into a table with a unique (stream, version)).
 */
export interface Appender {
  name: string;
  /** Appends `events` to `stream`, whose current version is `expected` (0: new stream). */
  append(stream: string, events: NewEvent[], expected: number): Promise<void>;
  close(): Promise<void>;
}

export async function ourAppender(url: string, poolSize: number): Promise<Appender> {
  const pool = createPool(url, { max: poolSize, applicationName: 'bench-ours' });
  const store = new EventStore(pool);
  return {
    name: 'mandate-watch EventStore',
    async append(stream, events, expected) {
      await store.appendToStream(stream, events, { expectedVersion: expected === 0 ? 'no_stream' : expected });
    },
    close: () => pool.end(),
  };
}

export async function emmettAppender(url: string, poolSize: number): Promise<Appender> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'bench-emmett' });
  tolerateDroppedConnections(pool);
  const store: PostgresEventStore = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  await store.schema.migrate();
  return {
    name: 'Emmett PostgreSQL 0.42',
    async append(stream, events, expected) {
      const r = await store.appendToStream(
        stream,
        events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: e.metadata ?? {} })),
        { expectedStreamVersion: expected === 0 ? STREAM_DOES_NOT_EXIST : BigInt(expected) },
      );
      if (r.nextExpectedStreamVersion !== BigInt(expected + events.length)) throw new Error('emmett: unexpected version');
    },
    async close() {
      await store.close();
      await pool.end().catch(() => undefined);
    },
  };
}

export const RAW_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS raw_events (
  position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  type TEXT NOT NULL,
  data JSONB NOT NULL,
  metadata JSONB NOT NULL,
  recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (stream_id, version)
)`;

/**
 * Raw baseline: one prepared INSERT per event (the unique (stream, version) constraint is the
 * version check), or one multi-row INSERT of a whole batch.
 */
export async function rawAppender(url: string, poolSize: number): Promise<Appender> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'bench-raw' });
  tolerateDroppedConnections(pool);
  await pool.query(RAW_TABLE_SQL);
  const multi = new Map<number, string>();
  const multiSql = (n: number) => {
    let s = multi.get(n);
    if (!s) {
      const rows = Array.from({ length: n }, (_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`);
      s = `INSERT INTO raw_events (stream_id, version, type, data, metadata) VALUES ${rows.join(', ')}`;
      multi.set(n, s);
    }
    return s;
  };
  return {
    name: 'raw SQL (pg INSERT)',
    async append(stream, events, expected) {
      if (events.length === 1) {
        const e = events[0];
        await pool.query({
          name: 'raw_insert_1',
          text: 'INSERT INTO raw_events (stream_id, version, type, data, metadata) VALUES ($1, $2, $3, $4, $5)',
          values: [stream, expected + 1, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata ?? {})],
        });
        return;
      }
      const values: unknown[] = [];
      events.forEach((e, i) => values.push(stream, expected + i + 1, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata ?? {})));
      await pool.query({ name: `raw_insert_${events.length}`, text: multiSql(events.length), values });
    },
    close: () => pool.end(),
  };
}

export type AppenderFactory = (url: string, poolSize: number) => Promise<Appender>;
export const APPENDERS: Record<'ours' | 'emmett' | 'raw', AppenderFactory> = { ours: ourAppender, emmett: emmettAppender, raw: rawAppender };

/**
 * `pool.end()` resolves once its clients are let go, not once their connections are closed: a
 * database dropped right after (WITH (FORCE)) can still end one, and the 'error' it emits on the
 * pool would kill the benchmark process without a listener (as libs/db's createPool has).
 */
export function tolerateDroppedConnections(pool: pg.Pool): void {
  pool.on('error', () => undefined);
}
