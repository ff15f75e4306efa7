import { createPool } from '#libs/db';
import { EventStore } from '#libs/event-store';
import { allProjectors, ProjectionRunner } from '#libs/projections';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { log, now } from './harness.js';
import { preloadEvents } from './workload.js';

/**
 * The 1M-event database (preloaded, projections rebuilt) that the feed benchmark builds and the
 * API benchmark reads. Within one `npm run bench` process it is built once and shared; a
 * benchmark run alone builds its own. `releaseSharedFixture()` drops it.
 */
export interface LoadedDatabase {
  db: TestDatabase;
  events: number;
  /** Filled in by whoever rebuilt the projections. */
  projected: boolean;
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
  if (f !== shared) await f.db.drop();
}

export async function releaseSharedFixture(): Promise<void> {
  if (shared) await shared.db.drop();
  shared = null;
}

/** Preloads `events` and rebuilds the projections (for benchmarks that only read). */
export async function projectedDatabase(events: number): Promise<LoadedDatabase> {
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
