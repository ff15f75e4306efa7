import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createApiApp, type ApiApp } from '../../apps/api/src/create-app.js';
import { bootstrapAdminKey } from '../../apps/api/src/auth/admin-key-bootstrap.js';
import { createRuntime } from '../../apps/api/src/runtime.js';
import { loadConfig } from '#libs/config';
import { createLogger } from '#libs/platform';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { flushPrefix } from '../alerting/support.js';

export interface TestApi {
  base: string;
  adminKey: string;
  api: ApiApp;
  db: TestDatabase;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  request(method: string, path: string, opts?: { key?: string | null; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> }): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * A real API on a database of its own (cloned from the migrated template), the shared Redis
 * with a key prefix of its own, and a real HTTP port. No mocks.
 */
export async function startTestApi(
  label: string,
  env: Record<string, string> = {},
  options: { consoleDist?: string; /** Reach the test database through this port (a TcpProxy). */ viaDatabasePort?: number } = {},
): Promise<TestApi> {
  const db = await createTestDatabase(label);
  const databaseUrl = new URL(db.url);
  if (options.viaDatabasePort) databaseUrl.port = String(options.viaDatabasePort);
  const dataDir = await mkdtemp(path.join(tmpdir(), `mw-${label}-`));
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      cb();
    },
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl.toString(),
    PORT: '0',
    DATA_DIR: dataDir,
    REDIS_PREFIX: `mwtest-${label}-${process.pid}`,
    LOG_LEVEL: 'info',
    ...env,
  });
  const runtime = await createRuntime(config, createLogger({ level: config.logLevel, destination }));
  const boot = await bootstrapAdminKey(runtime.pool, { adminApiKey: config.adminApiKey, dataDir });
  const adminKey = boot.key ?? config.adminApiKey!;
  const api = await createApiApp(runtime, options);
  const port = await api.listen('127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    adminKey,
    api,
    db,
    logs,
    async request(method, p, opts = {}) {
      const key = opts.key === undefined ? adminKey : opts.key;
      const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...opts.headers };
      let body: string | Buffer | undefined;
      if (opts.rawBody !== undefined) body = opts.rawBody;
      else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(base + p, { method, headers, body });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async close() {
      await api.close();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
      await flushPrefix(config.redisPrefix); // leave the shared Redis as it was
    },
  };
}
