import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ElementHandle as PwHandle, Page as PwPage } from 'playwright-core';
import puppeteer, { type ElementHandle as PpHandle, type Page as PpPage } from 'puppeteer-core';
import { collectConsoleProblems, launchChromium, type BrowserSession } from './support.js';

// The functions marked "runs in the page" are sent to the browser. The test program is compiled
// without the DOM library (lib: ES2023), so the browser globals they use are declared here, for
// this module only (a declaration, not an import: the code must name the page's own globals).
type Element = any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any, getComputedStyle: (el: Element) => any, innerWidth: number, innerHeight: number, HTMLInputElement: any, Event: any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A small browser-agnostic driver for the console's user journey, so that the same steps run in
 * Chromium (playwright-core over CDP) and in Firefox (puppeteer-core over WebDriver BiDi).
 *
 * Elements are found in the page by one shared function (`findIn`, below): a CSS selector, or a
 * form control by its label, optionally narrowed to the first match whose text contains a string
 * or matches a pattern. Every read waits (by polling in the page, never by sleeping) until a
 * visible match exists. Clicks, typing, keys and file uploads are the browsers' own input events.
 */

/** What to find: a CSS selector, `{ css, text }` (first match whose textContent contains/matches text), or `{ label }` (the control of that <label> or aria-label). */
export type Target = string | { css: string; text?: string | RegExp } | { label: string; within?: string };

type Query = { css?: string; label?: string; within?: string; text?: { s?: string; re?: string; flags?: string }; visible: boolean; gone?: boolean };

function toQuery(target: Target, visible = true): Query {
  if (typeof target === 'string') return { css: target, visible };
  if ('label' in target) return { label: target.label, within: target.within, visible };
  const t = target.text;
  return { css: target.css, visible, text: t === undefined ? undefined : typeof t === 'string' ? { s: t } : { re: t.source, flags: t.flags } };
}

/** Runs in the page (both browsers): the first element the query designates, or null (with `gone`: whether there is none). */
function findIn(q: Query): Element | null | boolean {
  const shown = (el: Element) => !q.visible || el.checkVisibility() || (el instanceof HTMLInputElement && el.type === 'file');
  let candidates: Element[];
  if (q.label !== undefined) {
    const scope = q.within ? document.querySelector(q.within) : document;
    if (!scope) return null;
    const norm = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').replace(/\s*\*$/, '').trim();
    const byLabel = [...scope.querySelectorAll('label')].filter((l) => norm(l.textContent) === q.label).map((l) => l.control).filter(Boolean);
    const byAria = [...scope.querySelectorAll('[aria-label]')].filter((e) => e.getAttribute('aria-label') === q.label);
    candidates = [...byLabel, ...byAria];
  } else {
    candidates = [...document.querySelectorAll(q.css!)];
  }
  const re = q.text?.re !== undefined ? new RegExp(q.text.re, q.text.flags) : null;
  for (const el of candidates) {
    if (!shown(el)) continue;
    if (q.text) {
      const text = el.textContent ?? '';
      if (re ? !re.test(text) : !text.includes(q.text.s!)) continue;
    }
    return q.gone ? false : el;
  }
  return q.gone ? true : null;
}

/** What has the keyboard focus, and whether it shows it (runs in the page). */
export interface FocusInfo {
  tag: string;
  testId: string | null;
  text: string;
  /** `:focus-visible` matches and an outline (≥ 2px), a box-shadow ring or (SVG) a stroke (≥ 2px) is drawn. */
  visibleFocus: boolean;
  /** The focused element's box lies inside the viewport. */
  inViewport: boolean;
  /** The focus is on a part inside a native control (Chromium's date picker button), which the page's styles cannot reach: `visibleFocus` says nothing then. */
  nativePart: boolean;
}

/** Runs in the page. */
function focusInfoIn(): FocusInfo {
  const el = document.activeElement ?? document.body;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const ring = s.boxShadow !== 'none' && s.boxShadow !== '';
  // An SVG link (a chart row) shows its focus by stroking one of its shapes.
  const stroked = el.namespaceURI === 'http://www.w3.org/2000/svg' && [...el.querySelectorAll('*')].some((c: Element) => {
    const cs = getComputedStyle(c);
    return cs.stroke !== 'none' && parseFloat(cs.strokeWidth) >= 2;
  });
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    testId: el.getAttribute('data-testid'),
    text: (el.textContent ?? '').trim().slice(0, 80),
    visibleFocus: el.matches(':focus-visible') && (outline || ring || stroked),
    inViewport: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight,
    nativePart: !el.matches(':focus') && el.matches(':focus-within'),
  };
}

export interface Ui {
  readonly browser: 'Chromium' | 'Firefox';
  /** Console errors and uncaught page errors seen so far. */
  readonly problems: string[];
  goto(url: string): Promise<void>;
  url(): URL;
  /** Waits for a visible match (with `text` in it when given) and returns its textContent. */
  see(target: Target, text?: string | RegExp): Promise<string>;
  /** Waits until nothing matches (visible or not). */
  gone(target: Target): Promise<void>;
  count(css: string): Promise<number>;
  attr(target: Target, name: string): Promise<string | null>;
  value(target: Target): Promise<string>;
  click(target: Target): Promise<void>;
  fill(target: Target, value: string): Promise<void>;
  select(target: Target, value: string): Promise<void>;
  setChecked(target: Target, checked: boolean): Promise<void>;
  upload(target: Target, file: string): Promise<void>;
  /** One key press on whatever has the focus: `Tab`, `Shift+Tab`, `Enter`. */
  press(key: string): Promise<void>;
  /** Types text, key by key, into whatever has the focus. */
  type(text: string): Promise<void>;
  focused(): Promise<FocusInfo>;
  /** Runs `fn(arg)` in the page. */
  evaluate<A, R>(fn: (arg: A) => R, arg: A): Promise<R>;
  screenshot(file: string): Promise<void>;
  close(): Promise<void>;
}

const TIMEOUT = 10_000;

function withText(target: Target, text?: string | RegExp): Target {
  if (text === undefined) return target;
  if (typeof target === 'string') return { css: target, text };
  if ('css' in target) return { ...target, text };
  throw new Error('text filters apply to CSS targets only');
}

function describe(target: Target): string {
  return typeof target === 'string' ? target : JSON.stringify(target, (_k, v) => (v instanceof RegExp ? String(v) : v));
}

/** The parts that differ between the two libraries; everything else is shared. */
interface Engine<H> {
  waitFor(q: Query, gone: boolean): Promise<H | null>;
  evaluate<A, R>(fn: (arg: A) => R, arg: A): Promise<R>;
  read<R>(h: H, fn: (el: Element, arg?: unknown) => R, arg?: unknown): Promise<R>;
  click(h: H): Promise<void>;
  fill(h: H, value: string): Promise<void>;
  select(h: H, value: string): Promise<void>;
  upload(h: H, file: string): Promise<void>;
  press(key: string): Promise<void>;
  type(text: string): Promise<void>;
  goto(url: string): Promise<void>;
  url(): string;
  screenshot(file: string): Promise<void>;
}

function makeUi<H>(browser: Ui['browser'], engine: Engine<H>, problems: string[], close: () => Promise<void>): Ui {
  const find = async (target: Target): Promise<H> => {
    try {
      return (await engine.waitFor(toQuery(target), false))!;
    } catch (e) {
      throw new Error(`${browser}: no visible element for ${describe(target)} (${(e as Error).message.split('\n')[0]})`);
    }
  };
  return {
    browser,
    problems,
    goto: (url) => engine.goto(url),
    url: () => new URL(engine.url()),
    async see(target, text) {
      return engine.read(await find(withText(target, text)), (el) => el.textContent ?? '');
    },
    async gone(target) {
      try {
        await engine.waitFor(toQuery(target, false), true);
      } catch (e) {
        throw new Error(`${browser}: still there: ${describe(target)} (${(e as Error).message.split('\n')[0]})`);
      }
    },
    count: (css) => engine.evaluate((sel) => document.querySelectorAll(sel).length, css),
    async attr(target, name) {
      return engine.read(await find(target), (el, n) => el.getAttribute(n as string), name);
    },
    async value(target) {
      return engine.read(await find(target), (el) => el.value as string);
    },
    async click(target) {
      await engine.click(await find(target));
    },
    async fill(target, value) {
      await engine.fill(await find(target), value);
    },
    async select(target, value) {
      await engine.select(await find(target), value);
    },
    async setChecked(target, checked) {
      const h = await find(target);
      if ((await engine.read(h, (el) => el.checked as boolean)) !== checked) await engine.click(h);
    },
    async upload(target, file) {
      await engine.upload(await find(target), file);
    },
    press: (key) => engine.press(key),
    type: (text) => engine.type(text),
    focused: () => engine.evaluate(focusInfoIn, null),
    evaluate: (fn, arg) => engine.evaluate(fn, arg),
    screenshot: (file) => engine.screenshot(file),
    close,
  };
}


/** Chromium through playwright-core (Debian's /usr/bin/chromium). */
export async function launchChromiumUi(): Promise<Ui & { page: PwPage }> {
  const session: BrowserSession = await launchChromium();
  const problems = collectConsoleProblems(session.context);
  session.context.setDefaultTimeout(TIMEOUT);
  const page = session.context.pages()[0] ?? (await session.context.newPage());
  const engine: Engine<PwHandle<Element>> = {
    async waitFor(q, gone) {
      const h = await page.waitForFunction(findIn, { ...q, gone }, { timeout: TIMEOUT });
      return gone ? null : (h.asElement() as PwHandle<Element>);
    },
    evaluate: (fn, arg) => page.evaluate(fn as (a: unknown) => never, arg),
    read: (h, fn, arg) => h.evaluate(fn, arg),
    click: (h) => h.click(),
    fill: (h, value) => h.fill(value),
    select: async (h, value) => void (await h.selectOption(value)),
    upload: (h, file) => h.setInputFiles(file),
    press: (key) => page.keyboard.press(key),
    type: (text) => page.keyboard.type(text),
    goto: async (url) => void (await page.goto(url)),
    url: () => page.url(),
    screenshot: async (file) => void (await page.screenshot({ path: file, fullPage: true })),
  };
  return Object.assign(makeUi('Chromium', engine, problems, () => session.close()), { page });
}

/** The Firefox that Debian ships (firefox-esr), driven over WebDriver BiDi by puppeteer-core. */
export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export async function launchFirefoxUi(): Promise<Ui & { page: PpPage }> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'mw-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir,
    defaultViewport: { width: 1280, height: 800 },
    env: { ...process.env, TZ: 'UTC', LANG: 'en_GB.UTF-8' },
    extraPrefsFirefox: { 'intl.accept_languages': 'en-GB', 'intl.locale.requested': 'en-GB' },
  });
  // A page of our own: the window's first tab does not have the focus in headless Firefox, and
  // without it neither :focus-visible nor keyboard focus behave as for a user.
  const page = await browser.newPage();
  for (const p of await browser.pages()) if (p !== page) await p.close();
  page.setDefaultTimeout(TIMEOUT);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`));
  const engine: Engine<PpHandle<Element>> = {
    async waitFor(q, gone) {
      const h = await page.waitForFunction(findIn, { timeout: TIMEOUT, polling: 100 }, { ...q, gone });
      return gone ? null : (h.asElement() as PpHandle<Element>);
    },
    evaluate: (fn, arg) => page.evaluate(fn as (a: unknown) => never, arg),
    read: (h, fn, arg) => h.evaluate(fn, arg),
    click: (h) => h.click(),
    fill: (h, value) => fillFirefox(h, value),
    select: async (h, value) => void (await h.select(value)),
    upload: async (h, file) => void (await (h as PpHandle<never>).uploadFile(file)),
    press: (key) => pressChord(page, key),
    type: (text) => page.keyboard.type(text),
    goto: async (url) => void (await page.goto(url)),
    url: () => page.url(),
    screenshot: async (file) => void (await page.screenshot({ path: file as `${string}.png`, fullPage: true })),
  };
  return Object.assign(
    makeUi('Firefox', engine, problems, async () => {
      await browser.close();
      await rm(userDataDir, { recursive: true, force: true });
    }),
    { page },
  );
}

/** puppeteer presses one key at a time: `Shift+Tab` is Shift held down around Tab. */
async function pressChord(page: PpPage, chord: string): Promise<void> {
  const keys = chord.split('+') as Parameters<PpPage['keyboard']['press']>[0][];
  const key = keys.pop()!;
  for (const m of keys) await page.keyboard.down(m);
  await page.keyboard.press(key);
  for (const m of keys.reverse()) await page.keyboard.up(m);
}

/**
 * Text fields are typed into key by key (puppeteer's locator fill). A date, time or similar field
 * gets its value as Playwright's fill gives it: set through the input's own value setter, then
 * `input` and `change` events, so that the page (React) sees the change as from the user.
 * (puppeteer's fill assigns `el.value`, which React's change tracking does not see.)
 */
async function fillFirefox(h: PpHandle<Element>, value: string): Promise<void> {
  const typed = await h.evaluate((el) => el.localName === 'textarea' || (el.localName === 'input' && ['text', 'search', 'email', 'url', 'tel', 'password', 'number'].includes(el.type)));
  if (typed) return h.asLocator().setTimeout(TIMEOUT).fill(value);
  await h.focus();
  await h.evaluate((el, v) => {
    const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value')!.set!;
    setter.call(el, v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}
