import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryProcessor, PlannedDelivery } from '#libs/alerting';
import { alertId, alertKey } from '#libs/domain';
import { waitFor } from './support.js';
import { AlertWorld } from './world.js';

/**
 * A sweep re-plans rows that workers are claiming and marking sent at the same moment. Before
 * these guarantees, the fan-out benchmark saw PostgreSQL abort a worker's "sent" mark in a
 * deadlock with the sweep; the delivered message stayed pending until its lease ran out and was
 * then sent a second time. Both sides of that are pinned here, on real PostgreSQL locks.
 */
describe('a sweep and the workers lock deliveries without losing a "sent" mark', () => {
  const world = new AlertWorld('lock-order', new Date('2021-05-31T09:00:00Z'));
  let processor: DeliveryProcessor;
  const markRetries: string[] = [];

  beforeAll(async () => {
    await world.start(0);
    processor = world.processor({ onMarkRetry: (id) => markRetries.push(id) });
  });
  afterAll(() => world.stop());

  const hook = { channel: 'webhook' as const, scope: { all: true }, leadDays: [30], timezone: 'UTC', notify: [] as never, digest: null, status: 'active' as const, ownerKeyId: null };

  /** The backend of `pool`'s database that waits for a row lock while running `like`. */
  const lockWaiter = (like: string) =>
    waitFor(`a statement like ${like} waiting for a row lock`, async () => {
      const { rows } = await world.pool.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
        [like],
      );
      return rows[0]?.pid;
    });

  it('the sweep locks the rows it re-plans in id order, as claims and marks do: a mark holding a lower id still gets a higher one', async () => {
    const { subscription } = await world.subscriptions.create({ ...hook, url: world.receiver.url });
    const plan = (leadDays: number, dueAt: string): PlannedDelivery => {
      const key = alertKey({ subscriptionId: subscription.id, kind: 'expiry_reminder', mandateId: 'minusma', targetDate: '2021-06-30', leadDays });
      return {
        id: alertId(key),
        alertKey: key,
        subscriptionId: subscription.id,
        kind: 'expiry_reminder',
        mandateId: 'minusma',
        targetDate: '2021-06-30',
        leadDays,
        dueAt: new Date(dueAt),
        late: false,
        payload: { type: 'mandate.expiry_reminder', timestamp: dueAt, data: {} } as never,
      };
    };
    const rows = [plan(30, '2021-05-31T09:00:00Z'), plan(7, '2021-06-23T09:00:00Z')].sort((a, b) => (a.id < b.id ? -1 : 1));
    const [low, high] = rows;
    const setup = await world.pool.connect();
    await world.deliveries.upsertPlanned(setup, rows);
    setup.release();

    const mark = await world.pool.connect();
    const sweep = await world.pool.connect();
    try {
      // A worker's mark (or claim) of both rows: it has locked the lower id and goes on upwards.
      await mark.query('BEGIN');
      await mark.query('SELECT id FROM deliveries WHERE id = $1 FOR UPDATE', [low.id]);
      // The sweep re-plans both (a later due time), given them highest id first.
      await sweep.query('BEGIN');
      const replanned = world.deliveries.upsertPlanned(sweep, [high, low].map((p) => ({ ...p, dueAt: new Date(p.dueAt.getTime() + 3_600_000) })));
      await lockWaiter('%ON CONFLICT (alert_key)%');
      // Had the sweep locked the higher id first, this would wait for it: a deadlock.
      await mark.query(`SET LOCAL lock_timeout = '10s'`);
      await expect(mark.query('SELECT id FROM deliveries WHERE id = $1 FOR UPDATE', [high.id])).resolves.toMatchObject({ rowCount: 1 });
      await mark.query('COMMIT');
      await replanned;
      await sweep.query('COMMIT');
    } finally {
      await mark.query('ROLLBACK').catch(() => undefined);
      await sweep.query('ROLLBACK').catch(() => undefined);
      mark.release();
      sweep.release();
    }
    const after = await Promise.all(rows.map((r) => world.deliveries.get(r.id)));
    expect(after.map((r) => r!.dueAt.getTime())).toEqual(rows.map((r) => r.dueAt.getTime() + 3_600_000));
  });

  it('a sent message whose "sent" mark PostgreSQL aborts is marked by a retry, not left pending to be sent again', async () => {
    const { subscription, secret } = await world.subscriptions.create({ ...hook, url: world.receiver.url });
    world.receiver.secret = secret;
    const before = world.receiver.received.length;
    const ping = await world.deliveries.createOneOff(subscription.id, 'subscription_test', world.clock.now(), (deliveryId) => ({
      type: 'subscription.test',
      timestamp: world.clock.now().toISOString(),
      data: { deliveryId, subscriptionId: subscription.id },
    }));
    // The receiver holds its answer, so that the row can be locked after the claim and before the mark.
    world.receiver.holdMs = 1_500;
    const outcome = processor.process(ping.id);
    let holder: pg.PoolClient | null = await world.pool.connect();
    try {
      await waitFor('the message to arrive', () => world.receiver.received.length > before);
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM deliveries WHERE id = $1 FOR UPDATE', [ping.id]);
      // The mark waits for that lock; its statement is then ended under it (as a deadlock's victim is).
      const markPid = await lockWaiter(`%status = 'sent'%`);
      await world.pool.query('SELECT pg_terminate_backend($1)', [markPid]);
      await holder.query('COMMIT');
      holder.release();
      holder = null;
      await expect(outcome).resolves.toBe('sent');
    } finally {
      world.receiver.holdMs = 0;
      await holder?.query('ROLLBACK').catch(() => undefined);
      holder?.release();
    }
    expect(markRetries).toEqual([ping.id]);
    const { rows } = await world.pool.query('SELECT status, attempts, locked_until FROM deliveries WHERE id = $1', [ping.id]);
    expect(rows).toEqual([{ status: 'sent', attempts: 1, locked_until: null }]);
    expect(world.receiver.received.slice(before).map((r) => r.id)).toEqual([ping.id]);
  });
});
