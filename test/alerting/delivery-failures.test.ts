import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFact, MINUSMA, waitFor } from './support.js';
import { AlertWorld } from './world.js';

/** What happens when the receiving side fails: permanent and transient SMTP errors, webhook errors. */
describe('delivery failures', () => {
  const world = new AlertWorld('failures', new Date('2021-05-31T08:00:00Z'));
  const base = { scope: { mandates: ['minusma'] }, leadDays: [30], timezone: 'UTC', notify: ['expiry_reminder'] as never, digest: null, status: 'active' as const, ownerKeyId: null };

  beforeAll(async () => {
    await world.start(1);
    await appendFact(world.store, 'mandate-minusma', 'MandateEstablished', { ...MINUSMA, expiresOn: '2021-06-30' });
  });
  afterAll(() => world.stop());

  it('a permanent SMTP error (5xx) fails the delivery with the server\'s reply; no retry', async () => {
    world.smtp.rejectWith = { code: 550, message: 'No such user here' };
    const { subscription } = await world.subscriptions.create({ ...base, channel: 'email', address: 'nobody@example.org' });
    await waitFor('the reminder to be planned', async () => (await world.deliveries.forSubscription(subscription.id)).length === 1);
    await world.setClock(new Date('2021-05-31T09:01:00Z'));
    const [failed] = await waitFor('the delivery to fail', async () => {
      const rows = await world.deliveries.forSubscription(subscription.id);
      return rows[0]?.status === 'failed' ? rows : null;
    });
    expect(failed.lastError).toMatch(/550.*No such user here/);
    expect(failed.attempts).toBe(1);
    world.smtp.rejectWith = null;
  });

  it('a transient SMTP error (4xx) is retried and then delivered under the same Message-ID', async () => {
    world.smtp.rejectWith = { code: 451, message: 'Try again later' };
    await world.setClock(new Date('2021-05-31T08:00:00Z'));
    const { subscription } = await world.subscriptions.create({ ...base, channel: 'email', address: 'busy@example.org' });
    await waitFor('the reminder to be planned', async () => (await world.deliveries.forSubscription(subscription.id)).length === 1);
    await world.setClock(new Date('2021-05-31T09:01:00Z'));
    const [retrying] = await waitFor('a failed first attempt', async () => {
      const rows = await world.deliveries.forSubscription(subscription.id);
      return rows[0]?.lastError ? rows : null;
    });
    expect(retrying.status).toBe('pending');
    expect(retrying.lastError).toMatch(/451/);
    expect(retrying.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 10_000); // ~30 s backoff
    // Let the backoff pass at once (real time is what backoff uses) and the server accept.
    world.smtp.rejectWith = null;
    await world.pool.query(`UPDATE deliveries SET next_attempt_at = now() WHERE id = $1`, [retrying.id]);
    await world.sweep();
    await waitFor('the retry to be delivered', () => world.smtp.received.some((m) => m.mail.messageId === `<${retrying.id}@localhost>`));
    // The row is marked sent after the server's acceptance, in a commit of its own: wait for it.
    const [sent] = await waitFor('the retry marked sent', async () => {
      const rows = await world.deliveries.forSubscription(subscription.id);
      return rows[0]?.status !== 'pending' ? rows : null;
    });
    expect(sent.status).toBe('sent');
    expect(sent.attempts).toBe(2);
  });

  it('a webhook answering 500 is retried (about 5 s later) and delivered with the same webhook-id', async () => {
    await world.setClock(new Date('2021-05-31T08:00:00Z'));
    world.receiver.respond = (n) => (n === 1 ? 500 : 204);
    const { subscription, secret } = await world.subscriptions.create({ ...base, channel: 'webhook', url: world.receiver.url });
    world.receiver.secret = secret;
    await waitFor('the reminder to be planned', async () => (await world.deliveries.forSubscription(subscription.id)).length === 1);
    await world.setClock(new Date('2021-05-31T09:01:00Z'));
    await waitFor('the retried webhook', () => world.receiver.received.length >= 2, 30_000);
    const [a, b] = world.receiver.received;
    expect(a.id).toBe(b.id);
    expect(b.verified).toBe(true);
    expect(b.body).toEqual(a.body); // the same message, not a re-rendered one
    const [row] = await world.deliveries.forSubscription(subscription.id);
    await waitFor('the row to be sent', async () => (await world.deliveries.get(row.id))?.status === 'sent');
    // The success clears the failure clock right after the row is marked sent (a second statement).
    await waitFor('the failure clock to be cleared', async () => (await world.subscriptions.get(subscription.id))?.failingSince === null);
  });

  it('a webhook answering 410 disables the endpoint and fails the delivery', async () => {
    await world.setClock(new Date('2021-05-31T08:00:00Z'));
    world.receiver.respond = () => 410;
    const before = world.receiver.received.length;
    const { subscription, secret } = await world.subscriptions.create({ ...base, channel: 'webhook', url: world.receiver.url });
    world.receiver.secret = secret;
    await waitFor('the reminder to be planned', async () => (await world.deliveries.forSubscription(subscription.id)).length === 1);
    await world.setClock(new Date('2021-05-31T09:01:00Z'));
    await waitFor('the subscription to be disabled', async () => (await world.subscriptions.get(subscription.id))?.status === 'disabled');
    const sub = await world.subscriptions.get(subscription.id);
    expect(sub?.disabledReason).toContain('410');
    const [row] = await world.deliveries.forSubscription(subscription.id);
    expect(row.status).toBe('failed');
    expect(world.receiver.received.length).toBe(before + 1);
  });

  it('an endpoint failing for 5 days (real time) is disabled on its next failure', async () => {
    await world.setClock(new Date('2021-05-31T08:00:00Z'));
    world.receiver.respond = () => 503;
    const { subscription, secret } = await world.subscriptions.create({ ...base, channel: 'webhook', url: world.receiver.url });
    world.receiver.secret = secret;
    // Its earlier deliveries have been failing since six days ago.
    await world.pool.query(`UPDATE subscriptions SET failing_since = now() - interval '6 days' WHERE id = $1`, [subscription.id]);
    await waitFor('the reminder to be planned', async () => (await world.deliveries.forSubscription(subscription.id)).length === 1);
    await world.setClock(new Date('2021-05-31T09:01:00Z'));
    await waitFor('the subscription to be disabled', async () => (await world.subscriptions.get(subscription.id))?.status === 'disabled');
    expect((await world.subscriptions.get(subscription.id))?.disabledReason).toMatch(/5 days.*HTTP 503/);
    const [row] = await waitFor('the delivery to fail', async () => {
      const rows = await world.deliveries.forSubscription(subscription.id);
      return rows[0]?.status === 'failed' ? rows : null;
    });
    expect(row.lastError).toContain('disabled after 5 days');
  });
});
