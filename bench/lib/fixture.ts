import { createPool } from '#libs/db';
import { EventStore } from '#libs/event-store';
import { allProjectors, ProjectionRunner } from '#libs/projections';
import pg from 'pg';
import { ADMIN_URL, createTestDatabase, namedDatabase, type TestDatabase } from '../../test/support/db.js';
import { log, now } from './harness.js';
import { preloadEvents } from './workload.js';

/**
 * The 1M-event database (preloaded, projections rebuilt) that the feed benchmark builds and the
 * API benchmark reads. Within one `npm run bench` process it is built once and shared; a
 * benchmark run alone builds its own. `releaseSharedFixture()` drops it.
 *
 * `BENCH_KEEP_FIXTURE=1`: the projected database of `projectedDatabase` gets a fixed name (events
 * count and migrations' hash) and is kept after the run; the next run with the knob reuses it
 * (skipping ~1 min of preload and rebuild at 1M events). Drop it by hand when done
 * (`DROP DATABASE mw_benchkeep…`). A run that stopped before the rebuild finished left no
 * "ready" mark: that database is built again.
 */
const KEEP_FIXTURE = process.env.BENCH_KEEP_FIXTURE === '1';
const READY = (events: number) => `mandate-watch bench fixture: ${events} events, projections rebuilt`;
export interface LoadedDatabase {
  db: TestDatabase;
  events: number;
  /** Filled in by whoever rebuilt the projections. */
  projected: boolean;
  /** Kept after the run (BENCH_KEEP_FIXTURE). */
  kept?: boolean;
}

let shared: LoadedDatabase | null = null;
let keep = false;

/** Keep the fixture for later benchmarks of this process (run-all sets it). */
export function shareFixture(): void {
  keep = true;
}

export async function loadedDatabase(events: number, build: (pool: pg.Pool, db: TestDatabase) => Promise<void>): Promise<LoadedDatabase> {
  if (shared && shared.events === events) return shared;
  const db = await createTestDatabase('benchloaded');
  const pool = createPool(db.url, { max: 8 });
  try {
    await build(pool, db);
  } catch (err) {
    await pool.end().catch(() => undefined);
    await db.drop();
    throw err;
  }
  await pool.end();
  const fixture = { db, events, projected: false };
  if (keep) shared = fixture;
  return fixture;
}

/** Drops the fixture unless it is shared (then releaseSharedFixture drops it at the end). */
export async function doneWith(f: LoadedDatabase): Promise<void> {
  if (f !== shared && !f.kept) await f.db.drop();
}

export async function releaseSharedFixture(): Promise<void> {
  if (shared) await shared.db.drop();
  shared = null;
}

/** Preloads `events` and rebuilds the projections (for benchmarks that only read). */
export async function projectedDatabase(events: number): Promise<LoadedDatabase> {
  if (KEEP_FIXTURE && !(shared && shared.events === events)) return keptProjectedDatabase(events);
  const f = await loadedDatabase(events, async (pool) => {
    log(`preloading ${events.toLocaleString('en-US')} events`);
    await preloadEvents(pool, 0, events);
  });
  if (!f.projected) {
    const pool = createPool(f.db.url, { max: 4 });
    try {
      const store = new EventStore(pool);
      log('rebuilding the projections');
      const t = now();
      await new ProjectionRunner(pool, store, allProjectors(store)).rebuild();
      log(`  rebuilt in ${Math.round((now() - t) / 1000)} s`);
      f.projected = true;
    } finally {
      await pool.end();
    }
  }
  return f;
}

async function keptProjectedDatabase(events: number): Promise<LoadedDatabase> {
  // One process at a time checks and builds it: a second run started meanwhile waits here,
  // then reuses it (instead of taking a half-built one for unfinished and dropping it).
  const lock = new pg.Client({ connectionString: ADMIN_URL });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(4242002, $1)', [events]);
    return await keptProjectedDatabaseLocked(events);
  } finally {
    await lock.end(); // also releases the session's lock
  }
}

async function keptProjectedDatabaseLocked(events: number): Promise<LoadedDatabase> {
  let db = await namedDatabase(`benchkeep${events}`);
  const mark = async (): Promise<string | null> => {
    const pool = createPool(db.url, { max: 1 });
    try {
      const r = await pool.query<{ c: string | null }>('SELECT shobj_description(oid, $2) AS c FROM pg_database WHERE datname = $1', [db.name, 'pg_database']);
      return r.rows[0]?.c ?? null;
    } finally {
      await pool.end();
    }
  };
  if (!db.created && (await mark()) === READY(events)) {
    log(`reusing the kept fixture ${db.name}`);
    return { db, events, projected: true, kept: true };
  }
  if (!db.created) {
    log(`${db.name} was left unfinished: building it again`);
    await db.drop();
    db = await namedDatabase(`benchkeep${events}`);
  }
  const pool = createPool(db.url, { max: 8 });
  try {
    log(`preloading ${events.toLocaleString('en-US')} events (kept as ${db.name})`);
    await preloadEvents(pool, 0, events);
    const store = new EventStore(pool);
    log('rebuilding the projections');
    const t = now();
    await new ProjectionRunner(pool, store, allProjectors(store)).rebuild();
    log(`  rebuilt in ${Math.round((now() - t) / 1000)} s`);
    await pool.query(`COMMENT ON DATABASE "${db.name}" IS '${READY(events)}'`);
  } finally {
    await pool.end();
  }
  return { db, events, projected: true, kept: true };
}
