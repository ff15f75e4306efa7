import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretSealer, SubscriptionRepository } from '#libs/alerting';
import { BusinessClock } from '#libs/clock';
import { createPool } from '#libs/db';
import { upcast } from '#libs/domain';
import { EventStore } from '#libs/event-store';
import { appendFact, MINUSMA, TestWebhookReceiver } from '../alerting/support.js';
import { startApiOn } from './support/api.js';
import { spawnSourceWorker, type Child } from '../support/children.js';
import { startOwnPostgres, startOwnRedis, until, type OwnPostgres, type OwnRedis } from './support/instances.js';
import { writeResult } from './support/results.js';

/**
 * A fan-out of expiry reminders (mandates × webhook subscriptions, all due at once) handled by two
 * worker processes, while the test's own Redis is FLUSHALLed (a quarter through) and then killed
 * and restarted empty (half-way). Every reminder must arrive, under one webhook-id each, and
 * every delivery row end `sent`.
 */
const MANDATES = 12;
const SUBSCRIPTIONS = 10;
const EXPECTED = MANDATES * SUBSCRIPTIONS;

let db: OwnPostgres;
let redis: OwnRedis;
const receiver = new TestWebhookReceiver();
const children: Child[] = [];

beforeAll(async () => {
  [db, redis] = await Promise.all([startOwnPostgres('fanout'), startOwnRedis('fanout')]);
  await receiver.start();
}, 120_000);
afterAll(async () => {
  await Promise.all(children.map((c) => c.kill('SIGKILL')));
  await receiver.stop();
  await redis?.destroy();
  await db?.destroy();
});

describe('Redis flushed and restarted mid-fan-out', () => {
  it(`${EXPECTED} reminders, FLUSHALL at 25 %, Redis killed and restarted empty at 50 %: none lost, none doubled`, async () => {
    const pool = createPool(db.url);
    const store = new EventStore(pool, { upcast, notifyChannel: 'mw_events' });
    for (let i = 0; i < MANDATES; i++) {
      await appendFact(store, `mandate-fan-${i}`, 'MandateEstablished', { ...MINUSMA, mandateId: `fan-${i}`, acronym: `FAN${i}`, names: { en: `Fan-out ${i}` }, expiresOn: '2021-06-30' });
    }
    const subs = new SubscriptionRepository(pool, new SecretSealer());
    for (let s = 0; s < SUBSCRIPTIONS; s++) {
      await subs.create({ channel: 'webhook', url: `${receiver.url}?s=${s}`, scope: { all: true }, leadDays: [30], timezone: 'UTC', notify: ['expiry_reminder'], digest: null, status: 'active', ownerKeyId: null });
    }
    const clock = await BusinessClock.start({ connectionString: db.url });
    await clock.set(new Date('2021-05-31T09:05:00Z'));
    await clock.close();

    receiver.holdMs = 40; // slow enough that the faults land in the middle of the fan-out
    const start = () => {
      const c = spawnSourceWorker({ NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: 'mwfan', PUBLIC_URL: 'https://watch.example.org', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', DATA_DIR: `/tmp/mwfan-${process.pid}` });
      children.push(c);
    };
    start();
    start();

    const injected: string[] = [];
    await until('a quarter of the reminders', async () => receiver.received.length >= EXPECTED / 4, 120_000, 10);
    await redis.flushAll();
    injected.push(`FLUSHALL after ${receiver.received.length}`);
    await until('half of the reminders', async () => new Set(receiver.received.map((r) => r.id)).size >= EXPECTED / 2, 180_000, 10);
    await redis.kill();
    injected.push(`SIGKILL redis after ${receiver.received.length}`);
    await redis.start();
    injected.push('redis restarted (empty)');

    let outcome: { sent: number; other: number } = { sent: 0, other: 0 };
    const done = await until(
      'every delivery to be sent',
      async () => {
        const r = await pool.query<{ sent: number; other: number }>(`SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status <> 'sent')::int AS other FROM deliveries`);
        outcome = r.rows[0];
        return outcome.sent >= EXPECTED && new Set(receiver.received.map((x) => x.id)).size >= EXPECTED;
      },
      240_000,
      200,
    ).catch(() => false);
    const byId = new Map<string, number>();
    for (const r of receiver.received) byId.set(r.id, (byId.get(r.id) ?? 0) + 1);
    const byAlert = new Map<string, number>();
    for (const r of receiver.received) {
      const key = `${String((r.body.data as { subscriptionId?: string }).subscriptionId)}/${String((r.body.data as { mandate?: { id?: string } }).mandate?.id)}`;
      byAlert.set(key, (byAlert.get(key) ?? 0) + 1);
    }
    const doubledIds = [...byId.values()].filter((n) => n > 1).length;
    const alertsUnderTwoIds = [...byAlert.values()].filter((n) => n > 1).length;
    // The outcomes and the queue depth, as Prometheus sees them through an API on the same PostgreSQL and Redis.
    const api = await startApiOn({ label: 'fanoutmetrics', databaseUrl: db.url, redisUrl: redis.url, env: { REDIS_PREFIX: 'mwfan' } });
    const metrics = (await api.request('GET', '/metrics', { key: null })).text;
    await api.close();
    await pool.end();
    await writeResult({
      id: 'fault-redis-fanout',
      scenario: 'Redis flushed, then killed and restarted empty, mid-fan-out (2 worker processes)',
      injected: injected.join('; '),
      expected: EXPECTED,
      observed: byId.size,
      unit: 'distinct reminders received (webhook-id)',
      duplicates: doubledIds + alertsUnderTwoIds,
      losses: EXPECTED - Math.min(byId.size, byAlert.size),
      unexpected5xx: 0,
      notes: { requestsReceived: receiver.received.length, deliveryRows: outcome, idsReceivedTwice: doubledIds, alertsUnderTwoIds, completed: done !== false },
    });
    expect(byAlert.size).toBe(EXPECTED);
    expect(byId.size).toBe(EXPECTED);
    expect(alertsUnderTwoIds).toBe(0);
    expect(doubledIds).toBe(0);
    expect(outcome).toEqual({ sent: EXPECTED, other: 0 });
    expect(metrics).toMatch(new RegExp(`^mw_deliveries\\{status="sent"\\} ${EXPECTED}$`, 'm'));
    expect(metrics).toMatch(/^mw_deliveries_due 0$/m);
    expect(metrics).toMatch(/^mw_queue_jobs\{queue="mw-deliveries",state="waiting"\} \d+$/m);
  }, 600_000);
});
