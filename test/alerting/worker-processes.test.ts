import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryRepository, SecretSealer, SubscriptionRepository } from '#libs/alerting';
import { BusinessClock } from '#libs/clock';
import { createPool } from '#libs/db';
import { upcast } from '#libs/domain';
import { EventStore } from '#libs/event-store';
import { spawnSourceWorker, type Child } from '../support/children.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { appendFact, flushPrefix, MINUSMA, REDIS_URL, testPrefix, TestWebhookReceiver, waitFor } from './support.js';

/**
 * Worker *processes* (the `npm run start:worker` entry point), killed with SIGKILL in the
 * middle of a send: the alert is sent again under the same webhook-id, exactly once more, by
 * whichever of two fresh worker processes takes it.
 */
describe('worker processes killed mid-send', () => {
  let db: TestDatabase;
  const receiver = new TestWebhookReceiver();
  const prefix = testPrefix('kill');
  const children: Child[] = [];
  let pool: ReturnType<typeof createPool>;

  const startWorkerProcess = () => {
    const child = spawnSourceWorker({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      PUBLIC_URL: 'https://watch.example.org',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      DATA_DIR: `/tmp/${prefix}`,
    });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    db = await createTestDatabase('kill');
    pool = createPool(db.url);
    await receiver.start();
    const store = new EventStore(pool, { upcast, notifyChannel: 'mw_events' });
    await appendFact(store, 'mandate-minusma', 'MandateEstablished', { ...MINUSMA, expiresOn: '2021-06-30' });
    const subs = new SubscriptionRepository(pool, new SecretSealer());
    const created = await subs.create({
      channel: 'webhook', url: receiver.url, scope: { all: true }, leadDays: [30], timezone: 'UTC',
      notify: ['expiry_reminder'], digest: null, status: 'active', ownerKeyId: null,
    });
    receiver.secret = created.secret;
    // The reminder is due as soon as a worker looks.
    const clock = await BusinessClock.start({ connectionString: db.url });
    await clock.set(new Date('2021-05-31T09:05:00Z'));
    await clock.close();
  });


  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill('SIGTERM')));
    await receiver.stop();
    await pool?.end();
    await db?.drop();
    await flushPrefix(prefix);
  });

  it('each alert arrives under one id only, and is not lost', { timeout: 180_000 }, async () => {
    receiver.holdMs = 60_000; // the receiver keeps the first request open: the send is in flight
    const first = startWorkerProcess();
    await waitFor('the first send to reach the receiver', () => receiver.received.length === 1, 60_000);
    await first.kill('SIGKILL');
    receiver.holdMs = 0;

    const deliveries = new DeliveryRepository(pool);
    const [row] = (await pool.query<{ id: string }>(`SELECT id FROM deliveries`)).rows;
    const held = await deliveries.get(row.id);
    expect(held).toMatchObject({ status: 'pending', attempts: 1 });
    // The killed worker's lease would run out after a while; let that time pass now.
    await pool.query(`UPDATE deliveries SET locked_until = now() WHERE id = $1`, [row.id]);

    startWorkerProcess();
    startWorkerProcess();
    await waitFor('the resend', async () => (await deliveries.get(row.id))?.status === 'sent', 60_000);
    const [a, b, ...more] = receiver.received;
    expect(more).toEqual([]);
    expect(b.id).toBe(a.id);
    expect(b.id).toBe(row.id);
    expect(b.body).toEqual(a.body);
    expect([a.verified, b.verified]).toEqual([true, true]);
    expect((await deliveries.get(row.id))?.attempts).toBe(2);
  });
});
