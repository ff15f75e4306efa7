import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryRepository, SecretSealer, SubscriptionRepository } from '#libs/alerting';
import { createPool } from '#libs/db';
import { alertId, alertKey } from '#libs/domain';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * Whether an alert says "sent late" is settled when it is first attempted, by the business clock
 * of the attempt, and then never changes: a plan made before a clock jump may still say "on
 * time", and a resend after a crash must be the very same message.
 */
let db: TestDatabase;
let pool: pg.Pool;
let deliveries: DeliveryRepository;
let subscriptionId: string;

beforeAll(async () => {
  db = await createTestDatabase('lateness');
  pool = createPool(db.url);
  deliveries = new DeliveryRepository(pool);
  const created = await new SubscriptionRepository(pool, new SecretSealer()).create({
    channel: 'email', address: 'analyst@example.org', scope: { all: true }, leadDays: [30, 7], timezone: 'UTC',
    notify: ['expiry_reminder'], digest: null, status: 'active', ownerKeyId: null,
  });
  subscriptionId = created.subscription.id;
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

async function plan(leadDays: number, dueAt: Date): Promise<string> {
  const key = alertKey({ subscriptionId, kind: 'expiry_reminder', mandateId: 'minusma', targetDate: '2021-06-30', leadDays });
  const id = alertId(key);
  const client = await pool.connect();
  try {
    await deliveries.upsertPlanned(client, [{
      id, alertKey: key, subscriptionId, kind: 'expiry_reminder', mandateId: 'minusma', targetDate: '2021-06-30', leadDays, dueAt,
      late: false, // planned while the clock was before dueAt
      payload: { type: 'mandate.expiry_reminder', timestamp: dueAt.toISOString(), data: { deliveryId: id, subscriptionId, mandate: { id: 'minusma', acronym: 'MINUSMA', names: { en: 'MINUSMA' }, type: 'peace_operation', expiresOn: '2021-06-30' } } },
    }]);
  } finally {
    client.release();
  }
  return id;
}

/** As if the worker holding the lease had been killed: the lease ends, the row is still pending. */
const crash = (id: string) => pool.query(`UPDATE deliveries SET locked_until = now() - interval '1 second' WHERE id = $1`, [id]);

describe('lateness of a delivery', () => {
  it('a first attempt more than an hour after the due time is late, and stays late on a resend', async () => {
    const id = await plan(30, new Date('2021-05-31T09:00:00Z'));
    const first = await deliveries.claim(id, new Date('2021-06-07T12:00:00Z'), 60_000);
    expect(first?.late).toBe(true);
    await crash(id);
    const again = await deliveries.claim(id, new Date('2021-06-07T12:05:00Z'), 60_000);
    expect([again?.attempts, again?.late]).toEqual([2, true]);
  });

  it('a first attempt on time is not late, and a resend much later is still the same, on-time message', async () => {
    const id = await plan(7, new Date('2021-06-23T09:00:00Z'));
    const first = await deliveries.claim(id, new Date('2021-06-23T09:00:30Z'), 60_000);
    expect(first?.late).toBe(false);
    await crash(id);
    const again = await deliveries.claim(id, new Date('2021-06-25T09:00:00Z'), 60_000);
    expect([again?.attempts, again?.late]).toEqual([2, false]);
  });
});
