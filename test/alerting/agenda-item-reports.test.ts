import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_KINDS, streamIds, type AlertKind } from '#libs/domain';
import { appendFact, MINUSMA, waitFor } from './support.js';
import { AlertWorld } from './world.js';

/**
 * A report the Council asks of the Secretary-General under an agenda item, tied to no mandate
 * (ReportRequested with mandateId null, in the decision's stream): its deadline reaches the
 * subscribers whose scope is that agenda item or everything, and nobody else.
 */
describe('report_due for a report requested under an agenda item, not a mandate', () => {
  const world = new AlertWorld('agenda-reports', new Date('2021-03-01T00:00:00Z'));
  const common = { leadDays: [7], timezone: 'UTC', notify: [...ALERT_KINDS] as AlertKind[], digest: null, status: 'active' as const, ownerKeyId: null };
  const subs: Record<string, string> = {};

  beforeAll(async () => {
    await world.start(1);
    await appendFact(world.store, 'meeting-s-pv-8700', 'MeetingHeld', {
      meetingId: 's-pv-8700', kind: 'meeting', symbol: 'S/PV.8700', record: null, recordDate: null, date: '2021-01-13', agendaItem: 'situation-in-mali',
      agendaItemNames: { en: 'The situation in Mali' }, format: 'briefing', subItem: null, documents: [], rule37: [], rule39: [], speakers: [], outcome: null, writtenProcedureRecord: null,
    });
    // MINUSMA is on the same agenda item; the report is not about it.
    await appendFact(world.store, 'mandate-minusma', 'MandateEstablished', { ...MINUSMA, expiresOn: '2021-06-30' });
    await appendFact(world.store, streamIds.decision('S/PRST/2021/2'), 'ReportRequested', {
      mandateId: null, dueOn: '2021-03-31', decision: 'S/PRST/2021/2', description: 'Report of the Secretary-General on the implementation of the Agreement on Peace and Reconciliation in Mali',
      paragraphs: [], agendaItem: 'situation-in-mali',
    });
    const hook = await world.subscriptions.create({ ...common, channel: 'webhook', url: world.receiver.url, scope: { agendaItems: ['situation-in-mali'] } });
    world.receiver.secret = hook.secret;
    subs.agendaHook = hook.subscription.id;
    subs.allEmail = (await world.subscriptions.create({ ...common, channel: 'email', address: 'all@example.org', scope: { all: true } })).subscription.id;
    subs.haitiEmail = (await world.subscriptions.create({ ...common, channel: 'email', address: 'haiti@example.org', scope: { agendaItems: ['question-concerning-haiti'] } })).subscription.id;
    subs.minusmaEmail = (await world.subscriptions.create({ ...common, channel: 'email', address: 'minusma@example.org', scope: { mandates: ['minusma'] } })).subscription.id;
    await waitFor('the report reminders', async () => (await world.rows(`kind = 'report_due'`)).length === 2);
  });
  afterAll(() => world.stop());

  it('is planned for the agenda-item and the all-scope subscribers only, at 09:00 seven days before', async () => {
    await world.settled();
    const rows = await world.rows(`kind = 'report_due'`);
    expect(rows.map((r) => [r.subscriptionId, r.mandateId, r.targetDate, r.dueAt.toISOString()]).sort()).toEqual(
      [
        [subs.agendaHook, null, '2021-03-31', '2021-03-24T09:00:00.000Z'],
        [subs.allEmail, null, '2021-03-31', '2021-03-24T09:00:00.000Z'],
      ].sort(),
    );
  });

  it('goes out when due: a verified report.due webhook naming the agenda item, and an email', async () => {
    await world.setClock(new Date('2021-03-24T09:00:30Z'));
    const hook = await waitFor('report.due', () => world.receiver.received.find((h) => h.body.type === 'report.due'));
    await waitFor('the email', () => world.smtp.received.length >= 1);
    await world.settled();
    expect(hook.verified).toBe(true);
    expect(hook.body.data).toMatchObject({
      subscriptionId: subs.agendaHook,
      daysLeft: 7,
      leadDays: 7,
      report: { dueOn: '2021-03-31', decision: 'S/PRST/2021/2', description: expect.stringContaining('Agreement on Peace and Reconciliation') },
      agendaItem: { id: 'situation-in-mali', names: { en: 'The situation in Mali' } },
      consoleUrl: 'https://watch.example.org/events?streamId=decision-s-prst-2021-2',
    });
    expect(hook.body.data.mandate).toBeUndefined();
    expect(world.smtp.received).toHaveLength(1);
    const { mail } = world.smtp.received[0];
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('all@example.org');
    expect(mail.subject).toBe('Report due on 31 March 2021 — The situation in Mali (7 days)');
    expect(mail.text).toContain('A report on The situation in Mali is due on 31 March 2021');
    expect(mail.text).toContain('(S/PRST/2021/2)');
    expect(world.receiver.received.filter((h) => h.body.type === 'report.due')).toHaveLength(1);
  });
});
