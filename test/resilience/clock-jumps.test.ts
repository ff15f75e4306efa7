import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFact, MINUSMA, waitFor } from '../alerting/support.js';
import { AlertWorld } from '../alerting/world.js';
import { figures, tallyDeliveries } from './support/deliveries.js';
import { writeResult } from './support/results.js';

/**
 * The business clock jumping a week forward, then back, then forward in steps, with two worker
 * replicas, an email and a webhook subscriber (lead days 30, 7, 3, 1; UTC, so every reminder is
 * due at 09:00 UTC on expiry − lead). Five mandates, chosen so that the week holds every case:
 *
 * | mandate | expires | due before T0 | due in the week (T0, T1] | after T1 |
 * |---|---|---|---|---|
 * | A | 06-10 | 30 | 7, 3 → only 3 (the latest) | 1 |
 * | B | 06-05 | 30, 7 → only 7 | 3, 1 → none (the expiry is past at T1) | |
 * | C | 06-14 | 30 | 7 | 3, 1 |
 * | D | 07-20 | | | 30, 7, 3, 1 |
 * | E | 06-08 | 30 | 7, 3, 1 → only 1 (expires on T1's date: not past) | |
 *
 * Expected sends (each to both subscribers, each once) are listed per step below; anything else
 * delivered counts as unexpected (a stale or doubled reminder).
 */
const T0 = new Date('2021-06-01T08:00:00Z');
const T1 = new Date('2021-06-08T08:00:00Z');
const MANDATES = { a: '2021-06-10', b: '2021-06-05', c: '2021-06-14', d: '2021-07-20', e: '2021-06-08' };

const world = new AlertWorld('clockjump', T0);

async function idsOf(pairs: [keyof typeof MANDATES, number][]): Promise<string[]> {
  const ids: string[] = [];
  for (const [m, lead] of pairs) {
    const rows = await world.rows(`kind = 'expiry_reminder' AND mandate_id = 'jump-${m}' AND lead_days = ${lead}`);
    expect(rows, `${m}-${lead}`).toHaveLength(2);
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/** Moves the clock, waits until everything due is sent, and returns what was acknowledged meanwhile. */
async function step(to: Date): Promise<void> {
  await world.setClock(to);
  await world.settled();
}

beforeAll(async () => {
  await world.start(2);
  for (const [m, expiresOn] of Object.entries(MANDATES)) {
    await appendFact(world.store, `mandate-jump-${m}`, 'MandateEstablished', { ...MINUSMA, mandateId: `jump-${m}`, acronym: `JUMP${m.toUpperCase()}`, names: { en: `Jump ${m}` }, expiresOn });
  }
  const common = { scope: { all: true }, leadDays: [30, 7, 3, 1], timezone: 'UTC', notify: ['expiry_reminder'] as never, digest: null, status: 'active' as const, ownerKeyId: null };
  await world.subscriptions.create({ ...common, channel: 'email', address: 'desk@example.org' });
  const hook = await world.subscriptions.create({ ...common, channel: 'webhook', url: world.receiver.url });
  world.receiver.secret = hook.secret;
  // At T0: the latest overdue reminder of A, B, C and E goes out (late), nothing else.
  await waitFor('the reminders due at T0 to be sent', async () => (await world.rows(`status = 'sent'`)).length === 8, 60_000);
  await world.settled();
}, 120_000);
afterAll(() => world.stop());

describe('business clock jumps', () => {
  it('a week forward: everything due in the week is sent once, marked late, and only the latest overdue reminder per mandate', async () => {
    const atT0 = await idsOf([['a', 30], ['b', 7], ['c', 30], ['e', 30]]);
    await step(T1);
    const inWeek = await idsOf([['a', 3], ['c', 7], ['e', 1]]);
    const tally = tallyDeliveries([...atT0, ...inWeek], world);
    const superseded = await world.rows(`status = 'cancelled' AND kind = 'expiry_reminder'`);
    const late = (await world.rows(`id = ANY('{${inWeek.join(',')}}')`)).filter((r) => r.late && r.status === 'sent').length;
    await writeResult({
      id: 'fault-clock-forward-week',
      scenario: 'Business clock jumped a week forward (2 workers, email + webhook)',
      injected: `clock moved from ${T0.toISOString()} to ${T1.toISOString()} with 5 mandates × lead days [30, 7, 3, 1]`,
      ...figures(tally),
      unit: 'reminders delivered (due before or in the week, latest per mandate)',
      unexpected5xx: 0,
      notes: { inWeek: inWeek.length, markedLate: late, unexpected: tally.unexpected.length, cancelledAsSupersededOrPast: superseded.length, requests: tally.requests },
    });
    expect(tally).toMatchObject({ observed: 14, duplicates: 0, losses: 0, unexpected: [] });
    expect(late).toBe(inWeek.length);
    // A 7 and E 7/3 (superseded), B 3/1 (expiry past): cancelled, with the reason.
    expect(superseded.map((r) => `${r.mandateId}-${r.leadDays}`).sort()).toEqual(
      ['jump-a-7', 'jump-a-7', 'jump-b-1', 'jump-b-1', 'jump-b-3', 'jump-b-3', 'jump-e-3', 'jump-e-3', 'jump-e-7', 'jump-e-7'],
    );
    for (const r of superseded) expect(r.cancelReason).toMatch(/no longer planned/);
  });

  it('back, then forward in steps: nothing re-sent (no stale reminder either), nothing lost, reminders due again sent when passed', async () => {
    const before = tallyDeliveries([], world);
    const sentBefore = (await world.rows(`status = 'sent'`)).map((r) => r.id);
    // Back to the day after T0: E's 7-day reminder is the latest due one again, but E's 1-day
    // reminder was already sent, so the subscriber must not get the older one now.
    await step(new Date('2021-06-02T08:00:00Z'));
    const afterBack = tallyDeliveries([], world);
    expect(afterBack.requests).toBe(before.requests);
    const stillSent = (await world.rows(`status = 'sent'`)).map((r) => r.id);
    expect(stillSent.sort()).toEqual(sentBefore.sort());

    // Forward again in steps: B's reminders (dropped at T1 because its expiry was past then) are
    // due again and go out; A's 1-day and C's 3-day are sent when passed; nothing sent before
    // goes out again, nor A's 7-day (superseded by its 3-day, already sent).
    await step(new Date('2021-06-02T09:30:00Z'));
    await step(new Date('2021-06-04T09:30:00Z'));
    await step(T1);
    await step(new Date('2021-06-09T09:30:00Z'));
    await step(new Date('2021-06-11T09:30:00Z'));
    const again = await idsOf([['b', 3], ['b', 1], ['a', 1], ['c', 3]]);
    const tally = tallyDeliveries([...sentBefore, ...again], world);
    const stale = (await world.rows(`status = 'sent' AND NOT (id = ANY('{${[...sentBefore, ...again].join(',')}}'))`)).map((r) => `${r.mandateId}-${r.leadDays}`);
    await writeResult({
      id: 'fault-clock-backward',
      scenario: 'Business clock moved back 6 days after the forward jump, then forward in 5 steps',
      injected: 'clock 2021-06-08 08:00 → 2021-06-02 08:00, then 06-02 09:30, 06-04 09:30, 06-08 08:00, 06-09 09:30, 06-11 09:30',
      ...figures(tally),
      unit: 'reminders delivered (before the jump back + due again)',
      unexpected5xx: 0,
      notes: { sentBeforeJumpBack: sentBefore.length, dueAgain: again.length, staleReminders: stale, unexpected: tally.unexpected.length, requests: tally.requests },
    });
    expect(stale).toEqual([]);
    expect(tally).toMatchObject({ expected: 22, observed: 22, duplicates: 0, losses: 0, unexpected: [] });
    // D's reminders are still ahead, pending.
    expect((await world.rows(`mandate_id = 'jump-d'`)).map((r) => r.status)).toEqual(Array(8).fill('pending'));
  });
});
