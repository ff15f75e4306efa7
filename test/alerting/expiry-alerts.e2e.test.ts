import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFact, flushPrefix, MINUSMA, waitFor } from './support.js';
import { AlertWorld } from './world.js';

/**
 * The end-to-end scenario, with one worker and with two at once: MINUSMA until
 * 30 June 2021, an email and a webhook subscriber with lead days [30, 7].
 */
describe.each([1, 2])('expiry alerts end to end with %i worker(s)', (workerCount) => {
  const world = new AlertWorld(`e2e${workerCount}`, new Date('2021-05-01T00:00:00Z'));
  let emailSub: string;
  let webhookSub: string;

  beforeAll(async () => {
    await world.start(workerCount);
    await appendFact(world.store, 'mandate-minusma', 'MandateEstablished', MINUSMA);
    await appendFact(world.store, 'mandate-minusma', 'MandateExtended', {
      mandateId: 'minusma', until: '2021-06-30', decision: 'S/RES/2531 (2020)', adoptedOn: '2020-06-29', paragraphs: [], period: null,
    });
    const common = { scope: { mandates: ['minusma'] }, leadDays: [30, 7], timezone: 'UTC', notify: ['expiry_reminder', 'report_due', 'mandate_extended', 'mandate_established', 'mandate_terminated', 'mandate_expired'] as never, digest: null, status: 'active' as const, ownerKeyId: null };
    emailSub = (await world.subscriptions.create({ ...common, channel: 'email', address: 'desk@example.org' })).subscription.id;
    const hook = await world.subscriptions.create({ ...common, channel: 'webhook', url: world.receiver.url });
    webhookSub = hook.subscription.id;
    world.receiver.secret = hook.secret;
    // The projection runs in the workers; the sweep follows it.
    // mandate_expired (1 July) lies beyond the 60-day planning horizon yet.
    await waitFor('reminders to be planned', async () => (await world.rows()).length === 4);
  });
  afterAll(() => world.stop());

  it('plans the reminders and sends nothing before they are due', async () => {
    await world.settled();
    const rows = await world.rows();
    expect(rows.map((r) => [r.kind, r.targetDate, r.leadDays, r.dueAt.toISOString(), r.status]).sort()).toEqual(
      [
        ['expiry_reminder', '2021-06-30', 30, '2021-05-31T09:00:00.000Z', 'pending'],
        ['expiry_reminder', '2021-06-30', 30, '2021-05-31T09:00:00.000Z', 'pending'],
        ['expiry_reminder', '2021-06-30', 7, '2021-06-23T09:00:00.000Z', 'pending'],
        ['expiry_reminder', '2021-06-30', 7, '2021-06-23T09:00:00.000Z', 'pending'],
      ].sort(),
    );
    expect(world.smtp.received).toHaveLength(0);
    expect(world.receiver.received).toHaveLength(0);
  });

  it('at 2021-05-31 09:05 UTC: exactly one email and one verified webhook, the 30-day reminder', async () => {
    await world.setClock(new Date('2021-05-31T09:05:00Z'));
    await waitFor('the email and the webhook', () => world.smtp.received.length >= 1 && world.receiver.received.length >= 1);
    await world.settled();
    expect(world.smtp.received).toHaveLength(1);
    expect(world.receiver.received).toHaveLength(1);

    const [reminder] = await world.rows(`kind = 'expiry_reminder' AND lead_days = 30 AND subscription_id = '${emailSub}'`);
    const { mail, raw } = world.smtp.received[0];
    expect(mail.subject).toBe('MINUSMA expires on 30 June 2021 (30 days)');
    expect(mail.messageId).toBe(`<${reminder.id}@localhost>`);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('desk@example.org');
    const sub = (await world.subscriptions.get(emailSub))!;
    // mailparser turns List-* headers into a structure: read them from the raw (unfolded) message.
    const unfolded = raw.replace(/\r?\n[ \t]+/g, ' ');
    expect(unfolded).toContain(`List-Unsubscribe: <https://watch.example.org/unsubscribe/${sub.unsubscribeToken}>`);
    expect(unfolded).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.text).toContain('S/RES/2531 (2020)');
    expect(mail.text).toContain('https://watch.example.org/mandates/minusma');
    expect(mail.html).toContain('United Nations Multidimensional Integrated Stabilization Mission in Mali');

    const hook = world.receiver.received[0];
    const [hookRow] = await world.rows(`kind = 'expiry_reminder' AND lead_days = 30 AND subscription_id = '${webhookSub}'`);
    expect(hook.verified).toBe(true);
    expect(hook.id).toBe(hookRow.id);
    expect(hookRow.status).toBe('sent');
    expect(hook.body).toMatchObject({
      type: 'mandate.expiry_reminder',
      timestamp: '2021-05-31T09:00:00.000Z',
      data: {
        deliveryId: hookRow.id,
        subscriptionId: webhookSub,
        mandate: { id: 'minusma', acronym: 'MINUSMA', type: 'peace_operation', expiresOn: '2021-06-30' },
        daysLeft: 30,
        leadDays: 30,
        decision: { symbol: 'S/RES/2531 (2020)', adoptedOn: '2020-06-29' },
        consoleUrl: 'https://watch.example.org/mandates/minusma',
      },
    });
    // webhook-timestamp is real time (the receiver's check would refuse a 2021 one).
    expect(Math.abs(Number(hook.timestamp) - Date.now() / 1000)).toBeLessThan(300);
  });

  it('an extension adopted that day: one mandate_extended of each, the old date\'s reminders cancelled', async () => {
    await appendFact(world.store, 'mandate-minusma', 'MandateExtended', {
      mandateId: 'minusma', until: '2022-06-30', decision: 'S/RES/2584 (2021)', adoptedOn: '2021-05-31', paragraphs: [], period: null,
    });
    await waitFor('the extension notices', () => world.smtp.received.length >= 2 && world.receiver.received.length >= 2);
    await world.settled();
    expect(world.smtp.received.map((m) => m.mail.subject)).toEqual([
      'MINUSMA expires on 30 June 2021 (30 days)',
      'MINUSMA extended until 30 June 2022',
    ]);
    expect(world.receiver.received.map((h) => [h.body.type, h.verified])).toEqual([
      ['mandate.expiry_reminder', true],
      ['mandate.extended', true],
    ]);
    expect(world.receiver.received[1].body.data).toMatchObject({
      mandate: { expiresOn: '2022-06-30' },
      decision: { symbol: 'S/RES/2584 (2021)', adoptedOn: '2021-05-31' },
    });
    const old = await world.rows(`target_date = '2021-06-30' AND status <> 'sent'`);
    expect(old).toHaveLength(4); // the 7-day reminders and mandate_expired, of both subscribers
    for (const r of old) {
      expect(r.status).toBe('cancelled');
      expect(r.cancelReason).toContain('expiry changed');
    }
  });

  it('at 2021-06-23 10:00: nothing for the old date', async () => {
    await world.setClock(new Date('2021-06-23T10:00:00Z'));
    await world.settled();
    expect(world.smtp.received).toHaveLength(2);
    expect(world.receiver.received).toHaveLength(2);
    const old = await world.rows(`target_date = '2021-06-30'`);
    expect(old.map((r) => r.status).sort()).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled', 'sent', 'sent']);
  });

  it('each alert arrived under one id only', async () => {
    const hookIds = world.receiver.received.map((h) => h.id);
    const mailIds = world.smtp.received.map((m) => m.mail.messageId);
    expect(new Set(hookIds).size).toBe(hookIds.length);
    expect(new Set(mailIds).size).toBe(mailIds.length);
    const sent = await world.rows(`status = 'sent'`);
    expect(sent).toHaveLength(4);
    expect(sent.every((r) => r.attempts === 1)).toBe(true);
  });

  it('moving the clock back re-plans pending deliveries; sent ones stay sent', async () => {
    await world.setClock(new Date('2021-05-15T00:00:00Z'));
    await world.settled();
    const rows = await world.rows(`kind = 'expiry_reminder'`);
    // Before the extension was adopted the expiry is 30 June 2021 again: its 7-day reminder is
    // planned anew, the 30-day one stays sent, the 2022 ones are no longer planned.
    expect(rows.filter((r) => r.targetDate === '2021-06-30').map((r) => [r.leadDays, r.status]).sort()).toEqual([
      [30, 'sent'],
      [30, 'sent'],
      [7, 'pending'],
      [7, 'pending'],
    ]);
    expect(rows.filter((r) => r.targetDate === '2022-06-30').every((r) => r.status === 'cancelled')).toBe(true);
    expect(world.smtp.received).toHaveLength(2);
    // And forward again: the 2021 reminders are cancelled again, nothing is sent twice.
    await world.setClock(new Date('2021-06-23T10:00:00Z'));
    await world.settled();
    expect(world.smtp.received).toHaveLength(2);
    expect(world.receiver.received).toHaveLength(2);
  });
});

describe('Redis flushed and workers down while alerts fell due', () => {
  const world = new AlertWorld('flush', new Date('2021-05-01T00:00:00Z'));

  beforeAll(async () => {
    await world.start(1);
    await appendFact(world.store, 'mandate-minusma', 'MandateEstablished', { ...MINUSMA, expiresOn: '2021-06-30' });
    const created = await world.subscriptions.create({
      channel: 'webhook', url: world.receiver.url, scope: { all: true }, leadDays: [30, 7], timezone: 'UTC',
      notify: ['expiry_reminder'], digest: null, status: 'active', ownerKeyId: null,
    });
    world.receiver.secret = created.secret;
    await waitFor('reminders to be planned', async () => (await world.rows()).length === 2);
  });
  afterAll(() => world.stop());

  it('a new worker after a Redis flush sends what is due once, and a second flush doubles nothing', async () => {
    await world.stopWorkers();
    expect(await flushPrefix(world.prefix)).toBeGreaterThan(0);
    // Both reminders fell due while no worker ran: only the latest goes out.
    await world.setClock(new Date('2021-06-24T12:00:00Z'));
    await world.startWorker();
    await waitFor('the catch-up webhook', () => world.receiver.received.length >= 1);
    await world.settled();
    expect(world.receiver.received.map((h) => [h.body.type, h.body.data.leadDays, h.body.data.daysLeft, h.verified])).toEqual([
      ['mandate.expiry_reminder', 7, 6, true],
    ]);
    const rows = await world.rows();
    expect(rows.map((r) => [r.leadDays, r.status])).toEqual([
      [30, 'cancelled'],
      [7, 'sent'],
    ]);
    expect(rows[1].late).toBe(true);

    await world.stopWorkers();
    await flushPrefix(world.prefix);
    await world.startWorker();
    await world.settled();
    expect(world.receiver.received).toHaveLength(1);
  });
});
