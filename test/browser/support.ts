import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const root = path.resolve(import.meta.dirname, '../..');
export const SEED = path.join(root, 'libs/importers/samples/repertoire-2020-mali-haiti.zh.txt');

/** Debian's Chromium (see shared/notes/toolchain.md): `npx playwright install` cannot work here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Builds the console from the current sources into a folder of its own (so the test never runs
 * a stale `apps/console/dist`, and parallel test files never write the same folder).
 */
export async function buildConsole(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mw-console-dist-'));
  await promisify(execFile)('npx', ['vite', 'build', '--config', 'apps/console/vite.config.ts', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root });
  if (!existsSync(path.join(dir, 'index.html'))) throw new Error(`the console build wrote no index.html into ${dir}`);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface BrowserSession {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A real Chromium on a fresh profile directory of its own (removed on close), 1280×800. */
export async function launchChromium(): Promise<BrowserSession> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'mw-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Console errors and uncaught page errors of every page of a context. Chromium logs its own
 * "Failed to load resource: … status of 4xx" line for every 4xx response (deliberate ones
 * included: a validation error, a rejected key); those are left out, everything else counts.
 */
export function collectConsoleProblems(context: BrowserContext): string[] {
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = m.text();
      if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
      problems.push(`console error: ${text}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return problems;
}

/** Waits until `locator` (the first of its matches) contains `text`, then returns its text. */
export async function seeText(locator: Locator, text: string | RegExp): Promise<string> {
  const match = locator.filter({ hasText: text }).first();
  await match.waitFor();
  return (await match.textContent()) ?? '';
}

export async function signIn(page: Page, base: string, key: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('API key').fill(key);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('current-role').waitFor();
}
