import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapWorker } from '../../apps/worker/src/bootstrap.js';
import { REDIS_URL, TestSmtpServer, waitFor } from '../alerting/support.js';
import { startTestApi, type TestApi } from '../api/support.js';
import { buildConsole, collectConsoleProblems, launchChromium, root, SEED, seeText, signIn, type BrowserSession } from './support.js';

/**
 * The admin console as an analyst uses it: the built console served by a real API (its CSP
 * included) on a database of its own, driven in Debian's Chromium. Every step asserts what is on
 * the screen (text, roles, test ids), waiting with Playwright's locators — never a sleep.
 *
 * The business clock runs in real time (2026), so the deadlines of 2021 are only reachable by
 * choosing the "as of" date in the page, as a user would. A real worker (projections, alert
 * deliveries) runs beside the API, mailing to a real SMTP server (smtp-server) of the test.
 */

const XSS_NAME = 'Mission <img src=x onerror="window.__mwXss=1"> & <b>bold</b>';

describe('admin console in Chromium', () => {
  let t: TestApi;
  let worker: INestApplicationContext;
  const smtp = new TestSmtpServer();
  let session: BrowserSession;
  let built: Awaited<ReturnType<typeof buildConsole>>;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    built = await buildConsole();
    await smtp.start();
    t = await startTestApi('browser', { SMTP_URL: smtp.url }, { consoleDist: built.dir });
    const config = t.api.runtime.config;
    worker = await bootstrapWorker({
      databaseUrl: config.databaseUrl,
      alerts: {
        redisUrl: REDIS_URL,
        redisPrefix: config.redisPrefix,
        smtpUrl: smtp.url,
        publicUrl: config.publicUrl,
        webhookAllowedHosts: config.webhookAllowedHosts,
        changePollMs: 200,
      },
    }, { clock: t.api.runtime.clock });
    session = await launchChromium();
    context = session.context;
    problems = collectConsoleProblems(context);
    // Well under Vitest's 30 s per test, so a missing element fails with the locator that waited.
    context.setDefaultTimeout(10_000);
    page = context.pages()[0] ?? (await context.newPage());
  }, 180_000);

  // A failed step leaves a screenshot of what the browser showed (path in the output).
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    const file = path.join(tmpdir(), `mw-browser-failure-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    console.error(`screenshot of the failed step: ${file}`);
  });

  afterAll(async () => {
    await session?.close();
    await worker?.close();
    await t?.close();
    await smtp.stop();
    await built?.remove();
  });

  it('rejects a wrong key, then signs in with the admin key', async () => {
    await page.goto(`${t.base}/`);
    await page.getByTestId('sign-in-form').waitFor();
    await page.getByLabel('API key').fill('mw_0000000000_not-a-real-key-at-all-000000');
    await page.getByTestId('sign-in-submit').click();
    expect(await seeText(page.getByTestId('sign-in-error'), /Invalid key/)).toMatch(/Invalid key/);

    await page.getByLabel('API key').fill(t.adminKey);
    await page.getByTestId('sign-in-submit').click();
    expect(await seeText(page.getByTestId('current-role'), /admin/)).toMatch(/admin/);
    // An empty log: no deadline in force on the clock's today.
    await page.getByRole('heading', { level: 1, name: 'Deadlines' }).waitFor();
    await seeText(page.getByTestId('empty'), /No mandate in force/);
  });

  it('imports the seed through the Import page: dry run with facts, warnings and highlighted source, then commit', async () => {
    await page.getByTestId('nav-import').click();
    await page.getByRole('heading', { level: 1, name: 'Import a document' }).waitFor();
    await page.getByTestId('import-file').setInputFiles(SEED);
    await page.getByTestId('dry-run').click();

    const result = page.getByTestId('import-result');
    await result.waitFor();
    expect(await result.getByTestId('import-format').textContent()).toBe('repertoire');
    expect(await result.getByTestId('import-appended').textContent()).toBe('0'); // a dry run writes nothing
    const factCount = Number(await result.getByTestId('import-fact-count').textContent());
    expect(factCount).toBeGreaterThan(20);
    expect(await result.getByTestId('fact').count()).toBe(factCount);
    const warningCount = Number(await result.getByTestId('import-warning-count').textContent());
    expect(warningCount).toBeGreaterThan(0); // the seed has passages the parser flags
    expect(await result.getByTestId('warning').count()).toBe(warningCount);
    expect(await result.getByTestId('warning').first().getAttribute('data-code')).toMatch(/^[A-Z_]+$/);
    // The document itself, with the facts' spans marked in it.
    const source = result.getByTestId('source-text');
    await seeText(source, '马里稳定团');
    expect(await source.getByTestId('span').count()).toBeGreaterThan(10);
    // "Show in text" on the MINUSMA extension marks exactly that fact's quote.
    const ext = result.locator('[data-testid="fact"][data-kind="mandate_extended"]').filter({ hasText: '2531' }).first();
    const quote = (await ext.locator('blockquote').textContent())!.trim();
    expect(quote).toContain('2531');
    await ext.getByTestId('show-fact-span').click();
    const active = source.getByTestId('active-span');
    await active.first().waitFor();
    expect((await active.allTextContents()).join('')).toBe(quote);
    // Nothing has been appended yet.
    expect((await t.request('GET', '/api/events')).json.items).toEqual([]);

    const commit = page.getByTestId('commit-import');
    expect(await commit.textContent()).toMatch(/^Commit \d+ events$/);
    await commit.click();
    await seeText(page.getByTestId('success'), /Imported: \d+ events appended/);
    const appended = Number(await page.getByTestId('import-appended').textContent());
    expect(appended).toBeGreaterThan(20);
    await seeText(page.getByTestId('imports-table'), 'repertoire');
  });

  it('(setup) the log grows past its first page: 30 meetings of 2015 recorded through the API', async () => {
    // With the seed's 25 events, what is recorded later (the extension of 29 June 2021) is not on the log's first page (50 events).
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.request('POST', '/api/meetings', { body: { symbol: `S/PV.${7400 + i}`, date: `2015-03-${String((i % 28) + 1).padStart(2, '0')}`, agendaItem: 'situation-in-mali', format: 'briefing' } }).then((r) => r.status),
      ),
    );
    expect(statuses).toEqual(Array(30).fill(201));
  });

  it('Deadlines as of 2021-06-01: MINUSMA on the timeline chart with 30 June 2021', async () => {
    await page.getByTestId('nav-deadlines').click();
    await page.getByLabel('As of').fill('2021-06-01');
    const timeline = page.getByTestId('timeline');
    const row = timeline.getByTestId('timeline-row-minusma');
    await row.waitFor();
    // The chart: an SVG with a row (a link) for MINUSMA that carries its expiry date.
    expect(await row.evaluate((el) => el.namespaceURI)).toBe('http://www.w3.org/2000/svg');
    expect(await row.textContent()).toContain('30 June 2021');
    await timeline.getByRole('link', { name: 'MINUSMA: expires 30 June 2021, 29 days left' }).waitFor();
    expect(await timeline.getByTestId('timeline-asof').getAttribute('data-date')).toBe('2021-06-01');
    // The table below it agrees.
    const tableRow = page.getByTestId('upcoming-row-minusma');
    expect(await tableRow.getByTestId('expires-on').textContent()).toBe('30 June 2021');
    const badge = tableRow.getByTestId('countdown-badge');
    expect(await badge.getAttribute('data-days-left')).toBe('29');
    expect(await badge.getAttribute('data-urgency')).toBe('high');
    expect(page.url()).toContain('asOf=2021-06-01');
  });

  it('opens the MINUSMA page: names in every language, history with S/RES/2531 (2020) linked to undocs.org', async () => {
    await page.getByTestId('timeline-row-minusma').click();
    const mandate = page.getByTestId('mandate-page');
    await mandate.waitFor();
    expect(await mandate.getAttribute('data-mandate-id')).toBe('minusma');
    expect(await page.getByTestId('mandate-title').textContent()).toContain('MINUSMA');
    expect(await seeText(page.getByTestId('name-zh'), '联合国马里多层面综合稳定团')).toContain('联合国马里多层面综合稳定团');
    expect(await page.getByTestId('name-zh').getAttribute('lang')).toMatch(/^zh/);
    expect(await page.getByTestId('name-en').textContent()).toContain('Mali');
    expect(await page.getByTestId('mandate-expires-on').textContent()).toBe('30 June 2021');

    const history = page.getByTestId('history-table');
    const row2531 = history.getByTestId('history-row').filter({ hasText: 'S/RES/2531 (2020)' });
    await row2531.waitFor();
    expect(await row2531.getByTestId('history-until').textContent()).toBe('30 June 2021');
    const link = row2531.getByRole('link', { name: 'S/RES/2531 (2020)' });
    const href = (await link.getAttribute('href'))!;
    expect(href.startsWith('https://undocs.org/')).toBe(true);
    expect(decodeURIComponent(href.slice('https://undocs.org/'.length))).toBe('S/RES/2531 (2020)');

    // The raw events behind it are shown, and can be hidden.
    const toggle = page.getByTestId('toggle-raw-events');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const raw = page.locator('#raw-events').getByTestId('event').filter({ has: page.getByTestId('event-type').getByText('MandateExtended', { exact: true }) });
    await raw.first().waitFor();
    await toggle.click();
    await raw.first().waitFor({ state: 'hidden' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
  });

  it('the mandate page answers "as of" an earlier date, and the timeline is keyboard-usable', async () => {
    // The seed knows MINUSMA's establishment (2013, no end date recorded) and S/RES/2531 (2020) of 29 June 2020.
    await page.getByLabel('Show the state as of').fill('2020-06-28');
    await seeText(page.getByTestId('mandate-as-of'), '28 June 2020');
    await page.getByTestId('history-table').getByText('S/RES/2531 (2020)').waitFor({ state: 'detached' });
    expect(await page.getByTestId('mandate-expires-on').textContent()).toBe('—');
    await page.getByLabel('Show the state as of').fill('2020-06-29');
    expect(await seeText(page.getByTestId('mandate-expires-on'), '30 June 2021')).toBe('30 June 2021');
    await page.getByTestId('history-table').getByText('S/RES/2531 (2020)').waitFor();

    // Open MINUSMA from the chart with the keyboard.
    await page.getByTestId('nav-deadlines').click();
    await page.getByLabel('As of').fill('2021-06-01');
    const row = page.getByTestId('timeline').getByRole('link', { name: /^MINUSMA: expires 30 June 2021/ });
    await row.focus();
    await page.keyboard.press('Enter');
    await seeText(page.getByTestId('mandate-expires-on'), '30 June 2021');
    expect(new URL(page.url()).pathname).toBe('/mandates/minusma');
  });

  it('creates an email subscription, sends a test email and sees it delivered', async () => {
    await page.getByTestId('nav-subscriptions').click();
    await seeText(page.getByTestId('empty'), /subscription/i);
    await page.getByTestId('new-subscription').click();
    const form = page.getByTestId('new-subscription-form');
    await form.getByLabel('Channel').selectOption('email');
    await form.getByLabel('Email address').fill('mali-desk@example.org');
    await form.getByLabel('All mandates').uncheck();
    await form.getByRole('checkbox', { name: 'MINUSMA', exact: true }).check();
    await form.getByTestId('new-subscription-submit').click();
    await page.getByTestId('subscription-created').waitFor();

    const item = page.getByTestId('subscription-list').getByRole('article', { name: 'Email subscription mali-desk@example.org' });
    await item.waitFor();
    expect(await item.getByTestId('subscription-target').textContent()).toBe('mali-desk@example.org');
    expect(await item.getByTestId('subscription-status').textContent()).toMatch(/active/i); // made with an admin key: no confirmation
    expect(await item.textContent()).toContain('MINUSMA');
    const [created] = (await t.request('GET', '/api/subscriptions')).json.items;
    expect(created).toMatchObject({ channel: 'email', address: 'mali-desk@example.org', scope: { mandates: ['minusma'] } });

    await item.getByTestId('test-subscription').click();
    await seeText(item.getByRole('status'), /Test notification queued/);
    // Straight to the deliveries of this subscription: the test shows sent once the worker has mailed it, without a reload.
    await item.getByRole('link', { name: 'Deliveries' }).click();
    const table = page.getByTestId('deliveries-table');
    await table.locator('tbody tr[data-status="sent"]').first().waitFor();
    const row = table.locator('tbody tr[data-status="sent"]').first();
    expect(await row.getByTestId('delivery-status').textContent()).toMatch(/sent/i);
    expect(await row.getByTestId('delivery-attempts').textContent()).toBe('1');
    const mail = await waitFor('the test email', () => smtp.received.find((m) => JSON.stringify(m.mail.to).includes('mali-desk@example.org')));
    expect(mail.mail.subject).toBeTruthy();
    expect(await row.getByTestId('delivery-last-error').textContent()).toBe('—');
  });

  it('shows a validation error from the API next to its field', async () => {
    await page.goto(`${t.base}/record?kind=extension&mandate=minusma`);
    const form = page.getByTestId('extension-form');
    await form.waitFor();
    // The mandate comes from the link (?mandate=minusma), chosen once the list has loaded.
    await form.locator('select[name="mandate"] option[value="minusma"]:checked').waitFor({ state: 'attached' });
    expect(await form.getByLabel('Mandate').inputValue()).toBe('minusma');
    await form.getByLabel('Until').fill('2022-06-30');
    await form.getByLabel('Decision').fill('a resolution of some kind');
    await form.getByRole('button', { name: 'Record extension' }).click();
    const error = form.getByTestId('field-error-decision');
    await error.waitFor();
    expect((await error.textContent())!.length).toBeGreaterThan(3);
    // Next to the Decision field: described by it, and the field is marked invalid.
    const decision = form.getByLabel('Decision');
    expect(await decision.getAttribute('aria-invalid')).toBe('true');
    expect(await decision.getAttribute('aria-describedby')).toContain(await error.getAttribute('id'));
    expect(await form.getByTestId('field-error-until').count()).toBe(0);
    expect((await t.request('GET', '/api/mandates/minusma?asOf=2021-07-01')).json.expiresOn).toBe('2021-06-30');
  });

  it('records an extension by the form and the timeline moves to 30 June 2022', async () => {
    const form = page.getByTestId('extension-form');
    await form.getByLabel('Decision').fill('S/RES/2584 (2021)');
    await form.getByLabel('Adopted on').fill('2021-06-29');
    await form.getByRole('button', { name: 'Record extension' }).click();
    await form.getByTestId('success').waitFor();
    expect(await form.getByTestId('field-error-decision').count()).toBe(0);

    await page.getByTestId('nav-deadlines').click();
    await page.getByLabel('As of').fill('2021-07-01');
    const row = page.getByTestId('timeline').getByTestId('timeline-row-minusma');
    await seeText(row, '30 June 2022');
    await page.getByTestId('timeline').getByRole('link', { name: 'MINUSMA: expires 30 June 2022, 364 days left' }).waitFor();
    expect(await page.getByTestId('upcoming-row-minusma').getByTestId('expires-on').textContent()).toBe('30 June 2022');
    // As of the day before the decision, the old date still holds.
    await page.getByLabel('As of').fill('2021-06-28');
    await seeText(page.getByTestId('timeline').getByTestId('timeline-row-minusma'), '30 June 2021');
  });

  it('the event log filters by type, stream and date (beyond its first page) and shows each event\'s provenance', async () => {
    await page.getByTestId('nav-events').click();
    const list = page.getByTestId('event-list');
    await list.getByTestId('event').first().waitFor();
    const all = await list.getByTestId('event').count();

    await page.getByLabel('Event type').selectOption('MandateExtended');
    const extended = list.locator('[data-testid="event"][data-event-type="MandateExtended"]');
    await extended.first().waitFor();
    await list.locator('[data-testid="event"]:not([data-event-type="MandateExtended"])').first().waitFor({ state: 'detached' });
    const extendedCount = await extended.count();
    expect(extendedCount).toBeGreaterThan(0);
    expect(extendedCount).toBeLessThan(all);

    await page.getByLabel('Stream').fill('mandate-minusma');
    await page.getByRole('button', { name: 'Apply stream' }).click();
    await list.locator('[data-testid="event"] [data-testid="event-stream"]:not(:has-text("mandate-minusma"))').first().waitFor({ state: 'detached' });
    const minusma = list.getByTestId('event').filter({ hasText: 'S/RES/2531 (2020)' });
    await minusma.waitFor();
    // Provenance: the import and the quoted source text.
    expect(await minusma.getByTestId('event-provenance').textContent()).toMatch(/import/i);
    expect(await minusma.getByTestId('event-quote').textContent()).toContain('2531(2020)');

    await page.getByLabel('From date').fill('2020-06-01');
    await page.getByLabel('To date').fill('2020-06-30');
    await list.getByTestId('event').filter({ hasNotText: 'S/RES/2531 (2020)' }).first().waitFor({ state: 'detached' });
    expect(await list.getByTestId('event').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('type')).toBe('MandateExtended');

    // Dates alone, across the whole log: the extension decided on 29 June 2021 is found at once.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('From date').fill('2021-06-29');
    await page.getByLabel('To date').fill('2021-06-29');
    const decided = list.getByTestId('event').filter({ hasText: 'S/RES/2584 (2021)' });
    await decided.first().waitFor();
    for (const type of await list.getByTestId('event').evaluateAll((els) => els.map((e) => e.getAttribute('data-event-type')))) {
      expect(['MandateExtended', 'DecisionAdopted']).toContain(type);
    }
    await page.getByTestId('end-of-log').waitFor();

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByTestId('load-more').waitFor(); // more than one page of events now
    expect(await list.getByTestId('event').count()).toBe(all);
  });

  it('renders a stored mandate name with markup as text (no injected element)', async () => {
    const r = await t.request('POST', '/api/mandates', {
      body: { id: 'xss-check', acronym: 'XSS<i>1</i>', names: { en: XSS_NAME, zh: '<img src=x onerror="window.__mwXss=2">' }, type: 'other', establishedOn: '2021-01-01', expiresOn: '2021-12-31' },
    });
    expect(r.status).toBe(201);
    await page.goto(`${t.base}/mandates/xss-check`);
    const names = page.getByTestId('names');
    await seeText(names, '<img src=x onerror=');
    expect(await page.getByTestId('name-en').textContent()).toContain(XSS_NAME);
    expect(await page.getByTestId('mandate-title').textContent()).toContain('XSS<i>1</i>');
    expect(await page.getByTestId('mandate-page').locator('img, b, i').count()).toBe(0);

    await page.goto(`${t.base}/?asOf=2021-06-01`);
    const row = page.getByTestId('timeline-row-xss-check');
    await seeText(row, '31 December 2021');
    expect(await page.getByTestId('timeline').locator('img, b, i').count()).toBe(0);
    expect(await page.getByTestId('upcoming-row-xss-check').textContent()).toContain(XSS_NAME);
    expect(await page.getByTestId('upcoming-table').locator('img, b, i').count()).toBe(0);

    await page.getByTestId('nav-mandates').click();
    await seeText(page.getByTestId('mandate-row-xss-check'), 'XSS<i>1</i>');
    expect(await page.getByTestId('mandates-table').locator('img, b, i').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __mwXss?: number }).__mwXss)).toBeUndefined();
  });

  it('a viewer key (made on the API keys page) sees no write buttons', async () => {
    await page.getByTestId('nav-keys').click();
    const form = page.getByTestId('create-key-form');
    await form.getByLabel('Name').fill('Reader');
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByTestId('create-key').click();
    const viewerKey = (await page.getByTestId('new-api-key-value').textContent())!.trim();
    expect(viewerKey).toMatch(/^mw_[a-z0-9]+_/);
    await seeText(page.getByTestId('keys-table'), 'Reader');

    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-form').waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length)).toBe(0);
    await signIn(page, t.base, viewerKey);
    expect(await page.getByTestId('current-role').textContent()).toMatch(/viewer/);

    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByTestId('nav-events').waitFor();
    for (const hidden of ['nav-import', 'nav-record', 'nav-subscriptions', 'nav-deliveries', 'nav-keys']) {
      expect(await nav.getByTestId(hidden).count(), hidden).toBe(0);
    }
    await page.goto(`${t.base}/mandates/minusma`);
    await page.getByTestId('history-table').waitFor();
    expect(await page.getByRole('link', { name: /Record (extension|termination)/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Record|Commit|Revoke|Delete|Create/ }).count()).toBe(0);

    await page.goto(`${t.base}/import`);
    await page.getByTestId('forbidden').waitFor();
    expect(await page.getByTestId('import-form').count()).toBe(0);
    await page.goto(`${t.base}/clock`);
    await page.getByTestId('clock-state').waitFor();
    expect(await page.getByTestId('move-clock-form').count()).toBe(0);

    // An administrator revokes the key: the console signs the viewer out on the next request.
    const viewerId = /^mw_([a-z0-9]+)_/.exec(viewerKey)![1];
    expect((await t.request('DELETE', `/api/keys/${viewerId}`)).status).toBeLessThan(300);
    await page.getByTestId('nav-deadlines').click();
    await page.getByTestId('sign-in-form').waitFor();
    await page.getByTestId('sign-in-notice').waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length)).toBe(0);
  });

  it('had no console errors and no uncaught page errors', () => {
    expect(problems).toEqual([]);
  });
});
