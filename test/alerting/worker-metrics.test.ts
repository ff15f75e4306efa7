import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretSealer, SubscriptionRepository, SWEEP_QUEUE } from '#libs/alerting';
import { BusinessClock } from '#libs/clock';
import { createPool } from '#libs/db';
import { upcast } from '#libs/domain';
import { EventStore } from '#libs/event-store';
import { spawnSourceWorker, type Child } from '../support/children.js';
import { freePort } from '../resilience/support/instances.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { appendFact, flushPrefix, MINUSMA, REDIS_URL, testPrefix, TestSmtpServer, TestWebhookReceiver, waitFor } from './support.js';

/** One value of the Prometheus text, by metric name and labels as written (`{outcome="sent"}`). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/**
 * A worker *process* (`npm run start:worker`) with WORKER_METRICS_PORT serves its own
 * Prometheus `/metrics`: scraped over HTTP while it sends one email (sent) and one webhook to an
 * endpoint answering 410 (failed).
 */
describe('worker /metrics', () => {
  let db: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let port: number;
  let worker: Child | undefined;
  const smtp = new TestSmtpServer();
  const receiver = new TestWebhookReceiver();
  const prefix = testPrefix('wmetrics');
  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };

  beforeAll(async () => {
    db = await createTestDatabase('wmetrics');
    pool = createPool(db.url);
    await smtp.start();
    await receiver.start();
    receiver.respond = () => 410;
    const store = new EventStore(pool, { upcast, notifyChannel: 'mw_events' });
    await appendFact(store, 'mandate-minusma', 'MandateEstablished', { ...MINUSMA, expiresOn: '2021-06-30' });
    const subs = new SubscriptionRepository(pool, new SecretSealer());
    const common = { scope: { all: true }, leadDays: [30], timezone: 'UTC', notify: ['expiry_reminder' as const], digest: null, status: 'active' as const, ownerKeyId: null };
    await subs.create({ ...common, channel: 'email', address: 'desk@example.org' });
    receiver.secret = (await subs.create({ ...common, channel: 'webhook', url: receiver.url })).secret;
    const clock = await BusinessClock.start({ connectionString: db.url });
    await clock.set(new Date('2021-05-31T09:05:00Z')); // the 30-day reminder is due
    await clock.close();
    port = await freePort();
    worker = spawnSourceWorker({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      SMTP_URL: smtp.url,
      PUBLIC_URL: 'https://watch.example.org',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      DATA_DIR: `/tmp/${prefix}`,
      WORKER_METRICS_PORT: String(port),
    });
  });

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await receiver.stop();
    await smtp.stop();
    await pool?.end();
    await db?.drop();
    await flushPrefix(prefix);
  });

  it('counts the outcomes, and shows deliveries by status, queue depth per queue and projection lag', { timeout: 120_000 }, async () => {
    await waitFor('the email and the webhook attempt', () => smtp.received.length === 1 && receiver.received.length === 1, 90_000);
    const text = await waitFor(
      'both outcomes in the worker metrics',
      async () => {
        const t = await scrape();
        return sample(t, 'mw_delivery_outcomes_total{outcome="sent"}') === 1 && sample(t, 'mw_delivery_outcomes_total{outcome="failed"}') === 1 ? t : null;
      },
      30_000,
    );
    expect(sample(text, 'mw_delivery_outcomes_total{outcome="cancelled"}')).toBe(0);
    expect(sample(text, 'mw_deliveries{status="sent"}')).toBe(1);
    expect(sample(text, 'mw_deliveries{status="failed"}')).toBe(1);
    expect(sample(text, 'mw_deliveries{status="pending"}')).toBe(0);
    expect(sample(text, 'mw_projection_lag_events{projection="slowest"}')).toBe(0);
    for (const queue of ['mw-deliveries', 'mw-alert-sweeps']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) expect(sample(text, `mw_queue_jobs{queue="${queue}",state="${state}"}`)).toBeGreaterThanOrEqual(0);
    }
    expect(text).toContain('process_cpu_user_seconds_total'); // the registry's default metrics

    // The periodic sweep waits in its queue as a delayed job: the same figure BullMQ reports.
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const sweeps = new Queue(SWEEP_QUEUE, { connection: redis, prefix });
    try {
      await waitFor('the same sweep-queue depth as BullMQ', async () => {
        const [counts, t] = [await sweeps.getJobCounts('delayed'), await scrape()];
        return counts.delayed >= 1 && sample(t, `mw_queue_jobs{queue="${SWEEP_QUEUE}",state="delayed"}`) === counts.delayed;
      });
    } finally {
      await sweeps.close();
      redis.disconnect();
    }
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });
});
