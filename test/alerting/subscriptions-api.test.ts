import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { bootstrapWorker } from '../../apps/worker/src/bootstrap.js';
import { startTestApi, type TestApi } from '../api/support.js';
import { REDIS_URL, TestSmtpServer, TestWebhookReceiver, waitFor } from './support.js';

/**
 * The subscription API over HTTP with a real worker behind it: double opt-in, SSRF refusals,
 * owners, test pings, secret rotation, one-click unsubscribe, the calendar feed, deliveries.
 */
describe('subscriptions over HTTP', () => {
  let t: TestApi;
  let worker: INestApplicationContext;
  const smtp = new TestSmtpServer();
  const receiver = new TestWebhookReceiver();
  let editorKey: string;
  let otherEditorKey: string;

  beforeAll(async () => {
    await smtp.start();
    await receiver.start();
    t = await startTestApi('subsapi', {
      CLOCK_START: '2021-05-01T00:00:00Z',
      CLOCK_CONTROL: 'enabled',
      SMTP_URL: smtp.url,
      PUBLIC_URL: 'https://watch.example.org',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    });
    const config = t.api.runtime.config;
    worker = await bootstrapWorker(
      {
        databaseUrl: config.databaseUrl,
        alerts: {
          redisUrl: REDIS_URL,
          redisPrefix: config.redisPrefix,
          smtpUrl: smtp.url,
          publicUrl: config.publicUrl,
          webhookAllowedHosts: config.webhookAllowedHosts,
          changePollMs: 200,
        },
      },
      { clock: t.api.runtime.clock },
    );
    editorKey = (await t.request('POST', '/api/keys', { body: { name: 'editor', role: 'editor' } })).json.key;
    otherEditorKey = (await t.request('POST', '/api/keys', { body: { name: 'other', role: 'editor' } })).json.key;
    const m = await t.request('POST', '/api/mandates', {
      body: { id: 'minusma', acronym: 'MINUSMA', names: { en: 'United Nations Multidimensional Integrated Stabilization Mission in Mali' }, type: 'peace_operation', establishedOn: '2013-04-25', expiresOn: '2021-06-30', establishedBy: 'S/RES/2100 (2013)' },
    });
    expect(m.status).toBe(201);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await receiver.stop();
    await smtp.stop();
  });

  it('validates the body (400 with each bad field)', async () => {
    const r = await t.request('POST', '/api/subscriptions', { key: editorKey, body: { channel: 'email', address: 'not-an-address', timezone: 'Mars/Olympus', leadDays: [7, 7] } });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('VALIDATION_FAILED');
    expect(r.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['address', 'leadDays', 'timezone']);
  });

  it.each(['http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/hook', 'https://192.168.1.10/hook', 'http://[::1]:9/hook'])(
    'refuses the webhook URL %s (422)',
    async (url) => {
      const r = await t.request('POST', '/api/subscriptions', { key: editorKey, body: { channel: 'webhook', url } });
      expect(r.status).toBe(422);
      expect(r.json.error.code).toBe('WEBHOOK_URL_REFUSED');
    },
  );

  it('an email subscription by an editor waits for the confirmation link; then it is active', async () => {
    const r = await t.request('POST', '/api/subscriptions', { key: editorKey, body: { channel: 'email', address: 'desk@example.org', scope: { mandates: ['minusma'] }, leadDays: [30, 7] } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ channel: 'email', status: 'pending_confirmation', leadDays: [30, 7], timezone: 'UTC', digest: null });
    expect(r.json.calendarUrl).toMatch(/^https:\/\/watch\.example\.org\/calendar\/[A-Za-z0-9_-]+\.ics$/);
    expect(r.json.secret).toBeUndefined();
    const mail = await waitFor('the confirmation email', () => smtp.received.find((m) => m.mail.subject === 'Confirm your Mandate Watch subscription'));
    const link = /https:\/\/watch\.example\.org(\/confirm\/[A-Za-z0-9_-]+)/.exec(mail.mail.text ?? '')![1];
    const page = await t.request('GET', link, { key: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect((await t.request('GET', `/api/subscriptions/${r.json.id}`, { key: editorKey })).json.status).toBe('active');
  });

  it('a new address set by an editor must be confirmed again by its owner', async () => {
    const [sub] = (await t.request('GET', '/api/subscriptions', { key: editorKey })).json.items;
    const r = await t.request('PATCH', `/api/subscriptions/${sub.id}`, { key: editorKey, body: { address: 'someone-else@example.org' } });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('pending_confirmation');
    const mail = await waitFor('the new confirmation email', () => smtp.received.find((m) => m.mail.subject === 'Confirm your Mandate Watch subscription' && m.raw.includes('someone-else@example.org')));
    expect((await t.request('PATCH', `/api/subscriptions/${sub.id}`, { key: editorKey, body: { status: 'active' } })).status).toBe(409);
    const link = /https:\/\/watch\.example\.org(\/confirm\/[A-Za-z0-9_-]+)/.exec(mail.mail.text ?? '')![1];
    expect((await t.request('GET', link, { key: null })).status).toBe(200);
    expect((await t.request('GET', `/api/subscriptions/${sub.id}`, { key: editorKey })).json.status).toBe('active');
  });

  it('an admin\'s email subscription is active at once', async () => {
    const r = await t.request('POST', '/api/subscriptions', { body: { channel: 'email', address: 'admin@example.org' } });
    expect(r.status).toBe(201);
    expect(r.json.status).toBe('active');
    expect(r.json.leadDays).toEqual([90, 30, 7, 1]);
  });

  let hookId: string;
  let firstSecret: string;

  it('a webhook subscription shows its secret once; a test ping arrives signed', async () => {
    const r = await t.request('POST', '/api/subscriptions', { key: editorKey, body: { channel: 'webhook', url: receiver.url, scope: { mandates: ['minusma'] }, leadDays: [30], timezone: 'Europe/Paris' } });
    expect(r.status).toBe(201);
    expect(r.json.status).toBe('active');
    expect(r.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    hookId = r.json.id;
    firstSecret = r.json.secret;
    receiver.secret = firstSecret;
    const again = await t.request('GET', `/api/subscriptions/${hookId}`, { key: editorKey });
    expect(again.json.secret).toBeUndefined();

    const ping = await t.request('POST', `/api/subscriptions/${hookId}/test`, { key: editorKey });
    expect(ping.status).toBe(202);
    const got = await waitFor('the test ping', () => receiver.received.find((h) => h.id === ping.json.id));
    expect(got.verified).toBe(true);
    expect(got.body.type).toBe('subscription.test');
  });

  it('after rotate-secret both secrets verify for 24 h', async () => {
    const r = await t.request('POST', `/api/subscriptions/${hookId}/rotate-secret`, { key: editorKey });
    expect(r.status).toBe(200);
    expect(r.json.secret).not.toBe(firstSecret);
    expect(new Date(r.json.previousSecretValidUntil).getTime() - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    const ping = await t.request('POST', `/api/subscriptions/${hookId}/test`, { key: editorKey });
    const got = await waitFor('the ping after rotation', () => receiver.received.find((h) => h.id === ping.json.id));
    const raw = JSON.stringify(got.body);
    const headers = { 'webhook-id': got.id, 'webhook-timestamp': got.timestamp, 'webhook-signature': got.signature };
    expect(got.signature.split(' ')).toHaveLength(2);
    expect(() => new Webhook(firstSecret).verify(raw, headers)).not.toThrow();
    expect(() => new Webhook(r.json.secret).verify(raw, headers)).not.toThrow();
    receiver.secret = r.json.secret;
  });

  it('editors see their own subscriptions only; admins see all', async () => {
    expect((await t.request('GET', `/api/subscriptions/${hookId}`, { key: otherEditorKey })).status).toBe(404);
    expect((await t.request('PATCH', `/api/subscriptions/${hookId}`, { key: otherEditorKey, body: { leadDays: [1] } })).status).toBe(404);
    const mine = await t.request('GET', '/api/subscriptions', { key: editorKey });
    expect(mine.json.items).toHaveLength(2);
    expect((await t.request('GET', '/api/subscriptions', { key: otherEditorKey })).json.items).toHaveLength(0);
    const all = await t.request('GET', '/api/subscriptions?limit=2');
    expect(all.json.items).toHaveLength(2);
    expect(all.json.next).toBeTruthy();
    const rest = await t.request('GET', `/api/subscriptions?limit=2&cursor=${all.json.next}`);
    expect(rest.json.items).toHaveLength(1);
    // A viewer may read, but owns no subscription (it cannot create one) and sees none.
    const viewerKey = (await t.request('POST', '/api/keys', { body: { name: 'v', role: 'viewer' } })).json.key;
    expect((await t.request('GET', '/api/subscriptions', { key: viewerKey })).json.items).toEqual([]);
    expect((await t.request('GET', `/api/subscriptions/${hookId}`, { key: viewerKey })).status).toBe(404);
    expect((await t.request('GET', '/api/deliveries', { key: viewerKey })).json.items).toEqual([]);
    expect((await t.request('POST', '/api/subscriptions', { key: viewerKey, body: { channel: 'webhook', url: receiver.url } })).status).toBe(403);
  });

  it('PATCH changes what is planned; a refused URL stays refused', async () => {
    const r = await t.request('PATCH', `/api/subscriptions/${hookId}`, { key: editorKey, body: { leadDays: [30, 7] } });
    expect(r.status).toBe(200);
    expect(r.json.leadDays).toEqual([30, 7]);
    const bad = await t.request('PATCH', `/api/subscriptions/${hookId}`, { key: editorKey, body: { url: 'http://169.254.169.254/' } });
    expect(bad.status).toBe(422);
    await waitFor('the 7-day reminder to be planned', async () => {
      const d = await t.request('GET', `/api/deliveries?subscription=${hookId}&status=pending`, { key: editorKey });
      return d.json.items.some((i: { leadDays: number }) => i.leadDays === 7);
    });
  });

  it('the calendar feed has one all-day event per upcoming expiry, and follows an extension', async () => {
    const sub = (await t.request('GET', `/api/subscriptions/${hookId}`, { key: editorKey })).json;
    const path = new URL(sub.calendarUrl).pathname;
    const ics = await t.request('GET', path, { key: null });
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    const unfolded = ics.text.replace(/\r\n[ \t]/g, '');
    expect(unfolded).toContain('BEGIN:VCALENDAR');
    expect(unfolded).toMatch(/DTSTART;VALUE=DATE:20210630/);
    expect(unfolded).toContain('UID:mandate-minusma-expiry-2021-06-30@watch.example.org');
    expect(unfolded.match(/BEGIN:VEVENT/g)).toHaveLength(1);

    const ext = await t.request('POST', '/api/mandates/minusma/extensions', { body: { until: '2022-06-30', decision: 'S/RES/2584 (2021)', adoptedOn: '2021-04-30' } });
    expect(ext.status).toBe(201);
    // Adopted the day before the business clock's today: a notice goes out too.
    const notice = await waitFor('the extension notice', () => receiver.received.find((h) => h.body.type === 'mandate.extended'));
    expect(notice.body.data).toMatchObject({ mandate: { id: 'minusma', expiresOn: '2022-06-30' }, decision: { symbol: 'S/RES/2584 (2021)' } });
    const after = (await t.request('GET', path, { key: null })).text.replace(/\r\n[ \t]/g, '');
    expect(after).toContain('UID:mandate-minusma-expiry-2022-06-30@watch.example.org');
    expect(after).not.toContain('2021-06-30@');
    expect((await t.request('GET', '/calendar/not-a-real-token-at-all.ics', { key: null })).status).toBe(404);
  });

  it('deliveries: listed per subscription, a failed one can be retried under the same id', async () => {
    receiver.respond = () => 410;
    const ping = await t.request('POST', `/api/subscriptions/${hookId}/test`, { key: editorKey });
    await waitFor('the ping to fail', async () => (await t.request('GET', `/api/deliveries?subscription=${hookId}&status=failed`, { key: editorKey })).json.items.length === 1);
    const sub = (await t.request('GET', `/api/subscriptions/${hookId}`, { key: editorKey })).json;
    expect(sub.status).toBe('disabled');
    expect(sub.disabledReason).toContain('410');
    receiver.respond = () => 204;
    expect((await t.request('PATCH', `/api/subscriptions/${hookId}`, { key: editorKey, body: { status: 'active' } })).json.status).toBe('active');
    expect((await t.request('POST', `/api/deliveries/${ping.json.id}/retry`, { key: otherEditorKey })).status).toBe(404);
    const retried = await t.request('POST', `/api/deliveries/${ping.json.id}/retry`, { key: editorKey });
    expect(retried.status, JSON.stringify(retried.json)).toBe(200);
    expect(retried.json.status).toBe('pending');
    await waitFor('the retried ping', () => receiver.received.filter((h) => h.id === ping.json.id).length === 2);
    expect((await t.request('POST', `/api/deliveries/${ping.json.id}/retry`, { key: editorKey })).status).toBe(409);
  });

  it('one-click unsubscribe: GET asks, POST unsubscribes without login or redirect', async () => {
    const created = await t.request('POST', '/api/subscriptions', { body: { channel: 'email', address: 'leaving@example.org' } });
    const ping = await t.request('POST', `/api/subscriptions/${created.json.id}/test`);
    const mail = await waitFor('the test email', () => smtp.received.find((m) => m.mail.messageId === `<${ping.json.id}@localhost>`));
    const unfolded = mail.raw.replace(/\r?\n[ \t]+/g, ' ');
    const url = /List-Unsubscribe: <([^>]+)>/.exec(unfolded)![1];
    const path = new URL(url).pathname;
    const page = await t.request('GET', path, { key: null });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="post"');
    expect((await t.request('GET', `/api/subscriptions/${created.json.id}`)).json.status).toBe('active');
    const res = await fetch(t.base + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click', redirect: 'manual' });
    expect(res.status).toBe(200);
    expect((await t.request('GET', `/api/subscriptions/${created.json.id}`)).json.status).toBe('unsubscribed');
  });

  it('DELETE removes a subscription', async () => {
    const created = await t.request('POST', '/api/subscriptions', { key: otherEditorKey, body: { channel: 'webhook', url: receiver.url } });
    expect((await t.request('DELETE', `/api/subscriptions/${created.json.id}`, { key: editorKey })).status).toBe(404);
    expect((await t.request('DELETE', `/api/subscriptions/${created.json.id}`, { key: otherEditorKey })).status).toBe(204);
    expect((await t.request('GET', `/api/subscriptions/${created.json.id}`, { key: otherEditorKey })).status).toBe(404);
  });

  it('a weekly digest over HTTP: email only; its alerts and the digest listed as deliveries; one email carries them', async () => {
    const hook = await t.request('POST', '/api/subscriptions', { body: { channel: 'webhook', url: receiver.url, digest: 'weekly' } });
    expect(hook.status).toBe(422);
    expect(hook.json.error.code).toBe('DIGEST_EMAIL_ONLY');

    // A mandate of its own (earlier tests extended MINUSMA).
    const m = await t.request('POST', '/api/mandates', {
      body: { id: 'unmha', acronym: 'UNMHA', names: { en: 'United Nations Mission to support the Hodeidah Agreement' }, type: 'special_political_mission', establishedOn: '2019-01-16', expiresOn: '2021-06-30', establishedBy: 'S/RES/2452 (2019)' },
    });
    expect(m.status).toBe(201);
    const created = await t.request('POST', '/api/subscriptions', {
      body: { channel: 'email', address: 'weekly-digest@example.org', scope: { mandates: ['unmha'] }, leadDays: [30], notify: ['expiry_reminder'], digest: 'weekly' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: 'active', digest: 'weekly' });
    const list = async () => (await t.request('GET', `/api/deliveries?subscription=${created.json.id}`)).json.items as { id: string; kind: string; status: string; inDigest: boolean; digestId: string | null; dueAt: string; payload: { data: { items?: unknown[] } } }[];
    const planned = await waitFor('the alert and its digest', async () => ((await list()).length === 2 ? list() : null));
    const digest = planned.find((d) => d.kind === 'weekly_digest')!;
    const alert = planned.find((d) => d.kind === 'expiry_reminder')!;
    // 31 May 2021 is a Monday: the 30-day reminder (09:00 UTC) goes in that day's digest.
    expect([digest.dueAt, digest.inDigest, alert.dueAt, alert.inDigest, alert.digestId]).toEqual(['2021-05-31T09:00:00.000Z', false, '2021-05-31T09:00:00.000Z', true, null]);

    expect((await t.request('PUT', '/api/clock', { body: { now: '2021-05-31T09:00:30Z' } })).status).toBe(200);
    const mail = await waitFor('the digest email', () => smtp.received.find((m) => m.mail.messageId === `<${digest.id}@localhost>`));
    expect(mail.mail.subject).toBe('Mandate Watch weekly digest, 31 May 2021: 1 alert (UNMHA)');
    const after = await waitFor('both sent', async () => {
      const items = await list();
      return items.every((d) => d.status === 'sent') ? items : null;
    });
    expect(after.find((d) => d.kind === 'expiry_reminder')!.digestId).toBe(digest.id);
    expect(after.find((d) => d.kind === 'weekly_digest')!.payload.data.items).toHaveLength(1);
    expect(smtp.received.filter((m) => m.raw.includes('weekly-digest@example.org'))).toHaveLength(1);
  });
});
