import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '#libs/alerting';
import { appendFact, MINUSMA, REDIS_URL, waitFor } from '../alerting/support.js';
import { AlertWorld } from '../alerting/world.js';
import type { BootedApi } from '../api/support.js';
import { startApiOn } from './support/api.js';
import { figures, messageIdOf, tallyDeliveries } from './support/deliveries.js';
import { writeResult } from './support/results.js';

/**
 * Receivers that misbehave, end to end: subscriptions made through a real API, two worker
 * replicas, a real SMTP server (smtp-server) and a real HTTP receiver. Four mandates expire on
 * 30 June 2021; every subscriber wants the 30-day reminder (due 31 May 09:00 UTC), so each
 * subscription gets four alerts at once.
 *
 * Backoff is real time. Where the schedule's next wait is minutes long, the test checks the wait
 * the row was given and then lets it pass (next_attempt_at = now()), as a worker would see it
 * once that time had passed; the 5-second webhook retry is really waited for.
 */
const MANDATES = 4;
const TIMEOUT_MS = 1500;
const world = new AlertWorld('rcvfaults', new Date('2021-05-31T08:00:00Z'), { webhookTimeoutMs: TIMEOUT_MS });
let api: BootedApi;
const statuses: number[] = [];
const subs: Record<string, string> = {};

async function call(method: string, path: string, body?: unknown) {
  const r = await api.request(method, path, { body });
  statuses.push(r.status);
  return r;
}

const rowsOf = (name: string) => world.deliveries.forSubscription(subs[name]);
/** The wait a row was given: next_attempt_at − the moment the retry was scheduled. */
const waitGiven = (r: DeliveryRecord) => r.nextAttemptAt!.getTime() - r.updatedAt.getTime();

beforeAll(async () => {
  await world.start(2);
  api = await startApiOn({ label: 'rcvfaults', databaseUrl: world.db.url, redisUrl: REDIS_URL, env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', REDIS_PREFIX: world.prefix } });
  for (let i = 0; i < MANDATES; i++) {
    await appendFact(world.store, `mandate-rcv-${i}`, 'MandateEstablished', { ...MINUSMA, mandateId: `rcv-${i}`, acronym: `RCV${i}`, names: { en: `Receiver ${i}` }, expiresOn: '2021-06-30' });
  }
  const common = { scope: { all: true }, leadDays: [30], timezone: 'UTC', notify: ['expiry_reminder'] };
  const base = world.receiver.url.replace(/\/hooks\/.*$/, '/hooks');
  const made = {
    busyMail: { channel: 'email', address: 'busy@example.org' },
    goneMail: { channel: 'email', address: 'nobody@example.org' },
    timeout: { channel: 'webhook', url: `${base}/timeout` },
    error500: { channel: 'webhook', url: `${base}/error500` },
    redirect: { channel: 'webhook', url: `${base}/redirect` },
    gone410: { channel: 'webhook', url: `${base}/gone410` },
  };
  for (const [name, target] of Object.entries(made)) {
    const r = await call('POST', '/api/subscriptions', { ...common, ...target });
    expect(r.status, r.text).toBe(201);
    expect(r.json.status).toBe('active');
    subs[name] = r.json.id;
  }
  await waitFor('every alert to be planned', async () => (await world.rows()).length === MANDATES * Object.keys(made).length, 60_000);

  // The SMTP server: busy@ is refused twice per message (4xx), then accepted; nobody@ is refused for good (5xx).
  world.smtp.refuse = (raw) => {
    if (/^To: nobody@example\.org/im.test(raw)) return { code: 550, message: '5.1.1 <nobody@example.org>: Recipient address rejected: mailbox unavailable' };
    const id = /^Message-ID:\s*(\S+)/im.exec(raw)?.[1];
    const tries = world.smtp.attempts.filter((a) => a.messageId === id).length + 1; // this one included
    return tries <= 2 ? { code: tries === 1 ? 451 : 421, message: `4.3.0 Try again later (${tries})` } : null;
  };
  // The HTTP receiver, by path: the first request of each alert times out / gets 500 / a redirect
  // (then 204); /gone410 always answers 410.
  world.receiver.plan = (r) => {
    const seen = world.receiver.received.filter((x) => x.id === r.id).length;
    if (r.path.endsWith('/gone410')) return { status: 410 };
    if (seen > 1) return { status: 204 };
    if (r.path.endsWith('/timeout')) return { status: 204, holdMs: TIMEOUT_MS * 3 };
    if (r.path.endsWith('/error500')) return { status: 500 };
    if (r.path.endsWith('/redirect')) return { status: 302, headers: { location: `${base}/elsewhere` } };
    return { status: 204 };
  };
  await world.setClock(new Date('2021-05-31T09:01:00Z'));
}, 120_000);
afterAll(async () => {
  await api?.close();
  await world.stop();
});

describe('SMTP server refusing, then accepting', () => {
  it('4xx twice then accepted: each email delivered once, after the 30 s and 2 min waits; a 5xx fails the delivery with the reply', async () => {
    const waits: number[] = [];
    for (const round of [1, 2]) {
      const reply = round === 1 ? '451 4.3.0 Try again later (1)' : '421 4.3.0 Try again later (2)';
      // Attempts count up when an attempt is claimed, so wait for the attempt's outcome too: its
      // reply recorded (until then the row still shows the previous round's reply).
      const rows = await waitFor(`refusal ${round} of every busy@ email`, async () => {
        const r = await rowsOf('busyMail');
        return r.every((x) => x.attempts === round && x.nextAttemptAt && x.status === 'pending' && x.lastError?.includes(`(${round})`)) ? r : null;
      }, 60_000);
      for (const r of rows) {
        expect(r.lastError).toContain(reply);
        waits.push(waitGiven(r));
      }
      // Let the backoff pass.
      await world.pool.query(`UPDATE deliveries SET next_attempt_at = now() WHERE subscription_id = $1`, [subs.busyMail]);
      await world.sweep();
    }
    const sent = await waitFor('every busy@ email to be sent', async () => {
      const r = await rowsOf('busyMail');
      return r.every((x) => x.status === 'sent') ? r : null;
    }, 60_000);
    const failed = await waitFor('every nobody@ email to fail', async () => {
      const r = await rowsOf('goneMail');
      return r.every((x) => x.status === 'failed') ? r : null;
    }, 60_000);
    const tally = tallyDeliveries(sent.map((r) => r.id), { smtp: world.smtp });
    const [first, second] = [waits.slice(0, MANDATES), waits.slice(MANDATES)];
    await writeResult({
      id: 'fault-smtp-refusing',
      scenario: 'SMTP server refusing (4xx twice per message), then accepting; and refusing for good (5xx)',
      injected: `${MANDATES} emails answered 451 then 421 then accepted; ${MANDATES} emails answered 550`,
      ...figures(tally),
      unit: 'emails accepted by the SMTP server (Message-ID)',
      unexpected5xx: statuses.filter((s) => s >= 500).length,
      notes: {
        dataCommands: tally.requests,
        refused: tally.unacknowledged,
        firstWaitMs: [Math.min(...first), Math.max(...first)],
        secondWaitMs: [Math.min(...second), Math.max(...second)],
        permanentFailures: failed.length,
        permanentError: failed[0]?.lastError,
      },
    });
    expect(tally).toMatchObject({ expected: MANDATES, observed: MANDATES, duplicates: 0, losses: 0, unexpected: [] });
    for (const r of sent) expect(r.attempts).toBe(3);
    // The schedule: 30 s, then 2 min, ±10 % jitter.
    for (const w of first) expect(w).toBeGreaterThan(27_000 - 1000), expect(w).toBeLessThan(33_000 + 1000);
    for (const w of second) expect(w).toBeGreaterThan(108_000 - 1000), expect(w).toBeLessThan(132_000 + 1000);
    // 5xx: failed at the first attempt, with the server's reply, and never retried.
    for (const r of failed) {
      expect(r.attempts).toBe(1);
      expect(r.lastError).toContain('550 5.1.1 <nobody@example.org>: Recipient address rejected: mailbox unavailable');
    }
    const failedIds = new Set(failed.map((r) => r.id));
    expect(world.smtp.attempts.filter((a) => failedIds.has(messageIdOf(a.messageId) ?? '')).length).toBe(MANDATES);
    // Visible through the API.
    const listed = await call('GET', `/api/deliveries?subscription=${subs.goneMail}&status=failed`);
    expect(listed.json.items).toHaveLength(MANDATES);
  });
});

describe('webhook receiver timing out, answering 500, 410, redirecting', () => {
  it('timeout and 500 are retried 5 s later and delivered once; a redirect is not followed and counts as a failure; 410 disables the endpoint', async () => {
    const retried = ['timeout', 'error500', 'redirect'];
    const firstErrors: Record<string, string[]> = {};
    const waits: number[] = [];
    for (const name of retried) {
      const rows = await waitFor(`the first attempts of ${name} to fail`, async () => {
        const r = await rowsOf(name);
        return r.every((x) => x.lastError || x.status === 'sent') ? r : null;
      }, 60_000);
      firstErrors[name] = rows.map((r) => r.lastError ?? '(sent already)');
      for (const r of rows) if (r.status === 'pending') waits.push(waitGiven(r));
    }
    const sent = await waitFor('the retries to be delivered', async () => {
      const r = (await Promise.all(retried.map(rowsOf))).flat();
      return r.every((x) => x.status === 'sent') ? r : null;
    }, 90_000);
    const gone = await waitFor('the 410 endpoint to be disabled and its deliveries settled', async () => {
      const r = await rowsOf('gone410');
      const sub = await world.subscriptions.get(subs.gone410);
      return sub?.status === 'disabled' && r.every((x) => x.status === 'failed' || x.status === 'cancelled') ? r : null;
    }, 60_000);
    const viaApi = await call('GET', `/api/subscriptions/${subs.gone410}`);
    const tally = tallyDeliveries(sent.map((r) => r.id), { receiver: world.receiver });
    const followed = world.receiver.received.filter((r) => r.path.endsWith('/elsewhere')).length;
    await writeResult({
      id: 'fault-webhook-receiver',
      scenario: 'Webhook receiver timing out, answering 500, redirecting (first attempt of each alert), answering 410 (always)',
      injected: `${MANDATES} alerts each to 4 endpoints: no answer for ${(TIMEOUT_MS * 3) / 1000} s (timeout ${TIMEOUT_MS / 1000} s), 500, 302, 410`,
      ...figures(tally),
      unit: 'webhooks acknowledged (2xx on a live connection, by webhook-id)',
      unexpected5xx: statuses.filter((s) => s >= 500).length,
      notes: {
        requests: tally.requests,
        notAcknowledged: tally.unacknowledged,
        retryWaitMs: [Math.min(...waits), Math.max(...waits)],
        redirectsFollowed: followed,
        firstErrors: Object.fromEntries(Object.entries(firstErrors).map(([k, v]) => [k, v[0]])),
        gone410: { subscription: viaApi.json.status, disabledReason: viaApi.json.disabledReason, deliveries: gone.map((r) => r.status).sort() },
      },
    });
    expect(tally).toMatchObject({ expected: 3 * MANDATES, observed: 3 * MANDATES, duplicates: 0, losses: 0, unexpected: [] });
    for (const r of sent) expect(r.attempts).toBe(2);
    for (const w of waits) expect(w).toBeGreaterThan(4500 - 1000), expect(w).toBeLessThan(5500 + 1000);
    expect(firstErrors.timeout.every((e) => e.includes(`no answer within ${TIMEOUT_MS / 1000} s`))).toBe(true);
    expect(firstErrors.error500.every((e) => e.startsWith('HTTP 500'))).toBe(true);
    expect(firstErrors.redirect.every((e) => e.startsWith('redirect 302 not followed'))).toBe(true);
    expect(followed).toBe(0);
    // Each retried alert: the same webhook-id and the same body on both requests.
    for (const r of sent) {
      const got = world.receiver.received.filter((x) => x.id === r.id);
      expect(got).toHaveLength(2);
      expect(got[1].body).toEqual(got[0].body);
    }
    // 410: disabled, visible in the API, nothing delivered, no retry of a 410.
    expect(viaApi.json).toMatchObject({ status: 'disabled', disabledReason: expect.stringContaining('410') });
    expect(gone.filter((r) => r.status === 'failed').length).toBeGreaterThanOrEqual(1);
    for (const r of gone) expect(r.attempts).toBeLessThanOrEqual(1);
    const goneRequests = world.receiver.received.filter((x) => x.path.endsWith('/gone410'));
    expect(goneRequests.length).toBe(gone.filter((r) => r.status === 'failed').length);
    expect(goneRequests.every((x) => x.status === 410)).toBe(true);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });
});
