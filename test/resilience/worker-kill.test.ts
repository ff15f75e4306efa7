import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '#libs/db';
import { EventStore, WrongExpectedVersionError } from '#libs/event-store';
import { allProjectors, ProjectionRunner } from '#libs/projections';
import { snapshotReadModels } from '../support/projections.js';
import { privateBuild } from './support/build.js';
import { spawnNode, type Child } from '../support/children.js';
import { startOwnPostgres, until, type OwnPostgres } from './support/instances.js';
import { factGenerator, LEDGER_DDL } from './support/load.js';
import { writeResult } from './support/results.js';

/**
 * Projection workers (child processes running the real ProjectionRunner and projectors, plus a
 * ledger) are killed with SIGKILL in the middle of their batches, again and again, while events
 * are written; replacements start. Afterwards every event reached the ledger exactly once and the
 * read models equal a fresh rebuild: a batch and its checkpoint commit together or not at all.
 */
const EVENTS = 6_000;
const KILLS = 6;

let db: OwnPostgres;
let build: string;
const children = new Set<Child>();

beforeAll(async () => {
  [db, build] = await Promise.all([startOwnPostgres('workerkill'), privateBuild()]);
}, 300_000);
afterAll(async () => {
  await Promise.all([...children].map((c) => c.kill('SIGKILL')));
  await db?.destroy();
});

describe('worker kill -9 during projection', () => {
  it(`${KILLS} SIGKILLs mid-batch while ${EVENTS} events are written: every event projected exactly once, read models equal a rebuild`, async () => {
    const pool = createPool(db.url, { max: 6 });
    await pool.query(LEDGER_DDL);
    const store = new EventStore(pool, { notifyChannel: 'mw_events' });
    const fixture = path.resolve(import.meta.dirname, 'fixtures/ledger-worker.mjs');
    const startWorker = async () => {
      const c = spawnNode(fixture, { MW_BUILD: build, DATABASE_URL: db.url, BATCH_SIZE: '50' });
      children.add(c);
      await c.waitFor((l) => l.ready === true);
      return c;
    };
    let workers = [await startWorker(), await startWorker()];

    let written = 0;
    // Writing goes on until at least EVENTS are written and every kill is done: a victim must
    // still have batches to run when it is killed (a fast machine could otherwise project all
    // of them before the last kill, and the victim would never report the batch it waits for).
    let killsDone = false;
    const moreToWrite = () => written < EVENTS || !killsDone;
    const writer = async (w: number) => {
      const next = factGenerator(w * 104_729 + 7, 80, 60);
      while (moreToWrite()) {
        const { streamId, expectedVersion, events } = await next((id) => store.streamVersion(id));
        if (!moreToWrite()) break;
        written += events.length;
        try {
          await store.appendToStream(streamId, events, { expectedVersion });
        } catch (err) {
          if (!(err instanceof WrongExpectedVersionError)) throw err;
          written -= events.length;
        }
      }
    };
    const writing = Promise.all([0, 1, 2, 3].map(writer));

    // Kill a worker right after it has reported a batch (so it is inside its next one), alternately.
    const killedMidBatch: number[] = [];
    try {
      for (let k = 0; k < KILLS; k++) {
        const victim = workers[k % 2];
        const seen = victim.lines.filter((l) => typeof l.batch === 'number').length;
        await victim.waitFor((l) => typeof l.batch === 'number' && (l.batch as number) > seen + 2);
        await victim.kill('SIGKILL');
        killedMidBatch.push(victim.lines.filter((l) => typeof l.batch === 'number').length);
        children.delete(victim);
        workers[k % 2] = await startWorker();
      }
    } finally {
      killsDone = true;
    }
    await writing;
    const total = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0].n;

    const lagOf = async () => {
      const r = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM events e, projection_checkpoints c WHERE (e.transaction_id, e.position) > (c.transaction_id, c.position)`,
      );
      return r.rows[0].n;
    };
    await until('the workers to catch up', async () => (await lagOf()) === 0, 300_000, 200);
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    const errors = [...workers, ...children].flatMap((w) => w.lines.filter((l) => l.error));

    const ledger = (await pool.query<{ n: number; sum: number; max: number }>('SELECT count(*)::int AS n, sum(times)::int AS sum, max(times)::int AS max FROM test_ledger')).rows[0];
    const projected = await snapshotReadModels(pool);
    const rebuildStore = new EventStore(pool);
    await new ProjectionRunner(pool, rebuildStore, allProjectors(rebuildStore), { batchSize: 5000 }).rebuild();
    const equal = JSON.stringify(await snapshotReadModels(pool)) === JSON.stringify(projected);
    await pool.end();

    await writeResult({
      id: 'fault-worker-kill-projection',
      scenario: 'Projection worker kill -9 mid-batch (2 child processes, replaced after each kill)',
      injected: `${KILLS} SIGKILLs while 4 writers appended`,
      expected: total,
      observed: ledger.n,
      unit: 'events projected',
      duplicates: ledger.sum - ledger.n,
      losses: total - ledger.n,
      unexpected5xx: 0,
      notes: { kills: KILLS, batchesBeforeEachKill: killedMidBatch, readModelsEqualRebuild: equal, projectionErrors: errors.length },
    });
    expect(total).toBeGreaterThanOrEqual(EVENTS);
    expect(ledger).toEqual({ n: total, sum: total, max: 1 });
    expect(equal).toBe(true);
  }, 600_000);
});
