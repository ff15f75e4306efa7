import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertId, ALERT_KINDS, deliveryJobId, type AlertKind } from '#libs/domain';
import { appendFact, MINUSMA, waitFor } from './support.js';
import { AlertWorld } from './world.js';

const UNMHA = {
  mandateId: 'unmha',
  acronym: 'UNMHA',
  names: { en: 'United Nations Mission to support the Hodeidah Agreement' },
  aliases: [],
  type: 'special_political_mission',
  agendaItem: 'middle-east-yemen',
  establishedOn: '2019-01-16',
  expiresOn: '2021-06-05',
  establishedBy: 'S/RES/2452 (2019)',
};

/**
 * A weekly digest subscriber (Europe/Paris: Monday 09:00 is 07:00 UTC in summer) with lead days
 * [30, 7]: UNMHA until Saturday 5 June 2021 (reminders Thursday 6 May and Saturday 29 May),
 * MINUSMA until 30 June 2021 (reminders Monday 31 May and Wednesday 23 June). Real SMTP server,
 * the business clock moved.
 */
describe('weekly digest', () => {
  const world = new AlertWorld('digest', new Date('2021-05-01T00:00:00Z'));
  let subId: string;
  const digestId = (date: string) => alertId(`${subId}|weekly_digest|${date}`);

  beforeAll(async () => {
    await world.start(2);
    await appendFact(world.store, 'mandate-unmha', 'MandateEstablished', UNMHA);
    await appendFact(world.store, 'mandate-minusma', 'MandateEstablished', { ...MINUSMA, expiresOn: '2021-06-30' });
    const created = await world.subscriptions.create({
      channel: 'email', address: 'weekly@example.org', scope: { all: true }, leadDays: [30, 7], timezone: 'Europe/Paris',
      notify: [...ALERT_KINDS] as AlertKind[], digest: 'weekly', status: 'active', ownerKeyId: null,
    });
    subId = created.subscription.id;
    await waitFor('the plan', async () => (await world.deliveries.forSubscription(subId)).some((d) => d.kind === 'weekly_digest'));
  });
  afterAll(() => world.stop());

  it('plans the alerts as digest items and one digest, on the Monday after the first, 09:00 Paris time', async () => {
    await world.settled();
    const rows = await world.deliveries.forSubscription(subId);
    expect(rows.map((r) => [r.kind, r.mandateId, r.leadDays, r.dueAt.toISOString(), r.inDigest, r.status])).toEqual([
      ['expiry_reminder', 'unmha', 30, '2021-05-06T07:00:00.000Z', true, 'pending'],
      ['weekly_digest', null, 0, '2021-05-10T07:00:00.000Z', false, 'pending'],
      ['expiry_reminder', 'unmha', 7, '2021-05-29T07:00:00.000Z', true, 'pending'],
      ['expiry_reminder', 'minusma', 30, '2021-05-31T07:00:00.000Z', true, 'pending'],
      ['mandate_expired', 'unmha', 0, '2021-06-06T07:00:00.000Z', true, 'pending'],
      ['expiry_reminder', 'minusma', 7, '2021-06-23T07:00:00.000Z', true, 'pending'],
    ]);
    // Stable id from the unique key; the BullMQ job id derived from it has no `:`.
    expect(rows[1].id).toBe(digestId('2021-05-10'));
    expect(deliveryJobId(rows[1].id, 0)).not.toContain(':');
  });

  it('an alert falling due is not sent alone', async () => {
    await world.setClock(new Date('2021-05-06T07:05:00Z'));
    await world.settled();
    expect(world.smtp.received).toEqual([]);
  });

  it('Monday 10 May, 09:00 Paris: one email listing that alert', async () => {
    await world.setClock(new Date('2021-05-10T07:00:30Z'));
    await waitFor('the first digest', () => world.smtp.received.length >= 1);
    await world.settled();
    expect(world.smtp.received).toHaveLength(1);
    const { mail, raw } = world.smtp.received[0];
    expect(mail.subject).toBe('Mandate Watch weekly digest, 10 May 2021: 1 alert (UNMHA)');
    expect(mail.messageId).toBe(`<${digestId('2021-05-10')}@localhost>`);
    // The 30-day reminder of 6 May, read on 10 May: 26 days left.
    expect(mail.text).toContain('1. UNMHA expires on 5 June 2021 (26 days)');
    expect(mail.text).toContain('https://watch.example.org/mandates/unmha');
    expect(mail.html).toContain('<ol>');
    expect(raw.replace(/\r?\n[ \t]+/g, ' ')).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const [item] = await world.rows(`subscription_id = '${subId}' AND lead_days = 30 AND mandate_id = 'unmha'`);
    expect([item.status, item.digestId]).toEqual(['sent', digestId('2021-05-10')]);
    expect((await world.deliveries.get(digestId('2021-05-10')))!.payload.data.items!.map((i) => i.data.deliveryId)).toEqual([item.id]);
  });

  it('weeks without alerts send nothing, and no digest is even planned for them', async () => {
    await world.setClock(new Date('2021-05-24T12:00:00Z'));
    await world.settled();
    expect(world.smtp.received).toHaveLength(1);
    const digests = (await world.deliveries.forSubscription(subId)).filter((d) => d.kind === 'weekly_digest');
    expect(digests.map((d) => [d.targetDate, d.status])).toEqual([
      ['2021-05-10', 'sent'],
      ['2021-05-31', 'pending'],
    ]);
  });

  it('Monday 31 May: one email with both alerts of the week, each listed', async () => {
    await world.setClock(new Date('2021-05-31T07:00:30Z'));
    await waitFor('the second digest', () => world.smtp.received.length >= 2);
    await world.settled();
    await world.sweep(); // sweeping again changes nothing: effectively once
    await world.settled();
    expect(world.smtp.received).toHaveLength(2);
    const { mail } = world.smtp.received[1];
    expect(mail.messageId).toBe(`<${digestId('2021-05-31')}@localhost>`);
    expect(mail.subject).toBe('Mandate Watch weekly digest, 31 May 2021: 2 alerts (UNMHA, MINUSMA)');
    expect(mail.text).toContain('1. UNMHA expires on 5 June 2021 (5 days)');
    expect(mail.text).toContain('2. MINUSMA expires on 30 June 2021 (30 days)');
    expect(mail.html).toContain('MINUSMA expires on 30 June 2021 (30 days)');
    const sent = await world.rows(`subscription_id = '${subId}' AND status = 'sent'`);
    expect(sent).toHaveLength(5); // 2 digests, 3 alerts
  });

  it('an extension cancels the old reminder; a missed digest goes out once, late, with everything overdue', async () => {
    await world.setClock(new Date('2021-06-01T10:00:00Z'));
    await appendFact(world.store, 'mandate-minusma', 'MandateExtended', {
      mandateId: 'minusma', until: '2022-06-30', decision: 'S/RES/2584 (2021)', adoptedOn: '2021-06-01', paragraphs: [], period: null,
    });
    await waitFor('the notice planned', async () => (await world.deliveries.forSubscription(subId)).some((d) => d.kind === 'mandate_extended'));
    await world.settled();
    expect(world.smtp.received).toHaveLength(2);
    const [oldReminder] = await world.rows(`subscription_id = '${subId}' AND mandate_id = 'minusma' AND lead_days = 7`);
    expect(oldReminder.status).toBe('cancelled');

    // No worker ran on Monday 7 June: the next one, a day later, sends that digest, late.
    await world.setClock(new Date('2021-06-08T12:00:00Z'));
    await waitFor('the late digest', () => world.smtp.received.length >= 3);
    await world.settled();
    expect(world.smtp.received).toHaveLength(3);
    const { mail } = world.smtp.received[2];
    expect(mail.messageId).toBe(`<${digestId('2021-06-07')}@localhost>`);
    expect(mail.subject).toBe('Mandate Watch weekly digest, 7 June 2021: 2 alerts (MINUSMA, UNMHA)');
    expect(mail.text).toContain('1. MINUSMA extended until 30 June 2022');
    expect(mail.text).toContain('Last decision: S/RES/2584 (2021), adopted on 1 June 2021');
    expect(mail.text).toContain('2. UNMHA expired on 5 June 2021');
    expect(mail.text).toContain('This digest was due on 2021-06-07 and is sent late.');
  });

  it('a clock jump of months floods nobody: nothing is left to say, no digest', async () => {
    await world.setClock(new Date('2021-09-06T12:00:00Z'));
    await world.settled();
    await world.sweep();
    expect(world.smtp.received).toHaveLength(3);
    const digests = (await world.deliveries.forSubscription(subId)).filter((d) => d.kind === 'weekly_digest');
    expect(digests.map((d) => [d.targetDate, d.status])).toEqual([
      ['2021-05-10', 'sent'],
      ['2021-05-31', 'sent'],
      ['2021-06-07', 'sent'],
    ]);
    expect(new Set(world.smtp.received.map((m) => m.mail.messageId)).size).toBe(3);
  });
});
