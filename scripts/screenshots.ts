// `npm run screenshots`: boots the built product (the launcher: API + console + worker) on a
// throwaway embedded PostgreSQL in a temporary DATA_DIR, loads the sample Repertoire excerpt,
// and writes a 1280×800 PNG of each console page into docs/screenshots/. Chromium: Debian's
// /usr/bin/chromium (or CHROMIUM_PATH), driven by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Locator, type Page } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = path.join(root, 'docs/screenshots');
const launcher = path.join(root, 'dist/apps/launcher/src/main.js');
const SEED = path.join(root, 'libs/importers/samples/repertoire-2020-mali-haiti.zh.txt');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** The business clock of the demo: MINUSMA's mandate (until 30 June 2021) is 29 days from expiry. */
const CLOCK_START = '2021-06-01T08:00:00Z';

function startLauncher(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [launcher], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = /^Mandate Watch on (http:\/\/localhost:\d+) /m.exec(out);
      if (m) resolve({ child, base: m[1] });
    });
    child.stderr!.on('data', (chunk) => (err += chunk));
    child.once('exit', (code) => reject(new Error(`the launcher exited (${code}) before it was up:\n${err}${out.slice(-2000)}`)));
  });
}

async function api(base: string, key: string, method: string, p: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(base + p, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** Waits for the page's heading and for every loading indicator to go, then writes the PNG. */
async function shoot(page: Page, name: string, ready?: () => Promise<unknown>, mask: Locator[] = []) {
  await page.locator('h1').first().waitFor();
  if (ready) await ready();
  await page.getByTestId('loading').first().waitFor({ state: 'detached' }).catch(() => undefined);
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file, mask, maskColor: '#d9dde3' });
  process.stdout.write(`  ${path.relative(root, file)}\n`);
}

async function main() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mw-screenshots-'));
  const profile = await mkdtemp(path.join(tmpdir(), 'mw-screenshots-chromium-'));
  const adminKey = `mw_${randomBytes(5).toString('hex')}_${randomBytes(32).toString('base64url')}`;
  let child: ChildProcess | undefined;
  // A local webhook endpoint that accepts everything (the demo's webhook subscription points here).
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/mandate-watch`;
  try {
    const started = await startLauncher({
      DATA_DIR: dataDir,
      PORT: '0',
      ADMIN_API_KEY: adminKey,
      CLOCK_START,
      CLOCK_CONTROL: 'enabled',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      LOG_LEVEL: 'warn',
      REDIS_PREFIX: `mwshots${process.pid}`,
    });
    child = started.child;
    const base = started.base;
    process.stdout.write(`Mandate Watch up on ${base} (throwaway data in ${dataDir})\n`);

    const seed = await readFile(SEED, 'utf8');
    const imported = await api(base, adminKey, 'POST', '/api/imports', seed, 'text/plain; charset=utf-8');
    if (imported.status !== 201) throw new Error(`importing the sample failed: ${imported.status} ${JSON.stringify(imported.json)}`);
    // Subscriptions exist once alerting is part of the API; the pages show their empty or error state otherwise.
    const sub = await api(base, adminKey, 'POST', '/api/subscriptions', { channel: 'email', address: 'mali-desk@example.org', scope: { mandates: ['minusma'] } });
    if (sub.status === 201) {
      const hook = await api(base, adminKey, 'POST', '/api/subscriptions', { channel: 'webhook', url: hookUrl, scope: { all: true } });
      if (hook.status !== 201) process.stdout.write(`  (no webhook subscription: ${hook.status} ${JSON.stringify(hook.json)})\n`);
      // A test email (written to DATA_DIR/outbox): the deliveries page then has a sent row.
      await api(base, adminKey, 'POST', `/api/subscriptions/${String(sub.json!.id)}/test`);
      for (let i = 0; i < 100; i++) {
        const d = await api(base, adminKey, 'GET', '/api/deliveries');
        if ((d.json?.items as { status: string }[] | undefined)?.some((x) => x.status === 'sent')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await api(base, adminKey, 'POST', '/api/keys', { name: 'Mission desk — Mali', role: 'editor' });

    await mkdir(outDir, { recursive: true });
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
    context.setDefaultTimeout(15_000);
    const page = context.pages()[0] ?? (await context.newPage());

    await page.goto(`${base}/`);
    await page.getByTestId('sign-in-form').waitFor();
    await shoot(page, 'sign-in');

    await page.getByLabel('API key').fill(adminKey);
    await page.getByTestId('sign-in-submit').click();
    await shoot(page, 'deadlines', () => page.getByTestId('timeline-row-minusma').waitFor());

    await page.goto(`${base}/mandates/minusma`);
    await shoot(page, 'mandate', () => page.getByTestId('history-table').waitFor());

    await page.goto(`${base}/events`);
    await shoot(page, 'event-log', () => page.getByTestId('event').first().waitFor());

    await page.goto(`${base}/import`);
    await page.getByLabel('Document text').fill(seed);
    await page.getByTestId('dry-run').click();
    await page.locator('.preview').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const fact = page.locator('[data-testid="fact"][data-kind="mandate_extended"]').filter({ hasText: 'minusma' }).first();
    await fact.getByTestId('show-fact-span').click();
    // The source text scrolls (smoothly) to the fact's span: wait until it is in view.
    await page.waitForFunction(() => {
      // Runs in the page (this file is compiled without the DOM library).
      type Box = { getBoundingClientRect(): { top: number; bottom: number } };
      const doc = (globalThis as unknown as { document: { querySelector(selector: string): Box | null } }).document;
      const mark = doc.querySelector('[data-testid="active-span"]');
      const box = doc.querySelector('[data-testid="source-text"]');
      if (!mark || !box) return false;
      const m = mark.getBoundingClientRect();
      const b = box.getBoundingClientRect();
      return m.top >= b.top && m.bottom <= b.bottom;
    });
    await page.locator('.preview').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shoot(page, 'import-dry-run');

    await page.goto(`${base}/record?kind=extension&mandate=minusma`);
    const form = page.getByTestId('extension-form');
    await form.locator('select[name="mandate"] option[value="minusma"]:checked').waitFor({ state: 'attached' });
    await form.getByLabel('Until').fill('2022-06-30');
    await form.getByLabel('Decision').fill('resolution two thousand');
    await form.getByLabel('Adopted on').fill('2021-06-29');
    await form.getByRole('button', { name: 'Record extension' }).click();
    await shoot(page, 'record-fact', () => form.getByTestId('field-error-decision').waitFor());

    await page.goto(`${base}/subscriptions`);
    await shoot(page, 'subscriptions', () => page.getByTestId('subscription-list').or(page.getByTestId('error')).or(page.getByTestId('empty')).first().waitFor());

    await page.goto(`${base}/deliveries`);
    await shoot(page, 'deliveries', () => page.getByTestId('deliveries-table').or(page.getByTestId('error')).or(page.getByTestId('empty')).first().waitFor());

    await page.goto(`${base}/keys`);
    const keyForm = page.getByTestId('create-key-form');
    await keyForm.getByLabel('Name').fill('Reader');
    await keyForm.getByLabel('Role').selectOption('viewer');
    await keyForm.getByTestId('create-key').click();
    // The key shown once is masked in the picture (it dies with the throwaway database anyway).
    await shoot(page, 'keys', () => page.getByTestId('new-api-key').waitFor(), [page.getByTestId('new-api-key-value')]);

    await page.goto(`${base}/clock`);
    await shoot(page, 'clock', () => page.getByTestId('move-clock-form').waitFor());

    await context.close();
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    receiver.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(profile, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshots failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
