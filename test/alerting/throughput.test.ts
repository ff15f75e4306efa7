import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support.js';
import { AlertWorld } from './world.js';

const MANDATES = 250;

/**
 * Many alerts due at the same instant, two workers: every alert arrives exactly once per channel
 * (one id each), and the rate is reported (not asserted: timings on shared machines are noisy).
 */
describe(`${MANDATES} mandates expiring on one day, two workers`, () => {
  const world = new AlertWorld('burst', new Date('2021-05-01T00:00:00Z'), { concurrency: 20 });

  beforeAll(async () => {
    await world.start(2);
    const appends = Array.from({ length: MANDATES }, (_, i) => ({
      streamId: `mandate-m${i}`,
      expectedVersion: 'no_stream' as const,
      events: [
        {
          type: 'MandateEstablished',
          occurredOn: '2020-06-29',
          data: { mandateId: `m${i}`, acronym: `M${i}`, names: { en: `Mission ${i}` }, aliases: [], type: 'other', agendaItem: null, establishedOn: '2020-06-29', expiresOn: '2021-06-30', establishedBy: null },
        },
      ],
    }));
    await world.store.appendMany(appends);
    const base = { scope: { all: true }, leadDays: [30], timezone: 'UTC', notify: ['expiry_reminder'] as never, digest: null, status: 'active' as const, ownerKeyId: null };
    const hook = await world.subscriptions.create({ ...base, channel: 'webhook', url: world.receiver.url });
    world.receiver.secret = hook.secret;
    await world.subscriptions.create({ ...base, channel: 'email', address: 'bulk@example.org' });
    await waitFor('all reminders planned', async () => (await world.pool.query(`SELECT count(*)::int AS n FROM deliveries`)).rows[0].n === 2 * MANDATES, 60_000);
  });
  afterAll(() => world.stop());

  it('sends each alert once, under one id', { timeout: 180_000 }, async () => {
    const started = Date.now();
    await world.setClock(new Date('2021-05-31T09:00:30Z'));
    await waitFor('every alert', () => world.receiver.received.length >= MANDATES && world.smtp.received.length >= MANDATES, 120_000);
    const seconds = (Date.now() - started) / 1000;
    await world.settled();
    console.log(`${2 * MANDATES} deliveries (${MANDATES} webhooks + ${MANDATES} emails) in ${seconds.toFixed(1)} s with 2 workers: ${((2 * MANDATES) / seconds).toFixed(0)} deliveries/s`);
    expect(world.receiver.received).toHaveLength(MANDATES);
    expect(world.smtp.received).toHaveLength(MANDATES);
    expect(new Set(world.receiver.received.map((h) => h.id)).size).toBe(MANDATES);
    expect(new Set(world.smtp.received.map((m) => m.mail.messageId)).size).toBe(MANDATES);
    expect(world.receiver.received.every((h) => h.verified)).toBe(true);
    const { rows } = await world.pool.query(`SELECT status, count(*)::int AS n, max(attempts) AS max_attempts FROM deliveries GROUP BY status`);
    expect(rows).toEqual([{ status: 'sent', n: 2 * MANDATES, max_attempts: 1 }]);
  });
});
