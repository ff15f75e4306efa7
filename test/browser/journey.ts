import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { bootstrapWorker } from '../../apps/worker/src/bootstrap.js';
import { REDIS_URL, TestSmtpServer, waitFor } from '../alerting/support.js';
import { startTestApi, type TestApi } from '../api/support.js';
import { buildConsole, SEED } from './support.js';
import type { Ui } from './ui.js';

// Browser globals of the functions that run in the page (see ui.ts).
declare const document: any, getComputedStyle: (el: unknown) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The console's user journey, written once against the browser-agnostic `Ui` driver and run by
 * each browser's test file (console.browser.test.ts in Chromium, console.firefox.browser.test.ts
 * in Firefox). Every step asserts what the user sees. Steps run in order and share one signed-in
 * page, as one analyst's session would.
 *
 * The stack under it is real: the built console served by a real API (its CSP included) on a
 * database of its own, a real worker (projections, alert deliveries) and a real SMTP server. The
 * business clock runs in real time (2026), so the deadlines of 2021 are reached by choosing the
 * "as of" date in the page, as a user would.
 */

export interface Stack {
  t: TestApi;
  smtp: TestSmtpServer;
  ui: Ui;
}

export interface Step {
  name: string;
  run(s: Stack): Promise<void> | void;
  /** Vitest's per-test timeout, when the default (30 s) is not enough. */
  timeout?: number;
}

/** Starts the stack and the browser before the steps, stops them after; one `it` per step. */
export function runJourney(label: string, launch: () => Promise<Ui>, steps: Step[]): void {
  const s = {} as Stack;
  let worker: INestApplicationContext | undefined;
  let built: Awaited<ReturnType<typeof buildConsole>> | undefined;

  beforeAll(async () => {
    s.smtp = new TestSmtpServer();
    // The browser starts (several seconds for Firefox) while the console builds.
    // (Each is kept as soon as it is there, so that afterAll stops it even when another failed.)
    await Promise.all([buildConsole().then((d) => (built = d)), launch().then((ui) => (s.ui = ui)), s.smtp.start()]);
    s.t = await startTestApi(label, { SMTP_URL: s.smtp.url }, { consoleDist: built!.dir });
    const config = s.t.api.runtime.config;
    worker = await bootstrapWorker({
      databaseUrl: config.databaseUrl,
      alerts: { redisUrl: REDIS_URL, redisPrefix: config.redisPrefix, smtpUrl: s.smtp.url, publicUrl: config.publicUrl, webhookAllowedHosts: config.webhookAllowedHosts, changePollMs: 200 },
    }, { clock: s.t.api.runtime.clock });
  }, 180_000);

  // A failed step leaves a screenshot of what the browser showed (path in the output).
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !s.ui) return;
    const file = path.join(tmpdir(), `mw-${s.ui.browser.toLowerCase()}-failure-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
    await s.ui.screenshot(file).catch(() => undefined);
    console.error(`screenshot of the failed step: ${file}`);
  });

  afterAll(async () => {
    await s.ui?.close();
    await worker?.close();
    await s.t?.close();
    await s.smtp?.stop();
    await built?.remove();
  });

  for (const step of steps) it(step.name, () => step.run(s), step.timeout);
}

const tid = (id: string) => `[data-testid="${id}"]`;
const h1 = (text: string) => ({ css: 'main h1', text: new RegExp(`^${text}$`) });

export const signIn: Step = {
  name: 'rejects a wrong key, then signs in with the admin key',
  async run({ ui, t }) {
    await ui.goto(`${t.base}/`);
    await ui.see(tid('sign-in-form'));
    await ui.fill({ label: 'API key' }, 'mw_0000000000_not-a-real-key-at-all-000000');
    await ui.click(tid('sign-in-submit'));
    expect(await ui.see(tid('sign-in-error'), /Invalid key/)).toMatch(/Invalid key/);

    await ui.fill({ label: 'API key' }, t.adminKey);
    await ui.click(tid('sign-in-submit'));
    expect(await ui.see(tid('current-role'), /admin/)).toMatch(/admin/);
    // An empty log: no deadline in force on the clock's today.
    await ui.see(h1('Deadlines'));
    await ui.see(tid('empty'), 'No mandate in force');
  },
};

export const importSeed: Step = {
  name: 'imports the seed through the Import page: dry run with facts, warnings and highlighted source, then commit',
  async run({ ui, t }) {
    await ui.click(tid('nav-import'));
    await ui.see(h1('Import a document'));
    await ui.upload(tid('import-file'), SEED);
    await ui.click(tid('dry-run'));

    const result = tid('import-result');
    await ui.see(result);
    expect(await ui.see(`${result} ${tid('import-format')}`)).toBe('repertoire');
    expect(await ui.see(`${result} ${tid('import-appended')}`)).toBe('0'); // a dry run writes nothing
    const factCount = Number(await ui.see(`${result} ${tid('import-fact-count')}`));
    expect(factCount).toBeGreaterThan(20);
    expect(await ui.count(`${result} ${tid('fact')}`)).toBe(factCount);
    const warningCount = Number(await ui.see(`${result} ${tid('import-warning-count')}`));
    expect(warningCount).toBeGreaterThan(0); // the seed has passages the parser flags
    expect(await ui.count(`${result} ${tid('warning')}`)).toBe(warningCount);
    expect(await ui.attr(`${result} ${tid('warning')}`, 'data-code')).toMatch(/^[A-Z_]+$/);
    // The document itself, in Chinese, with the facts' spans marked in it.
    const source = `${result} ${tid('source-text')}`;
    await ui.see(source, '马里稳定团');
    expect(await ui.attr(source, 'lang')).toMatch(/^zh/);
    expect(await ui.count(`${source} ${tid('span')}`)).toBeGreaterThan(10);
    // "Show in text" on the MINUSMA extension marks exactly that fact's quote.
    const ext = { css: `${result} [data-testid="fact"][data-kind="mandate_extended"]`, text: '2531' };
    const factId = await ui.attr(ext, 'data-fact-key');
    const quote = (await ui.see(`${result} [data-fact-key="${factId}"] blockquote`)).trim();
    expect(quote).toContain('2531');
    await ui.click(`${result} [data-fact-key="${factId}"] ${tid('show-fact-span')}`);
    await ui.see(`${source} ${tid('active-span')}`);
    expect(await ui.evaluate((sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent).join(''), `${source} ${tid('active-span')}`)).toBe(quote);
    // Nothing has been appended yet.
    expect((await t.request('GET', '/api/events')).json.items).toEqual([]);

    expect(await ui.see(tid('commit-import'))).toMatch(/^Commit \d+ events$/);
    await ui.click(tid('commit-import'));
    await ui.see(tid('success'), /Imported: \d+ events appended/);
    expect(Number(await ui.see(tid('import-appended')))).toBeGreaterThan(20);
    await ui.see(tid('imports-table'), 'repertoire');
  },
};

export const deadlines: Step = {
  name: 'Deadlines as of 2021-06-01: MINUSMA on the timeline chart with 30 June 2021',
  async run({ ui }) {
    await ui.click(tid('nav-deadlines'));
    await ui.fill({ label: 'As of' }, '2021-06-01');
    const row = `${tid('timeline')} ${tid('timeline-row-minusma')}`;
    // The chart: an SVG with a row (a link) for MINUSMA that carries its expiry date.
    expect(await ui.see(row, '30 June 2021')).toContain('MINUSMA');
    expect(await ui.evaluate((sel) => document.querySelector(sel)!.namespaceURI, row)).toBe('http://www.w3.org/2000/svg');
    expect(await ui.attr(row, 'aria-label')).toBe('MINUSMA: expires 30 June 2021, 29 days left');
    expect(await ui.attr(`${tid('timeline')} ${tid('timeline-asof')}`, 'data-date')).toBe('2021-06-01');
    // The table below it agrees.
    const tableRow = tid('upcoming-row-minusma');
    expect(await ui.see(`${tableRow} ${tid('expires-on')}`)).toBe('30 June 2021');
    expect(await ui.attr(`${tableRow} ${tid('countdown-badge')}`, 'data-days-left')).toBe('29');
    expect(await ui.attr(`${tableRow} ${tid('countdown-badge')}`, 'data-urgency')).toBe('high');
    expect(ui.url().searchParams.get('asOf')).toBe('2021-06-01');
  },
};

export const mandatePage: Step = {
  name: 'opens the MINUSMA page: names in every language (Chinese in a CJK font), history with S/RES/2531 (2020) linked to undocs.org',
  async run({ ui }) {
    await ui.click(tid('timeline-row-minusma'));
    expect(await ui.attr(tid('mandate-page'), 'data-mandate-id')).toBe('minusma');
    expect(await ui.see(tid('mandate-title'))).toContain('MINUSMA');
    const zh = tid('name-zh');
    expect(await ui.see(zh, '联合国马里多层面综合稳定团')).toContain('联合国马里多层面综合稳定团');
    expect(await ui.attr(zh, 'lang')).toMatch(/^zh/);
    expect(await ui.evaluate(hanGlyphs, zh)).toEqual({ fullWidth: true, distinct: true });
    expect(await ui.see(tid('name-en'))).toContain('Mali');
    expect(await ui.see(tid('mandate-expires-on'))).toBe('30 June 2021');

    const row2531 = { css: `${tid('history-table')} ${tid('history-row')}`, text: 'S/RES/2531 (2020)' };
    expect(await ui.see(row2531)).toContain('30 June 2021');
    const href = (await ui.attr({ css: `${tid('history-table')} ${tid('history-row')} a`, text: 'S/RES/2531 (2020)' }, 'href'))!;
    expect(href.startsWith('https://undocs.org/')).toBe(true);
    expect(decodeURIComponent(href.slice('https://undocs.org/'.length))).toBe('S/RES/2531 (2020)');

    // The raw events behind it are shown, and can be hidden.
    const toggle = tid('toggle-raw-events');
    expect(await ui.attr(toggle, 'aria-expanded')).toBe('true');
    const raw = { css: `#raw-events ${tid('event-type')}`, text: /^MandateExtended$/ };
    await ui.see(raw);
    await ui.click(toggle);
    await ui.gone(raw);
    expect(await ui.attr(toggle, 'aria-expanded')).toBe('false');
  },
};

/**
 * Runs in the page: draws the element's Han characters in its own computed font. With a CJK font,
 * each ideograph advances one em, and different characters give different pictures (a missing
 * font gives narrow or identical "tofu" boxes).
 */
function hanGlyphs(selector: string): { fullWidth: boolean; distinct: boolean } {
  const el = document.querySelector(selector)!;
  const s = getComputedStyle(el);
  const chars = [...(el.textContent ?? '')].filter((c) => /\p{Script=Han}/u.test(c));
  const size = parseFloat(s.fontSize);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = Math.ceil(size * 2);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
  const fullWidth = chars.length > 0 && chars.every((c) => Math.abs(ctx.measureText(c).width - size) < size * 0.05);
  const picture = (c: string) => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillText(c, 2, size * 1.2);
    return ctx.getImageData(0, 0, canvas.width, canvas.height).data.join(',');
  };
  const pictures = new Set(chars.map(picture));
  return { fullWidth, distinct: pictures.size === new Set(chars).size };
}

export const emailSubscription: Step = {
  name: 'creates an email subscription, sends a test email and sees it delivered',
  async run({ ui, t, smtp }) {
    await ui.click(tid('nav-subscriptions'));
    await ui.see(tid('empty'), /subscription/i);
    await ui.click(tid('new-subscription'));
    const form = tid('new-subscription-form');
    await ui.select({ label: 'Channel', within: form }, 'email');
    await ui.fill({ label: 'Email address', within: form }, 'mali-desk@example.org');
    await ui.setChecked({ label: 'All mandates', within: form }, false);
    await ui.setChecked({ label: 'MINUSMA', within: form }, true);
    await ui.click(tid('new-subscription-submit'));
    await ui.see(tid('subscription-created'));

    const item = `${tid('subscription-list')} article[aria-label="Email subscription mali-desk@example.org"]`;
    expect(await ui.see(`${item} ${tid('subscription-target')}`)).toBe('mali-desk@example.org');
    expect(await ui.see(`${item} ${tid('subscription-status')}`)).toMatch(/active/i); // made with an admin key: no confirmation
    expect(await ui.see(item)).toContain('MINUSMA');
    const [created] = (await t.request('GET', '/api/subscriptions')).json.items;
    expect(created).toMatchObject({ channel: 'email', address: 'mali-desk@example.org', scope: { mandates: ['minusma'] } });

    await ui.click(`${item} ${tid('test-subscription')}`);
    await ui.see(`${item} [role="status"]`, 'Test notification queued');
    // Straight to the deliveries of this subscription: the test shows sent once the worker has mailed it, without a reload.
    await ui.click({ css: `${item} a`, text: /^Deliveries$/ });
    const sent = `${tid('deliveries-table')} tbody tr[data-status="sent"]`;
    expect(await ui.see(`${sent} ${tid('delivery-status')}`)).toMatch(/sent/i);
    expect(await ui.see(`${sent} ${tid('delivery-attempts')}`)).toBe('1');
    expect(await ui.see(`${sent} ${tid('delivery-last-error')}`)).toBe('—');
    const mail = await waitFor('the test email', () => smtp.received.find((m) => JSON.stringify(m.mail.to).includes('mali-desk@example.org')));
    expect(mail.mail.subject).toBeTruthy();
  },
};

export const validationError: Step = {
  name: 'shows a validation error from the API next to its field',
  async run({ ui, t }) {
    await ui.goto(`${t.base}/record?kind=extension&mandate=minusma`);
    const form = tid('extension-form');
    // The mandate comes from the link (?mandate=minusma), chosen once the list has loaded.
    await ui.see(`${form} select[name="mandate"]:has(option[value="minusma"]:checked)`);
    expect(await ui.value({ label: 'Mandate', within: form })).toBe('minusma');
    await ui.fill({ label: 'Until', within: form }, '2022-06-30');
    await ui.fill({ label: 'Decision', within: form }, 'a resolution of some kind');
    await ui.click({ css: `${form} button`, text: 'Record extension' });
    const error = `${form} ${tid('field-error-decision')}`;
    expect((await ui.see(error)).length).toBeGreaterThan(3);
    // Next to the Decision field: described by it, and the field is marked invalid.
    const decision = { label: 'Decision', within: form };
    expect(await ui.attr(decision, 'aria-invalid')).toBe('true');
    expect(await ui.attr(decision, 'aria-describedby')).toContain(await ui.attr(error, 'id'));
    expect(await ui.count(`${form} ${tid('field-error-until')}`)).toBe(0);
    expect((await t.request('GET', '/api/mandates/minusma?asOf=2021-07-01')).json.expiresOn).toBe('2021-06-30');
  },
};

export const recordExtension: Step = {
  name: 'records an extension by the form and the timeline moves to 30 June 2022',
  async run({ ui }) {
    const form = tid('extension-form');
    await ui.fill({ label: 'Decision', within: form }, 'S/RES/2584 (2021)');
    await ui.fill({ label: 'Adopted on', within: form }, '2021-06-29');
    await ui.click({ css: `${form} button`, text: 'Record extension' });
    await ui.see(`${form} ${tid('success')}`);
    expect(await ui.count(`${form} ${tid('field-error-decision')}`)).toBe(0);

    await ui.click(tid('nav-deadlines'));
    await ui.fill({ label: 'As of' }, '2021-07-01');
    const row = `${tid('timeline')} ${tid('timeline-row-minusma')}`;
    await ui.see(row, '30 June 2022');
    expect(await ui.attr(row, 'aria-label')).toBe('MINUSMA: expires 30 June 2022, 364 days left');
    expect(await ui.see(`${tid('upcoming-row-minusma')} ${tid('expires-on')}`)).toBe('30 June 2022');
    // As of the day before the decision, the old date still holds.
    await ui.fill({ label: 'As of' }, '2021-06-28');
    await ui.see(row, '30 June 2021');
  },
};

/** Presses Tab until `wanted` has the focus, checking on the way that every stop shows its focus. */
async function tabTo(ui: Ui, wanted: (f: Awaited<ReturnType<Ui['focused']>>) => boolean, what: string, maxPresses = 40): Promise<void> {
  const stops: string[] = [];
  for (let i = 0; i < maxPresses; i++) {
    await ui.press('Tab');
    const f = await ui.focused();
    if (f.tag === 'body' || f.tag === 'html') continue; // left the page for the browser's own controls
    stops.push(f.testId ?? `${f.tag} "${f.text}"`);
    if (f.nativePart) continue; // e.g. the date picker button inside Chromium's date field, styled by the browser
    expect(f.visibleFocus, `no visible focus on ${stops.at(-1)} (${ui.browser})`).toBe(true);
    if (wanted(f)) return;
  }
  throw new Error(`${ui.browser}: ${what} never got the focus after ${maxPresses} Tab presses; stops: ${stops.join(', ')}`);
}

const MAIN_PAGES: [testId: string, heading: string][] = [
  ['nav-deadlines', 'Deadlines'],
  ['nav-mandates', 'Mandates'],
  ['nav-events', 'Event log'],
  ['nav-import', 'Import a document'],
  ['nav-record', 'Record a fact'],
  ['nav-subscriptions', 'Subscriptions'],
  ['nav-deliveries', 'Deliveries'],
  ['nav-keys', 'API keys'],
  ['nav-clock', 'Business clock'],
];

export const keyboard: Step = {
  name: 'keyboard only: signs out and in, reaches every main page and opens a mandate from the chart, with visible focus',
  async run({ ui, t }) {
    await ui.goto(`${t.base}/`);
    await ui.see(tid('current-role'));
    await tabTo(ui, (f) => f.testId === 'sign-out', 'the Sign out button');
    await ui.press('Enter');
    await ui.see(tid('sign-in-form'));

    await tabTo(ui, (f) => f.testId === 'api-key-input', 'the API key field');
    await ui.type(t.adminKey);
    await ui.press('Enter');
    expect(await ui.see(tid('current-role'), /admin/)).toMatch(/admin/);

    // The first stop is the skip link, shown on the screen while it has the focus; it moves the focus to the content.
    await ui.goto(`${t.base}/`);
    await ui.see(h1('Deadlines'));
    await ui.press('Tab');
    const skip = await ui.focused();
    expect(skip).toMatchObject({ tag: 'a', text: 'Skip to content', visibleFocus: true, inViewport: true });
    await ui.press('Enter');
    expect(await ui.evaluate(() => document.activeElement?.id, null)).toBe('main');

    // Every main page through the navigation, in order: Tab to its link, Enter, see its heading.
    await ui.goto(`${t.base}/`);
    await ui.see(h1('Deadlines'));
    for (const [testId, heading] of MAIN_PAGES) {
      await tabTo(ui, (f) => f.testId === testId, testId);
      await ui.press('Enter');
      await ui.see(h1(heading));
      expect(await ui.attr(tid(testId), 'aria-current')).toBe('page');
    }

    // A mandate from the chart: Tab to its row (an SVG link), Enter.
    await ui.goto(`${t.base}/?asOf=2021-06-01`);
    await ui.see(tid('timeline-row-minusma'));
    await tabTo(ui, (f) => f.testId === 'timeline-row-minusma', 'the MINUSMA row of the chart', 60);
    await ui.press('Enter');
    expect(await ui.attr(tid('mandate-page'), 'data-mandate-id')).toBe('minusma');
    expect(await ui.see(tid('mandate-expires-on'))).toBe('30 June 2022'); // its current state: the extension recorded above
    expect(ui.url().pathname).toBe('/mandates/minusma');
  },
};

export const noConsoleErrors: Step = {
  name: 'had no console errors and no uncaught page errors',
  run({ ui }) {
    expect(ui.problems).toEqual([]);
  },
};

/** The steps every browser runs, in order. */
export const JOURNEY: Step[] = [signIn, importSeed, deadlines, mandatePage, emailSubscription, validationError, recordExtension, keyboard, noConsoleErrors];
