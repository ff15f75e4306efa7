import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../alerting/support.js';
import type { Child } from '../support/children.js';
import { Deployment } from './support/deployment.js';
import { figures, messageIdOf, tallyDeliveries } from './support/deliveries.js';
import { writeResult } from './support/results.js';

/**
 * Worker processes (`npm run start:worker`, from the sources) sending email and webhook alerts
 * to a real SMTP server and a real HTTP receiver that hold their replies, so that sends are in
 * flight when the worker is killed (SIGKILL) or asked to stop (SIGTERM).
 */

/** How many alert ids the receivers have acknowledged so far. */
const delivered = (d: Deployment) => tallyDeliveries([], d).unexpected.length;

/** Waits for a sweep that starts after this call (any worker's). */
async function nextSweep(d: Deployment, trigger?: () => Promise<unknown>): Promise<void> {
  const { rows } = await d.pool.query<{ now: Date }>('SELECT clock_timestamp() AS now');
  await trigger?.();
  await waitFor('a sweep', async () => {
    const r = await d.pool.query<{ at: Date | null }>('SELECT last_sweep_at AS at FROM alert_scheduler_state WHERE id = 1');
    return r.rows[0]?.at && r.rows[0].at > rows[0].now;
  }, 60_000);
}

/** A send is in flight: a webhook request or an SMTP DATA not answered yet. */
const inFlight = (d: Deployment) => d.smtp.inFlight > 0 || d.receiver.received.some((r) => r.status === undefined);

describe('worker kill -9 during delivery', () => {
  const MANDATES = 15;
  const KILLS = 3;
  const d = new Deployment('dkill');
  beforeAll(() => d.start(MANDATES), 60_000);
  afterAll(() => d.stop());

  it(`${KILLS} SIGKILLs mid-send: every alert delivered, a resend carries the same webhook-id / Message-ID, none delivered twice`, async () => {
    const injected: string[] = [];
    const hold = (ms: number) => {
      d.receiver.holdMs = ms;
      d.smtp.holdMs = ms;
    };
    const sentIds = async () => new Set((await d.pool.query<{ id: string }>(`SELECT id FROM deliveries WHERE status = 'sent'`)).rows.map((r) => r.id));
    const phases: number[] = [];
    const allSent = async () => (await d.counts()).sent === MANDATES * 2;
    const channels = () => [...(d.receiver.received.some((r) => r.status === undefined) ? ['webhook'] : []), ...(d.smtp.inFlight > 0 ? ['email'] : [])];
    /** Alert ids acknowledged so far by one receiver. */
    const acked = (channel: 'webhook' | 'email') => tallyDeliveries([], channel === 'webhook' ? { receiver: d.receiver } : { smtp: d.smtp }).unexpected.length;
    for (let k = 0; k < KILLS; k++) {
      const started = Date.now();
      // Every reply is held but the first email's and the first webhook's: each worker delivers
      // one alert per channel, and its other sends (it claims every pending alert at once) stay
      // in flight. So each kill cuts off both channels, whatever order the sends go out in.
      // (Killing at the first send in flight cut off webhooks only: they go out before the first
      // SMTP DATA ends, and the emails could then all get through between kills.)
      hold(120_000);
      d.receiver.letThrough = 1;
      d.smtp.letThrough = 1;
      const before = { webhook: acked('webhook'), email: acked('email') };
      const w = d.startWorker();
      // Kill once both channels have a send in flight and every acknowledged alert is committed
      // as sent: no kill falls between a receiver's acknowledgement and its commit (the one
      // window in which the contract allows a resend), so an alert acknowledged twice would be
      // a real duplicate.
      await waitFor(`worker ${k + 1} to have delivered one alert per channel and to be sending both`, async () => {
        if (acked('webhook') <= before.webhook || acked('email') <= before.email) return false;
        if (channels().length < 2) return false;
        const sent = await sentIds();
        return tallyDeliveries([], d).unexpected.every((id) => sent.has(id));
      }, 120_000).catch(async (err) => {
        const sent = await sentIds();
        const rows = (await d.pool.query(`SELECT id, status, attempts, locked_until > now() AS leased, next_attempt_at, last_error FROM deliveries WHERE status <> 'sent'`)).rows;
        throw new Error(`${(err as Error).message}: in flight ${channels().join('+') || 'nothing'}; acknowledged, not committed: ${tallyDeliveries([], d).unexpected.filter((id) => !sent.has(id)).join(', ') || 'none'}; unsent rows ${JSON.stringify(rows)}\n${w.raw().slice(-3000)}`);
      });
      const inFlightNow = channels();
      await w.kill('SIGKILL');
      injected.push(`SIGKILL with ${inFlightNow.join(' + ')} in flight after ${delivered(d)} delivered`);
      phases.push(Date.now() - started);
      // The killed worker's leases (2 min) would run out by themselves; let that time pass now,
      // and the backoff of a send that timed out while held (5 s, then 5 min). No other worker
      // runs at this point, so no live lease is cut short.
      await d.pool.query(`UPDATE deliveries SET locked_until = now() WHERE locked_until > now()`);
      await d.pool.query(`UPDATE deliveries SET next_attempt_at = now() WHERE status = 'pending' AND next_attempt_at > now()`);
    }
    hold(0);
    const finalStart = Date.now();
    const last = d.startWorker();
    await waitFor('every alert to be sent', allSent, 180_000).catch((err) => {
      throw new Error(`${(err as Error).message}\n${last.raw().slice(-4000)}`);
    });
    phases.push(Date.now() - finalStart);
    const rows = (await d.pool.query<{ id: string; attempts: number }>(`SELECT id, attempts FROM deliveries`)).rows;
    const tally = tallyDeliveries(rows.map((r) => r.id), d);
    // Resends: the same id (and, for webhooks, the same body) as the attempt the kill cut off.
    const hooksById = new Map<string, string[]>();
    for (const r of d.receiver.received) hooksById.set(r.id, [...(hooksById.get(r.id) ?? []), JSON.stringify(r.body)]);
    const resentHooks = [...hooksById.values()].filter((b) => b.length > 1);
    const mailIds = d.smtp.attempts.map((a) => messageIdOf(a.messageId));
    const resentMails = new Set(mailIds.filter((id, i) => mailIds.indexOf(id) !== i)).size;
    await writeResult({
      id: 'fault-worker-kill-delivery',
      scenario: 'Worker kill -9 during delivery (worker processes, email + webhook, replaced after each kill)',
      injected: injected.join('; '),
      ...figures(tally),
      unit: 'alerts delivered (webhook answered 2xx / email accepted, by alert id)',
      unexpected5xx: 0,
      notes: {
        retries: d.workers.flatMap((w) => w.lines.map((l) => String(l.msg ?? '')).filter((m) => m.includes(' retrying'))).map((m) => m.replace(/^delivery \S+ /, '')),
        phaseMs: phases, requests: tally.requests, cutOffByKill: tally.unacknowledged, resentWebhooks: resentHooks.length, resentEmails: resentMails, attempts: rows.reduce((n, r) => n + r.attempts, 0), deliveryRows: await d.counts() },
    });
    expect(tally).toMatchObject({ expected: MANDATES * 2, observed: MANDATES * 2, duplicates: 0, losses: 0, unexpected: [] });
    expect(tally.unacknowledged).toBeGreaterThanOrEqual(KILLS * 2);
    expect(resentHooks.length).toBeGreaterThanOrEqual(1);
    expect(resentMails).toBeGreaterThanOrEqual(1);
    for (const bodies of resentHooks) expect(new Set(bodies).size).toBe(1);
    expect(d.receiver.received.every((r) => r.verified)).toBe(true);
  }, 600_000);
});

describe('worker SIGTERM during delivery', () => {
  const MANDATES = 3;
  const d = new Deployment('dterm');
  beforeAll(() => d.start(MANDATES), 60_000);
  afterAll(() => d.stop());

  it('the sends in flight complete, the process exits 0, and a new worker sends nothing again', async () => {
    d.receiver.holdMs = 3000; // within the 10 s webhook timeout and the 20 s shutdown limit
    d.smtp.holdMs = 3000;
    const w = d.startWorker();
    await waitFor('an email and a webhook in flight', () => d.smtp.inFlight > 0 && d.receiver.received.some((r) => r.status === undefined), 120_000);
    const inFlightAtSignal = d.smtp.inFlight + d.receiver.received.filter((r) => r.status === undefined).length;
    w.child.kill('SIGTERM');
    const code = await w.exited;
    const afterExit = await d.counts();
    d.receiver.holdMs = 0;
    d.smtp.holdMs = 0;
    // A second worker: sends whatever the first one did not get to (if it stopped taking new
    // jobs), and nothing twice.
    let w2: Child | undefined;
    await nextSweep(d, async () => (w2 = d.startWorker()));
    await waitFor('every alert to be sent', async () => (await d.counts()).sent === MANDATES * 2, 120_000);
    await nextSweep(d, () => d.pool.query(`UPDATE alert_scheduler_state SET revision = revision + 1 WHERE id = 1`));
    await waitFor('nothing in flight', () => !inFlight(d));
    const rows = (await d.pool.query<{ id: string; attempts: number }>(`SELECT id, attempts FROM deliveries`)).rows;
    const code2 = await w2!.kill('SIGTERM');
    const tally = tallyDeliveries(rows.map((r) => r.id), d);
    await writeResult({
      id: 'fault-worker-sigterm',
      scenario: 'Worker SIGTERM while deliveries are in flight (graceful shutdown), then a new worker',
      injected: `SIGTERM with ${inFlightAtSignal} sends in flight (replies held 3 s); exit code ${code}`,
      ...figures(tally),
      unit: 'alerts delivered (by alert id)',
      unexpected5xx: 0,
      notes: { exitCode: code, secondWorkerExitCode: code2, rowsAfterExit: afterExit, requests: tally.requests, notAcknowledged: tally.unacknowledged, attempts: rows.reduce((n, r) => n + r.attempts, 0) },
    });
    expect(code).toBe(0);
    expect(code2).toBe(0);
    expect(tally).toMatchObject({ expected: MANDATES * 2, observed: MANDATES * 2, duplicates: 0, losses: 0, unexpected: [] });
    // Nothing the first worker had in flight was cut off: no resend at all.
    expect(tally.unacknowledged).toBe(0);
    expect(tally.requests).toBe(MANDATES * 2);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
  }, 300_000);
});
