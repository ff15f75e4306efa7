import pg from 'pg';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { deadlines, emailSubscription, importSeed, JOURNEY, keyboard, mandatePage, noConsoleErrors, recordExtension, runJourney, signIn, validationError, type Step } from './journey.js';
import { ADMIN_URL } from '../support/db.js';
import { seeText, signIn as signInWithKey } from './support.js';
import { launchChromiumUi } from './ui.js';

/**
 * The admin console in Debian's Chromium (playwright-core). The user journey shared with Firefox
 * (journey.ts: sign in, import, timeline, mandate page, subscription, extension, keyboard, no console
 * errors) runs here with the browser-agnostic driver; the steps below it, in between, use
 * Playwright's locators directly and are checked in Chromium only: the mandate page "as of" a
 * date, the event log's filters beyond its first page, markup in names rendered as text, and a
 * viewer key's read-only console.
 */

const XSS_NAME = 'Mission <img src=x onerror="window.__mwXss=1"> & <b>bold</b>';

let page: Page;

const meetings2015: Step = {
  name: '(setup) the log grows past its first page: 30 meetings of 2015 recorded through the API',
  async run({ t }) {
    // With the seed's 25 events, what is recorded later (the extension of 29 June 2021) is not on the log's first page (50 events).
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.request('POST', '/api/meetings', { body: { symbol: `S/PV.${7400 + i}`, date: `2015-03-${String((i % 28) + 1).padStart(2, '0')}`, agendaItem: 'situation-in-mali', format: 'briefing' } }).then((r) => r.status),
      ),
    );
    expect(statuses).toEqual(Array(30).fill(201));
  },
};

const mandateAsOf: Step = {
  name: 'the mandate page answers "as of" an earlier date',
  async run() {
    // The seed knows MINUSMA's establishment (2013, no end date recorded) and S/RES/2531 (2020) of 29 June 2020.
    await page.getByLabel('Show the state as of').fill('2020-06-28');
    await seeText(page.getByTestId('mandate-as-of'), '28 June 2020');
    await page.getByTestId('history-table').getByText('S/RES/2531 (2020)').waitFor({ state: 'detached' });
    expect(await page.getByTestId('mandate-expires-on').textContent()).toBe('—');
    await page.getByLabel('Show the state as of').fill('2020-06-29');
    expect(await seeText(page.getByTestId('mandate-expires-on'), '30 June 2021')).toBe('30 June 2021');
    await page.getByTestId('history-table').getByText('S/RES/2531 (2020)').waitFor();
  },
};

const eventLog: Step = {
  name: "the event log filters by type, stream and date (beyond its first page) and shows each event's provenance",
  async run({ t }) {
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

    // "Clear filters" and two dates changed in one task, before the page renders again: the URL
    // has exactly the two dates (each update starts from the last one asked for, not from the
    // parameters of the render that made the handler).
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.evaluate(() => {
      type Input = { value: string; dispatchEvent(e: unknown): boolean };
      const dom = globalThis as unknown as {
        HTMLInputElement: { prototype: object };
        Event: new (type: string, init: { bubbles: boolean }) => unknown;
        document: { querySelector(selector: string): Input };
      };
      const setValue = Object.getOwnPropertyDescriptor(dom.HTMLInputElement.prototype, 'value')!.set!;
      for (const [name, value] of [['from', '2020-06-02'], ['to', '2020-06-29']]) {
        const input = dom.document.querySelector(`input[name="${name}"]`);
        setValue.call(input, value);
        input.dispatchEvent(new dom.Event('input', { bubbles: true }));
      }
    });
    await expect.poll(() => [...new URL(page.url()).searchParams].sort()).toEqual([['from', '2020-06-02'], ['to', '2020-06-29']]);

    // Dates alone, across the whole log: the extension decided on 29 June 2021 is found at once.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('From date').fill('2021-06-29');
    await page.getByLabel('To date').fill('2021-06-29');
    const decided = list.getByTestId('event').filter({ hasText: 'S/RES/2584 (2021)' });
    await decided.first().waitFor();
    // (The list of "from" alone, shown until "to" applies, holds later events: wait until they are gone.)
    await list.locator('[data-testid="event"]:not([data-event-type="MandateExtended"], [data-event-type="DecisionAdopted"])').first().waitFor({ state: 'detached' });
    for (const type of await list.getByTestId('event').evaluateAll((els) => els.map((e) => e.getAttribute('data-event-type')))) {
      expect(['MandateExtended', 'DecisionAdopted']).toContain(type);
    }
    await page.getByTestId('end-of-log').waitFor();

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByTestId('load-more').waitFor(); // more than one page of events now
    expect(await list.getByTestId('event').count()).toBe(all);
  },
};

const markupAsText: Step = {
  name: 'renders a stored mandate name with markup as text (no injected element)',
  async run({ t }) {
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
  },
};

const viewerKey: Step = {
  name: 'a viewer key (made on the API keys page) sees no write buttons',
  async run({ t }) {
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
    await signInWithKey(page, t.base, viewerKey);
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
  },
};
const databaseOutage: Step = {
  name: 'while the database is unreachable, each page shows an error with a retry (no blank page, no crash), and recovers',
  timeout: 90_000, // the console retries a 503 twice (1 s, 2 s) before it shows the error, on each page
  async run({ t, ui }) {
    await signInWithKey(page, t.base, t.adminKey);
    await page.getByRole('heading', { level: 1, name: 'Deadlines' }).waitFor();
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    const allow = (on: boolean) => admin.query(`ALTER DATABASE "${t.db.name}" ALLOW_CONNECTIONS ${on}`);
    try {
      await allow(false);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [t.db.name]);
      // The API says so: 503 with Retry-After (not a 500).
      const r = await t.request('GET', '/api/mandates');
      expect([r.status, r.json.error.code, r.headers.get('retry-after')]).toEqual([503, 'SERVICE_UNAVAILABLE', '5']);
      const main = page.locator('main');
      // Client-side navigation, as when the database goes away in the middle of a session. (The
      // deadlines, read at sign-in, are still fresh: they are asked again for another date below.)
      for (const [nav, heading] of [
        ['nav-mandates', 'Mandates'],
        ['nav-events', 'Event log'],
        ['nav-deliveries', 'Deliveries'],
      ]) {
        await page.getByTestId(nav).click();
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        // The page's own list, or a list beside it (the Deliveries' subscription filter), says what failed.
        const error = main.getByTestId('error').first();
        expect(await seeText(error, /unavailable/), nav).toMatch(/^Could not load\b.*\. The service is temporarily unavailable: PostgreSQL is unavailable/);
        await error.getByRole('button', { name: 'Try again' }).waitFor();
      }
      await page.getByTestId('nav-deadlines').click();
      await page.getByLabel('As of').fill('2021-06-01');
      await seeText(main.getByTestId('error'), /^Could not load\. The service is temporarily unavailable/);
      await allow(true);
      // Back: "Try again" on each error shown (the deadlines', and the agenda items' when they were due for a refresh too).
      const tryAgain = main.getByTestId('error').getByRole('button', { name: 'Try again' });
      for (let i = (await tryAgain.count()) - 1; i >= 0; i--) await tryAgain.nth(i).click(); // last first: a box that goes away does not shift the others
      await seeText(page.getByTestId('timeline-row-minusma'), '30 June 2021');
      await main.getByTestId('error').first().waitFor({ state: 'detached' });
    } finally {
      await allow(true).catch(() => undefined);
      await admin.end();
    }
    expect(ui.problems.filter((p) => p.startsWith('pageerror'))).toEqual([]);
  },
};

describe('admin console in Chromium', () => {
  const steps = [signIn, importSeed, meetings2015, deadlines, mandatePage, mandateAsOf, emailSubscription, validationError, recordExtension, eventLog, markupAsText, keyboard, viewerKey, noConsoleErrors, databaseOutage];
  // Every step of the shared journey runs here too, in its order. The outage comes last: Chromium
  // logs each 503 response as a console error.
  expect(steps.filter((x) => JOURNEY.includes(x))).toEqual(JOURNEY);
  runJourney('browser', async () => {
    const ui = await launchChromiumUi();
    page = ui.page;
    return ui;
  }, steps);
});
