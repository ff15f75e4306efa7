import pg from 'pg';

// BIGINT (int8) as JS numbers would lose precision past 2^53; positions stay far below that,
// but parse them as strings by default and convert where needed. DATE stays a string
// (YYYY-MM-DD): the domain works with calendar dates, never with midnight instants.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  /** Gap-safe readers wait for the oldest open transaction: never let one idle for long. */
  idleInTransactionTimeoutMs?: number;
  statementTimeoutMs?: number;
  /**
   * PostgreSQL's JIT compilation (default off): it pays only for long analytical queries. Ours
   * are short; when a plan's estimate is off (stale statistics after a rebuild) JIT compiled the
   * "upcoming" query on every call, 1.5 s each (bench, 1M events).
   */
  jit?: boolean;
}

/**
 * The one pg pool of a process. The event store uses it with raw SQL; Prisma reads the read
 * models through its pg adapter on the same pool.
 */
export function createPool(connectionString: string, opts: PoolOptions = {}): pg.Pool {
  const settings = [`idle_in_transaction_session_timeout=${opts.idleInTransactionTimeoutMs ?? 15_000}`];
  if (opts.statementTimeoutMs) settings.push(`statement_timeout=${opts.statementTimeoutMs}`);
  if (!opts.jit) settings.push('jit=off');
  const pool = new pg.Pool({
    connectionString,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'mandate-watch',
    options: settings.map((s) => `-c ${s}`).join(' '),
    connectionTimeoutMillis: 10_000,
  });
  // An idle client that loses its server (restart, timeout) emits 'error' on the pool; without a
  // listener that would crash the process. The next checkout gets a fresh connection.
  pool.on('error', () => undefined);
  // A client that is checked out (inside a transaction, between two queries) has no such
  // listener: pg-pool removes it at checkout, and pg emits 'error' on the client whenever its
  // connection ends unexpectedly (a PostgreSQL restart: 57P01), even when a query also fails
  // with it. Unhandled, that is an uncaught exception that kills the process. The query that
  // was running gets the error; the pool discards the broken client when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
