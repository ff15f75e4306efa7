import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support.js';

const root = path.resolve(import.meta.dirname, '../..');
const consoleDist = path.join(root, 'apps/console/dist');

/** The built console, served by the API under its security headers (CSP), in a real browser. */
describe('console served by the API', () => {
  let t: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(path.join(consoleDist, 'index.html'))) {
      await promisify(execFile)('npm', ['run', '--silent', 'build:console', '--', '--logLevel', 'warn'], { cwd: root });
    }
    t = await startTestApi('console', {}, { consoleDist });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('loads without security-policy violations and signs in with the admin key', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${t.base}/mandates`); // a client-side route: the SPA fallback serves index.html
    await page.getByTestId('api-key-input').fill(t.adminKey);
    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('current-role').textContent()).resolves.toMatch(/admin/i);
    expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
    await page.close();
  });
});
