import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAlertEmail, renderDigestEmail } from './alert-email.js';
import { Mailer } from './mailer.js';
import type { AlertPayload } from './payload.js';
import { generateWebhookSecret, SecretSealer } from './secrets.js';

const payload = (over: Partial<AlertPayload['data']> = {}): AlertPayload => ({
  type: 'mandate.expiry_reminder',
  timestamp: '2021-05-31T09:00:00.000Z',
  data: {
    deliveryId: '0b1c2d3e-0000-8000-8000-000000000001',
    subscriptionId: 's',
    mandate: { id: 'minusma', acronym: 'MINUSMA', names: { en: 'Mission <script>alert(1)</script> & "Co"' }, type: 'peace_operation', expiresOn: '2021-06-30' },
    daysLeft: 30,
    leadDays: 30,
    decision: { symbol: 'S/RES/2531 (2020)', adoptedOn: '2020-06-29' },
    consoleUrl: 'https://watch.example.org/mandates/minusma',
    ...over,
  },
});

describe('alert email', () => {
  it('subject with acronym, date and days; HTML escapes fact text, the text part keeps it', () => {
    const email = renderAlertEmail(payload(), { unsubscribeUrl: 'https://watch.example.org/unsubscribe/t' });
    expect(email.subject).toBe('MINUSMA expires on 30 June 2021 (30 days)');
    expect(email.html).toContain('Mission &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
    expect(email.html).not.toContain('<script>');
    expect(email.text).toContain('Mission <script>alert(1)</script> & "Co"');
    expect(email.text).toContain('Last decision: S/RES/2531 (2020), adopted on 29 June 2020');
    expect(email.text).toContain('Unsubscribe: https://watch.example.org/unsubscribe/t');
  });

  it('one day, notices and late alerts read right', () => {
    expect(renderAlertEmail(payload({ daysLeft: 1 }), { unsubscribeUrl: 'u' }).subject).toBe('MINUSMA expires on 30 June 2021 (1 day)');
    const ext = renderAlertEmail({ ...payload({ mandate: { id: 'binuh', acronym: null, names: { en: 'BINUH office' }, type: 'special_political_mission', expiresOn: '2022-07-15' } }), type: 'mandate.extended' }, { unsubscribeUrl: 'u' });
    expect(ext.subject).toBe('BINUH office extended until 15 July 2022');
    expect(renderAlertEmail(payload(), { unsubscribeUrl: 'u' }, { late: true }).text).toContain('was due on 2021-05-31 and is sent late');
  });
});

describe('weekly digest email', () => {
  it('lists each alert (fact text escaped in HTML), counts them and names the mandates in the subject', () => {
    const report: AlertPayload = {
      type: 'report.due',
      timestamp: '2021-03-24T09:00:00.000Z',
      data: {
        deliveryId: 'r', subscriptionId: 's', daysLeft: 7, leadDays: 7,
        report: { dueOn: '2021-03-31', description: 'Report <b>on</b> Mali', decision: 'S/PRST/2021/2' },
        agendaItem: { id: 'situation-in-mali', names: { en: 'The situation in Mali' } },
      },
    };
    const digest = renderDigestEmail(
      { type: 'digest.weekly', timestamp: '2021-05-31T07:00:00.000Z', data: { deliveryId: 'd', subscriptionId: 's', weekOf: '2021-05-31', items: [payload(), report] } },
      { unsubscribeUrl: 'https://watch.example.org/unsubscribe/t' },
    );
    expect(digest.subject).toBe('Mandate Watch weekly digest, 31 May 2021: 2 alerts (MINUSMA, The situation in Mali)');
    expect(digest.text).toContain('1. MINUSMA expires on 30 June 2021 (30 days)');
    expect(digest.text).toContain('2. Report due on 31 March 2021 — The situation in Mali (7 days)');
    expect(digest.text).toContain('   Report <b>on</b> Mali (S/PRST/2021/2)');
    expect(digest.html).toContain('Report &lt;b&gt;on&lt;/b&gt; Mali');
    expect(digest.html).not.toContain('<b>on</b>');
    expect(digest.text).toContain('Unsubscribe: https://watch.example.org/unsubscribe/t');
  });
});

describe('SecretSealer', () => {
  it('seals with a key (the stored text does not contain the secret) and opens it again', () => {
    const secret = generateWebhookSecret();
    const sealer = new SecretSealer('a long random deployment key');
    const stored = sealer.seal(secret);
    expect(stored).not.toContain(secret.slice(6));
    expect(stored).not.toBe(sealer.seal(secret)); // a fresh IV each time
    expect(sealer.open(stored)).toBe(secret);
    expect(() => new SecretSealer('another key').open(stored)).toThrow();
    expect(() => new SecretSealer().open(stored)).toThrow(/SECRETS_KEY/);
  });

  it('without a key stores the secret as it is (and still opens sealed-looking text only with a key)', () => {
    const secret = generateWebhookSecret();
    expect(new SecretSealer().seal(secret)).toBe(secret);
    expect(new SecretSealer('k').open(secret)).toBe(secret); // rows written before a key was set
  });
});

describe('Mailer without SMTP_URL', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mw-outbox-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes one .eml per delivery id (a resend replaces it), DKIM-signed when configured', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const mailer = new Mailer({
      outboxDir: dir,
      from: 'Mandate Watch <alerts@watch.example.org>',
      dkim: { domain: 'watch.example.org', selector: 'mw2026', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    });
    const email = renderAlertEmail(payload(), { unsubscribeUrl: 'https://watch.example.org/unsubscribe/t' });
    const mail = { to: 'desk@example.org', ...email, deliveryId: 'd-1', unsubscribeUrl: 'https://watch.example.org/unsubscribe/t' };
    const first = await mailer.send(mail);
    await mailer.send(mail);
    mailer.close();
    expect(await readdir(dir)).toEqual(['d-1.eml']);
    expect(first.messageId).toBe('<d-1@watch.example.org>');
    const raw = (await readFile(first.file!, 'utf8')).replace(/\n[ \t]+/g, ' ');
    expect(raw).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=watch\.example\.org; q=dns\/txt; s=mw2026;/m);
    expect(raw).toContain('Message-ID: <d-1@watch.example.org>');
    expect(raw).toContain('List-Unsubscribe: <https://watch.example.org/unsubscribe/t>');
    expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(raw).toContain('Subject: MINUSMA expires on 30 June 2021 (30 days)');
  });
});
