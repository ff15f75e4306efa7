import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_QUEUE, DeliveryQueue, ExpiryScheduler, type AlertingClock } from '#libs/alerting';
import { allProjectors, ProjectionRunner } from '#libs/projections';
import { appendFact, flushPrefix, MINUSMA, REDIS_URL, testPrefix } from './support.js';
import { AlertWorld } from './world.js';

/**
 * The business clock can jump while a sweep runs (someone moves it, or a replica follows a move).
 * A sweep plans for one instant; the jobs it hands to BullMQ must be for what that plan makes due,
 * not for what the new time makes due: the new time may no longer plan a row (a reminder that
 * fell past the backfill window), and a job for it could send it before the sweep that the jump
 * triggers cancels it. (Seen once in CI: kinds.test.ts received a reminder it had jumped over.)
 */
describe('a clock jump during a sweep', () => {
  const before = new Date('2021-06-08T13:00:30Z');
  // 8 days after the 7-day reminder's 23 June 09:00: past the 7 days of backfill.
  const after = new Date('2021-07-01T13:00:30Z');
  const world = new AlertWorld('sweepjump', before);
  const prefix = testPrefix('sweepjump-own');
  let redis: Redis;
  let queue: Queue;

  beforeAll(async () => {
    await world.start(0);
    await appendFact(world.store, 'mandate-minusma', 'MandateEstablished', { ...MINUSMA, expiresOn: '2021-06-30' });
    await new ProjectionRunner(world.pool, world.store, allProjectors(world.store)).catchUp();
    await world.subscriptions.create({
      channel: 'webhook', url: world.receiver.url, scope: { mandates: ['minusma'] }, leadDays: [7], timezone: 'UTC',
      notify: ['expiry_reminder'], digest: null, status: 'active', ownerKeyId: null,
    });
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    // A queue of its own: no worker takes (and removes) the jobs this test looks for.
    queue = new Queue(DELIVERY_QUEUE, { connection: redis, prefix });
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await flushPrefix(prefix);
    await world.stop();
  });

  it('enqueues what the instant it planned for makes due, not what the time after the jump does', async () => {
    // The sweep's first reading of the clock (its plan) is before the jump; every later one after.
    let readings = 0;
    const jumping: AlertingClock = { now: () => new Date((readings++ === 0 ? before : after).getTime()), onChange: () => () => undefined };
    const scheduler = new ExpiryScheduler(world.pool, jumping, world.subscriptions, world.deliveries, new DeliveryQueue(queue), {
      backfillDays: 7,
      publicUrl: 'https://watch.example.org',
    });
    const report = await scheduler.sweep();
    expect(report.businessNow.toISOString()).toBe(before.toISOString());
    expect(readings).toBeGreaterThan(1); // the clock was read again after planning: the jump was seen
    const rows = await world.rows();
    expect(rows.map((r) => [r.kind, r.status, r.dueAt.toISOString()])).toEqual([['expiry_reminder', 'pending', '2021-06-23T09:00:00.000Z']]);
    // Planned for 8 June, the reminder is 15 days away: no job for it.
    expect(await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized')).toEqual({ waiting: 0, delayed: 0, active: 0, prioritized: 0 });
  });
});
