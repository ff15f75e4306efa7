import { describe, expect, it } from 'vitest';
import {
  alertId,
  alertKey,
  deliveryJobId,
  digestKey,
  digestSlotAtOrAfter,
  digestSlotFor,
  expiryAsOf,
  planMandateAlerts,
  reminderDueAt,
  zonedDate,
  zonedInstant,
  ALERT_KINDS,
  type AlertSubscriptionRules,
  type MandateAlertFacts,
} from './index.js';

const sub = (over: Partial<AlertSubscriptionRules> = {}): AlertSubscriptionRules => ({
  id: '11111111-1111-4111-8111-111111111111',
  leadDays: [30, 7],
  timezone: 'UTC',
  notify: [...ALERT_KINDS],
  ...over,
});

const minusma = (extra: MandateAlertFacts['timeline'] = []): MandateAlertFacts => ({
  mandateId: 'minusma',
  timeline: [
    { eventId: 'e1', kind: 'established', effectiveOn: '2013-04-25', expiresOn: '2014-06-30', seq: 1 },
    { eventId: 'e2', kind: 'extended', effectiveOn: '2020-06-29', expiresOn: '2021-06-30', seq: 2 },
    ...extra,
  ],
  reports: [],
});

const plan = (now: string, facts = minusma(), s = sub(), backfillDays = 7) =>
  planMandateAlerts(s, facts, { now: new Date(now), backfillDays }).map((a) => ({
    kind: a.kind,
    target: a.targetDate,
    lead: a.leadDays,
    due: a.dueAt.toISOString(),
  }));

describe('timezones', () => {
  it('09:00 local, DST-correct on both sides of a change', () => {
    expect(zonedInstant('2021-01-15', 9, 0, 'Europe/Paris').toISOString()).toBe('2021-01-15T08:00:00.000Z');
    expect(zonedInstant('2021-07-15', 9, 0, 'Europe/Paris').toISOString()).toBe('2021-07-15T07:00:00.000Z');
    // The day of the spring-forward change in Europe (28 March 2021) and in the US (14 March 2021).
    expect(zonedInstant('2021-03-28', 9, 0, 'Europe/Paris').toISOString()).toBe('2021-03-28T07:00:00.000Z');
    expect(zonedInstant('2021-03-14', 9, 0, 'America/New_York').toISOString()).toBe('2021-03-14T13:00:00.000Z');
    expect(zonedInstant('2021-03-13', 9, 0, 'America/New_York').toISOString()).toBe('2021-03-13T14:00:00.000Z');
    expect(zonedInstant('2021-06-01', 9, 0, 'Asia/Kolkata').toISOString()).toBe('2021-06-01T03:30:00.000Z');
    // East of the date line the local date is ahead of UTC's.
    expect(zonedInstant('2021-06-01', 9, 0, 'Pacific/Auckland').toISOString()).toBe('2021-05-31T21:00:00.000Z');
  });

  it('a reminder is due at 09:00 local on date − leadDays', () => {
    expect(reminderDueAt('2021-06-30', 30, 'UTC').toISOString()).toBe('2021-05-31T09:00:00.000Z');
    expect(reminderDueAt('2021-06-30', 7, 'America/New_York').toISOString()).toBe('2021-06-23T13:00:00.000Z');
  });

  it('the local date of an instant', () => {
    expect(zonedDate(new Date('2021-05-31T23:30:00Z'), 'Europe/Paris')).toBe('2021-06-01');
    expect(zonedDate(new Date('2021-05-31T23:30:00Z'), 'America/New_York')).toBe('2021-05-31');
  });
});

describe('ids', () => {
  it('the alert id is a stable UUID of the key, and job ids have no colon', () => {
    const key = alertKey({ subscriptionId: 's', kind: 'expiry_reminder', mandateId: 'minusma', targetDate: '2021-06-30', leadDays: 30 });
    expect(alertId(key)).toBe(alertId(key));
    expect(alertId(key)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(alertId(key)).not.toBe(alertId(key.replace('|30|', '|7|')));
    expect(deliveryJobId(alertId(key), 0)).not.toContain(':');
  });
});

describe('expiry as of a date', () => {
  it('an extension counts from its adoption date; a termination sets the last day', () => {
    const f = minusma([{ eventId: 'e3', kind: 'extended', effectiveOn: '2021-05-31', expiresOn: '2022-06-30', seq: 3 }]);
    expect(expiryAsOf(f, '2021-05-30')).toEqual({ expiresOn: '2021-06-30', terminated: false });
    expect(expiryAsOf(f, '2021-05-31')).toEqual({ expiresOn: '2022-06-30', terminated: false });
    const t = minusma([{ eventId: 'e4', kind: 'terminated', effectiveOn: '2021-05-10', expiresOn: '2021-05-20', seq: 3 }]);
    expect(expiryAsOf(t, '2021-05-11')).toEqual({ expiresOn: '2021-05-20', terminated: true });
    expect(expiryAsOf(minusma(), '2010-01-01')).toBeNull();
  });
});

describe('planning', () => {
  it('before any reminder is due: every lead day is planned in the future', () => {
    expect(plan('2021-05-01T00:00:00Z')).toEqual([
      { kind: 'expiry_reminder', target: '2021-06-30', lead: 30, due: '2021-05-31T09:00:00.000Z' },
      { kind: 'expiry_reminder', target: '2021-06-30', lead: 7, due: '2021-06-23T09:00:00.000Z' },
      { kind: 'mandate_expired', target: '2021-06-30', lead: 0, due: '2021-07-01T09:00:00.000Z' },
    ]);
  });

  it('several overdue reminders of one date: only the latest is kept', () => {
    // A clock jump (or a worker down for weeks) to after both lead days.
    expect(plan('2021-06-25T12:00:00Z').filter((p) => p.kind === 'expiry_reminder')).toEqual([
      { kind: 'expiry_reminder', target: '2021-06-30', lead: 7, due: '2021-06-23T09:00:00.000Z' },
    ]);
  });

  it('never a reminder about an expiry already past', () => {
    const kinds = plan('2021-07-01T12:00:00Z').map((p) => p.kind);
    expect(kinds).toEqual(['mandate_expired']);
  });

  it('mandate_expired only within NOTIFY_BACKFILL_DAYS of its day', () => {
    expect(plan('2021-07-08T12:00:00Z').map((p) => p.kind)).toEqual(['mandate_expired']); // 7 days after 1 July
    expect(plan('2021-07-09T12:00:00Z')).toEqual([]);
    expect(plan('2021-07-09T12:00:00Z', minusma(), sub(), 30).map((p) => p.kind)).toEqual(['mandate_expired']);
  });

  it('an extension replaces the old date: its reminders are no longer planned; a notice is', () => {
    const extended = minusma([{ eventId: 'e3', kind: 'extended', effectiveOn: '2021-05-31', expiresOn: '2022-06-30', seq: 3 }]);
    expect(plan('2021-05-31T09:05:00Z', extended)).toEqual([
      { kind: 'expiry_reminder', target: '2022-06-30', lead: 30, due: '2022-05-31T09:00:00.000Z' },
      { kind: 'expiry_reminder', target: '2022-06-30', lead: 7, due: '2022-06-23T09:00:00.000Z' },
      { kind: 'mandate_expired', target: '2022-06-30', lead: 0, due: '2022-07-01T09:00:00.000Z' },
      { kind: 'mandate_extended', target: '2021-05-31', lead: 0, due: '2021-05-31T00:00:00.000Z' },
    ]);
  });

  it('notices only for facts adopted within NOTIFY_BACKFILL_DAYS, never for future adoption dates', () => {
    const extended = minusma([{ eventId: 'e3', kind: 'extended', effectiveOn: '2021-05-31', expiresOn: '2022-06-30', seq: 3 }]);
    const notices = (now: string) => plan(now, extended).filter((p) => p.kind === 'mandate_extended');
    expect(notices('2021-05-30T12:00:00Z')).toEqual([]);
    expect(notices('2021-06-07T12:00:00Z')).toHaveLength(1);
    expect(notices('2021-06-08T12:00:00Z')).toEqual([]);
  });

  it('no notice of a fact recorded today without its adoption date when its period is over (history)', () => {
    const late = minusma([{ eventId: 'e3', kind: 'extended', effectiveOn: '2026-11-26', expiresOn: '2021-06-30', seq: 3 }]);
    expect(plan('2026-11-26T08:00:00Z', late)).toEqual([]);
    const current = minusma([{ eventId: 'e3', kind: 'extended', effectiveOn: '2026-11-26', expiresOn: '2027-06-30', seq: 3 }]);
    expect(plan('2026-11-26T08:00:00Z', current).filter((p) => p.kind === 'mandate_extended')).toHaveLength(1);
  });

  it('an import of history with a real clock plans nothing', () => {
    const history: MandateAlertFacts = {
      mandateId: 'unmis',
      timeline: [
        { eventId: 'a', kind: 'established', effectiveOn: '2005-03-24', expiresOn: '2006-03-24', seq: 1 },
        { eventId: 'b', kind: 'extended', effectiveOn: '2010-04-30', expiresOn: '2011-07-09', seq: 2 },
      ],
      reports: [{ eventId: 'r', dueOn: '2011-01-15' }],
    };
    expect(planMandateAlerts(sub(), history, { now: new Date('2026-11-26T08:00:00Z'), backfillDays: 7 })).toEqual([]);
  });

  it('only the kinds the subscription asked for; report deadlines like expiries', () => {
    const facts: MandateAlertFacts = { ...minusma(), reports: [{ eventId: 'r1', dueOn: '2021-06-15' }] };
    const p = plan('2021-05-01T00:00:00Z', facts, sub({ notify: ['report_due'], leadDays: [7] }));
    expect(p).toEqual([{ kind: 'report_due', target: '2021-06-15', lead: 7, due: '2021-06-08T09:00:00.000Z' }]);
  });

  it('the same inputs give the same keys (a sweep is idempotent)', () => {
    const a = planMandateAlerts(sub(), minusma(), { now: new Date('2021-05-01T00:00:00Z'), backfillDays: 7 }).map((x) => x.key);
    const b = planMandateAlerts(sub(), minusma(), { now: new Date('2021-05-20T00:00:00Z'), backfillDays: 7 }).map((x) => x.key);
    expect(new Set(a).size).toBe(a.length);
    expect(b).toEqual(a);
  });

  it('marks alerts sent more than an hour after they were due as late', () => {
    const p = planMandateAlerts(sub(), minusma(), { now: new Date('2021-06-01T12:00:00Z'), backfillDays: 7 });
    expect(p.find((x) => x.leadDays === 30)?.late).toBe(true);
    const q = planMandateAlerts(sub(), minusma(), { now: new Date('2021-05-31T09:05:00Z'), backfillDays: 7 });
    expect(q.find((x) => x.leadDays === 30)?.late).toBe(false);
  });
});

describe('weekly digest slots (Monday 09:00, subscriber\'s time)', () => {
  const at = (iso: string) => new Date(iso);
  it('the first Monday 09:00 at or after an alert, DST-aware', () => {
    // Thursday 6 May 2021 09:00 Paris → Monday 10 May 09:00 Paris (07:00 UTC, summer time).
    expect(digestSlotAtOrAfter(at('2021-05-06T07:00:00Z'), 'Europe/Paris').toISOString()).toBe('2021-05-10T07:00:00.000Z');
    // An alert due exactly at Monday 09:00 goes out in that Monday's digest.
    expect(digestSlotAtOrAfter(at('2021-05-31T07:00:00Z'), 'Europe/Paris').toISOString()).toBe('2021-05-31T07:00:00.000Z');
    // One minute later: the next Monday. In winter Paris is UTC+1.
    expect(digestSlotAtOrAfter(at('2021-11-29T08:01:00Z'), 'Europe/Paris').toISOString()).toBe('2021-12-06T08:00:00.000Z');
    // Sunday evening in New York is already Monday in UTC: the local date decides.
    expect(digestSlotAtOrAfter(at('2021-06-07T02:00:00Z'), 'America/New_York').toISOString()).toBe('2021-06-07T13:00:00.000Z');
  });

  it('overdue alerts of several missed weeks go into one digest: the last Monday before now', () => {
    const now = at('2021-06-23T12:00:00Z');
    for (const due of ['2021-05-28T07:00:00Z', '2021-06-02T07:00:00Z', '2021-06-21T06:00:00Z']) {
      expect(digestSlotFor(at(due), now, 'Europe/Paris').toISOString()).toBe('2021-06-21T07:00:00.000Z');
    }
    expect(digestSlotFor(at('2021-06-23T07:00:00Z'), now, 'Europe/Paris').toISOString()).toBe('2021-06-28T07:00:00.000Z');
    expect(digestKey('s', at('2021-06-21T07:00:00Z'), 'Europe/Paris')).toBe('s|weekly_digest|2021-06-21');
  });
});
