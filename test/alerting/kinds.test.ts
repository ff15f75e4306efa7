import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_KINDS, type AlertKind } from '#libs/domain';
import { appendFact, MINUSMA, waitFor } from './support.js';
import { AlertWorld } from './world.js';

/**
 * The kinds besides the expiry reminder, end to end through a webhook: report deadlines, the
 * day-after `mandate_expired`, notices of establishment and termination, and the subscriber's
 * timezone deciding when 09:00 is.
 */
describe('every kind of alert, in the subscriber\'s timezone', () => {
  const world = new AlertWorld('kinds', new Date('2021-06-01T00:00:00Z'));
  let subId: string;

  beforeAll(async () => {
    await world.start(1);
    // MINUSMA until 30 June 2021, a report due on 15 June 2021.
    await appendFact(world.store, 'mandate-minusma', 'MandateEstablished', { ...MINUSMA, expiresOn: '2021-06-30' });
    await appendFact(world.store, 'mandate-minusma', 'ReportRequested', {
      mandateId: 'minusma', dueOn: '2021-06-15', decision: 'S/RES/2531 (2020)', description: 'Report on the situation in Mali <quarterly>', paragraphs: [], agendaItem: 'situation-in-mali',
    });
    const created = await world.subscriptions.create({
      channel: 'webhook', url: world.receiver.url, scope: { agendaItems: ['situation-in-mali'] }, leadDays: [7], timezone: 'America/New_York',
      notify: [...ALERT_KINDS] as AlertKind[], digest: null, status: 'active', ownerKeyId: null,
    });
    subId = created.subscription.id;
    world.receiver.secret = created.secret;
    await waitFor('the plan', async () => (await world.rows()).length === 3);
  });
  afterAll(() => world.stop());

  it('plans 09:00 New York time (13:00 UTC in summer) for the report, the reminder and the day after', async () => {
    const rows = await world.rows();
    expect(rows.map((r) => [r.kind, r.targetDate, r.dueAt.toISOString()])).toEqual([
      ['report_due', '2021-06-15', '2021-06-08T13:00:00.000Z'],
      ['expiry_reminder', '2021-06-30', '2021-06-23T13:00:00.000Z'],
      ['mandate_expired', '2021-06-30', '2021-07-01T13:00:00.000Z'],
    ]);
    // 09:05 in London is still 04:05 in New York: nothing yet.
    await world.setClock(new Date('2021-06-08T09:05:00Z'));
    await world.settled();
    expect(world.receiver.received).toEqual([]);
  });

  it('report.due at 09:00 New York time', async () => {
    await world.setClock(new Date('2021-06-08T13:00:30Z'));
    const hook = await waitFor('report.due', () => world.receiver.received.find((h) => h.body.type === 'report.due'));
    expect(hook.verified).toBe(true);
    expect(hook.body.data).toMatchObject({ daysLeft: 7, leadDays: 7, report: { dueOn: '2021-06-15', description: 'Report on the situation in Mali <quarterly>', decision: 'S/RES/2531 (2020)' } });
  });

  it('mandate.expired on the day after the expiry when no renewal was recorded', async () => {
    await world.setClock(new Date('2021-07-01T13:00:30Z'));
    const hook = await waitFor('mandate.expired', () => world.receiver.received.find((h) => h.body.type === 'mandate.expired'));
    expect(hook.body.data).toMatchObject({ mandate: { id: 'minusma', expiresOn: '2021-06-30' } });
    // The 7-day reminder (23 June) was jumped over: it is about a date now past, so it is dropped.
    await world.settled();
    expect(world.receiver.received.map((h) => h.body.type)).toEqual(['report.due', 'mandate.expired']);
    const [reminder] = (await world.deliveries.forSubscription(subId)).filter((d) => d.kind === 'expiry_reminder');
    expect(reminder.status).toBe('cancelled');
  });

  it('notices of an establishment and a termination adopted within the backfill window', async () => {
    await appendFact(world.store, 'mandate-mali-panel', 'MandateEstablished', {
      mandateId: 'mali-panel', acronym: null, names: { en: 'Panel of Experts on Mali' }, aliases: [], type: 'panel_of_experts',
      agendaItem: 'situation-in-mali', establishedOn: '2021-06-28', expiresOn: '2022-08-31', establishedBy: 'S/RES/2374 (2017)',
    });
    await appendFact(world.store, 'mandate-mali-panel', 'MandateTerminated', { mandateId: 'mali-panel', on: '2021-07-31', decision: 'S/RES/2590 (2021)', adoptedOn: '2021-06-30' });
    await waitFor('both notices', () => world.receiver.received.filter((h) => /mandate\.(established|terminated)/.test(h.body.type)).length === 2);
    await world.settled();
    const notices = world.receiver.received.filter((h) => /mandate\.(established|terminated)/.test(h.body.type));
    expect(notices.map((h) => [h.body.type, h.body.data.decision])).toEqual(
      expect.arrayContaining([
        ['mandate.established', { symbol: 'S/RES/2374 (2017)', adoptedOn: '2021-06-28' }],
        ['mandate.terminated', { symbol: 'S/RES/2590 (2021)', adoptedOn: '2021-06-30' }],
      ]),
    );
    // No reminder about the panel: after its termination it only has a last day, not an expiry to renew.
    expect((await world.deliveries.forSubscription(subId)).filter((d) => d.mandateId === 'mali-panel' && d.kind === 'expiry_reminder')).toEqual([]);
    expect(world.receiver.received.every((h) => h.verified)).toBe(true);
    expect(new Set(world.receiver.received.map((h) => h.id)).size).toBe(world.receiver.received.length);
  });
});
