import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '#libs/db';
import { EventStore } from '#libs/event-store';
import { allProjectors, ProjectionRunner } from '#libs/projections';
import type { BootedApi } from '../api/support.js';
import { startApiOn } from './support/api.js';
import { startOwnPostgres, until, type OwnPostgres } from './support/instances.js';
import { LEDGER_DDL, LedgerProjector } from './support/load.js';
import { writeResult } from './support/results.js';

/**
 * PostgreSQL restarted while 8 clients write through the API and a projector replica runs: the
 * API answers 503 with Retry-After meanwhile (never another 5xx), recovers by itself, and once
 * every client has re-sent what was not acknowledged, each event is in the log exactly once and
 * was projected exactly once. PostgreSQL is the test's own (embedded, own port).
 */
const CLIENTS = 8;
const PER_CLIENT = 60;

let db: OwnPostgres;
let t: BootedApi;

beforeAll(async () => {
  db = await startOwnPostgres('restart');
  t = await startApiOn({ label: 'pgrestart', databaseUrl: db.url, redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await db?.destroy();
});

const meeting = (id: string) => ({
  meetingId: id, kind: 'meeting', symbol: null, record: null, recordDate: null, date: '2024-01-15', agendaItem: 'item-restart', format: 'briefing',
  subItem: null, documents: [], rule37: [], rule39: [], speakers: [], outcome: null, writtenProcedureRecord: null,
});

describe('PostgreSQL restarted mid-load', () => {
  it('503 + Retry-After during the outage, recovery without a restart of the app, no event lost or doubled', async () => {
    const setup = createPool(db.url, { max: 2 });
    await setup.query(LEDGER_DDL);
    await setup.end();
    const projPool = createPool(db.url, { max: 3 });
    const projStore = new EventStore(projPool);
    const projectionErrors: string[] = [];
    const runner = new ProjectionRunner(projPool, projStore, [...allProjectors(projStore), new LedgerProjector()], {
      channel: 'mw_events',
      batchSize: 200,
      pollIntervalMs: 200,
      onError: (err) => projectionErrors.push((err as Error).message),
    });
    await runner.start();

    const statuses = new Map<number, number>();
    let unavailable = 0;
    let unavailableWithoutRetryAfter = 0;
    let networkErrors = 0;
    let acknowledged = 0;
    const acked = new Set<string>();
    const attempts = new Map<string, number>();
    let restarting: Promise<void> | null = null;
    let outageSeen503 = 0;

    const client = async (c: number) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const id = randomUUID();
        const stream = `meeting-restart-${c}-${i}`;
        for (;;) {
          attempts.set(id, (attempts.get(id) ?? 0) + 1);
          let r;
          try {
            r = await t.request('POST', `/api/streams/${stream}/events`, { body: { expectedVersion: 'any', events: [{ id, type: 'MeetingHeld', data: meeting(`restart-${c}-${i}`) }] } });
          } catch {
            networkErrors++;
            await new Promise((res) => setTimeout(res, 100));
            continue;
          }
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 201 || r.status === 200) {
            acked.add(id);
            acknowledged++;
            break;
          }
          if (r.status === 503) {
            unavailable++;
            if (restarting) outageSeen503++;
            if (!r.headers.get('retry-after')) unavailableWithoutRetryAfter++;
            // A client honours Retry-After (in seconds); shortened here to keep the test quick.
            await new Promise((res) => setTimeout(res, 200));
            continue;
          }
          throw new Error(`unexpected ${r.status}: ${r.text}`);
        }
      }
    };

    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
    // Mid-load: once a third is acknowledged, stop PostgreSQL, keep it down until the API has
    // answered 503 to the clients (and readiness says so), then start it again.
    let readyWhileDown: { status: number; postgres?: string } | null = null;
    const injector = (async () => {
      await until('a third of the writes', async () => acknowledged >= (CLIENTS * PER_CLIENT) / 3, 120_000, 10);
      restarting = db.stop();
      await restarting;
      await until('the clients to see 503s', async () => outageSeen503 >= CLIENTS, 60_000, 20);
      const ready = await t.request('GET', '/health/ready', { key: null });
      readyWhileDown = { status: ready.status, postgres: ready.json?.error?.details?.find((d: { name: string }) => d.name === 'postgres')?.status };
      await db.start();
      restarting = null;
    })();
    await Promise.all([...clients, injector]);

    // Everything acknowledged is in the log once; nothing else is.
    const check = new pg.Client({ connectionString: db.url });
    await check.connect();
    const rows = (await check.query<{ id: string }>(`SELECT id::text FROM events WHERE stream_id LIKE 'meeting-restart-%'`)).rows;
    const inLog = new Map<string, number>();
    for (const r of rows) inLog.set(r.id, (inLog.get(r.id) ?? 0) + 1);
    const lost = [...acked].filter((id) => !inLog.has(id)).length;
    const doubledInLog = [...inLog.values()].filter((n) => n > 1).length;
    const unacknowledgedInLog = [...inLog.keys()].filter((id) => !acked.has(id)).length;

    await until('the projector to catch up', async () => (await runner.lag()) === 0, 120_000, 100);
    await runner.stop();
    await projPool.end();
    const ledger = (await check.query<{ n: number; sum: number; max: number }>('SELECT count(*)::int AS n, sum(times)::int AS sum, max(times)::int AS max FROM test_ledger')).rows[0];
    const total = (await check.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0].n;
    await check.end();
    const recovered = await t.request('GET', '/health/ready', { key: null });
    const other5xx = [...statuses].filter(([s]) => s >= 500 && s !== 503).reduce((a, [, n]) => a + n, 0);
    const resent = [...attempts.values()].filter((n) => n > 1).length;

    await writeResult({
      id: 'fault-postgres-restart',
      scenario: 'PostgreSQL restarted mid-load (8 API clients + 1 projector)',
      injected: 'embedded PostgreSQL stopped (fast shutdown) after 1/3 of the writes, started again after the clients saw 503s',
      expected: CLIENTS * PER_CLIENT,
      observed: rows.length,
      unit: 'events in the log (each also projected once)',
      duplicates: doubledInLog + (ledger.sum - ledger.n),
      losses: lost + (total - ledger.n),
      unexpected5xx: other5xx,
      notes: { statuses: Object.fromEntries(statuses), unavailable503: unavailable, unavailableWithoutRetryAfter, networkErrors, resentWrites: resent, readyWhileDown, readyAfter: recovered.status, projectionErrors: projectionErrors.length, ledger },
    });

    expect(outageSeen503).toBeGreaterThanOrEqual(CLIENTS);
    expect(unavailableWithoutRetryAfter).toBe(0);
    expect(other5xx).toBe(0);
    expect(readyWhileDown).toEqual({ status: 503, postgres: 'down' });
    expect(recovered.status).toBe(200);
    expect(acked.size).toBe(CLIENTS * PER_CLIENT);
    expect(lost).toBe(0);
    expect(doubledInLog).toBe(0);
    expect(unacknowledgedInLog).toBe(0);
    expect(rows.length).toBe(CLIENTS * PER_CLIENT);
    expect(ledger).toEqual({ n: total, sum: total, max: 1 });
  }, 300_000);
});
