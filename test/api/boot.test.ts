import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushPrefix } from '../alerting/support.js';
import { eventually } from '../support/eventually.js';
import { ensureRedis, RedisUnavailableError, redisAnswers } from '../../apps/launcher/src/local-redis.js';

const root = path.resolve(import.meta.dirname, '../..');
const launcher = path.join(root, 'dist/apps/launcher/src/main.js');

/** Only what any shell has: no DATABASE_URL, no REDIS_URL, nothing of ours. */
function bareEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...extra };
}

interface Started {
  child: ChildProcess;
  line: string;
  base: string;
  stdout: () => string;
  exited: Promise<number | null>;
}

/** Spawns the built launcher and resolves on its one "Mandate Watch on …" line. */
function startLauncher(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [launcher], { cwd: root, env: bareEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = /^Mandate Watch on (http:\/\/localhost:\d+) — API docs \S+\/api\/docs — .+$/m.exec(out);
      if (m) resolve({ child, line: m[0], base: m[1], stdout: () => out, exited });
    });
    child.stderr!.on('data', (chunk) => (err += chunk));
    void exited.then((code) => reject(new Error(`launcher exited (${code}) before it was up:\n${err}\n${out.slice(-2000)}`)));
  });
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

// Whole processes with an embedded PostgreSQL: generous test timeouts for a loaded CI machine
// (these bound a hang; no assertion depends on how long anything takes).
const PROCESS_TEST_TIMEOUT_MS = 180_000;

describe('first start of the built product (npm start path)', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  let dataDir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await promisify(execFile)('npm', ['run', '--silent', 'build:server'], { cwd: root });
    dataDir = await mkdtemp(path.join(tmpdir(), 'mw-boot-'));
  }, 240_000);
  afterAll(async () => {
    // SIGTERM, so that a launcher left running by a failed test stops its embedded PostgreSQL too.
    await Promise.all(
      children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((resolve) => (c.once('exit', resolve), c.kill('SIGTERM')))),
    );
    await rm(dataDir, { recursive: true, force: true });
    await flushPrefix(`mwboot${process.pid}`); // leave the shared Redis as it was
  });

  it('starts with no configuration: embedded PostgreSQL, migrations, admin key, API; reuses it; stops cleanly', async () => {
    const env = { DATA_DIR: dataDir, PORT: '0', REDIS_PREFIX: `mwboot${process.pid}` };
    const first = await startLauncher(env);
    children.push(first.child);
    expect(first.line).toMatch(new RegExp(`— admin key in ${dataDir}/admin-key$`));

    // API and worker in the one process: the worker keeps the projections running.
    expect(first.stdout()).toContain('"msg":"worker started"');
    expect(first.stdout()).toContain('projections running');
    // Offered on an empty database, on the line after the one startLauncher waited for.
    await eventually(async () => first.stdout(), (out) => out.includes('The event log is empty'));
    expect(first.stdout()).toContain('The event log is empty. Load the bundled sample');
    const ready = await fetch(`${first.base}/health/ready`);
    expect(ready.status).toBe(200);
    const key = (await readFile(path.join(dataDir, 'admin-key'), 'utf8')).trim();
    // stdout is a pipe, not a terminal: the key itself must not be printed.
    expect(first.stdout()).not.toContain(key);
    const me = await fetch(`${first.base}/api/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(await me.json()).toMatchObject({ role: 'admin' });
    const pidFile = path.join(dataDir, 'pg/data/postmaster.pid');
    expect(existsSync(pidFile)).toBe(true);

    // A second process on the same DATA_DIR reuses the running PostgreSQL and the same admin key.
    const second = await startLauncher(env);
    children.push(second.child);
    const me2 = await fetch(`${second.base}/api/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(me2.status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect((await fetch(`${first.base}/health/ready`)).status).toBe(200); // not stopped by the second

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(pidFile)).toBe(false); // the embedded PostgreSQL it started is stopped
  });

  it('stops cleanly when told to during its first start', async () => {
    const fresh = await mkdtemp(path.join(tmpdir(), 'mw-boot-early-'));
    try {
      const child = spawn(process.execPath, [launcher], { cwd: root, env: bareEnv({ DATA_DIR: fresh, PORT: '0', REDIS_PREFIX: `mwearly${process.pid}` }) });
      children.push(child);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      let out = '';
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk) => {
          out += chunk;
          if (out.includes('creating the embedded PostgreSQL cluster')) resolve();
        });
      });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(path.join(fresh, 'pg/data/postmaster.pid'))).toBe(false); // no server left behind
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it('exits 1 naming each wrong variable', async () => {
    const child = spawn(process.execPath, [launcher], {
      cwd: root,
      env: bareEnv({ DATA_DIR: dataDir, CLOCK_START: 'next tuesday', NODE_ENV: 'production', CLOCK_CONTROL: 'enabled', SECRETS_KEY: 'changeme', WORKER_METRICS_PORT: 'ninety' }),
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain('CLOCK_START: must be an ISO 8601 instant');
    expect(err).toContain('CLOCK_CONTROL: CLOCK_CONTROL=enabled is refused when NODE_ENV=production');
    expect(err).toContain('SECRETS_KEY: must be at least 32 characters');
    expect(err).toContain('WORKER_METRICS_PORT: must be a whole number');
  });

  it('exits 1 with a message when an explicit REDIS_URL does not answer', async () => {
    const child = spawn(process.execPath, [launcher], {
      cwd: root,
      env: bareEnv({ DATA_DIR: dataDir, DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres', REDIS_URL: `redis://127.0.0.1:${await closedPort()}` }),
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(1);
    expect(err).toMatch(/^Redis does not answer at REDIS_URL=redis:\/\/127\.0\.0\.1:\d+\. Start it, or fix REDIS_URL\.$/m);
  });
});

describe('local Redis when none answers', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  const logger = pino({ level: 'silent' });

  it('starts a redis-server under DATA_DIR, reuses it, stops it', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'mw-redis-'));
    try {
      const url = `redis://127.0.0.1:${await closedPort()}`;
      const started = await ensureRedis({ url, explicit: false, dataDir }, logger);
      expect(started.startedHere).toBe(true);
      expect(started.url).not.toBe(url);
      expect(await redisAnswers(started.url)).toBe(true);
      const reused = await ensureRedis({ url, explicit: false, dataDir }, logger);
      expect(reused).toMatchObject({ url: started.url, startedHere: false });
      await started.stop();
      expect(await redisAnswers(started.url)).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('says how to get one when there is no redis-server', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'mw-redis-'));
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const url = `redis://127.0.0.1:${await closedPort()}`;
      const attempt = ensureRedis({ url, explicit: false, dataDir }, logger);
      await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
      await expect(attempt).rejects.toThrow(/apt-get install redis-server.*REDIS_URL/);
    } finally {
      process.env.PATH = savedPath;
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
