import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createApiApp, type ApiApp } from '../../apps/api/src/create-app.js';
import { bootstrapAdminKey } from '../../apps/api/src/auth/admin-key-bootstrap.js';
import { createRuntime } from '../../apps/api/src/runtime.js';
import { loadConfig, type AppConfig } from '#libs/config';
import { createLogger } from '#libs/platform';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { flushPrefix } from '../alerting/support.js';

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RequestOptions {
  /** The API key to send (default: the requester's); null sends none. */
  key?: string | null;
  /** Sent as JSON (content-type application/json unless given). */
  body?: unknown;
  /** Sent as is. */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface Requester {
  request(method: string, path: string, opts?: RequestOptions): Promise<TestResponse>;
}

/** Plain `fetch` requests to a base URL, with a bearer key by default; the body is parsed when it is JSON. */
export function requester(base: string, defaultKey: string | null): Requester {
  return {
    async request(method, p, opts = {}) {
      const key = opts.key === undefined ? defaultKey : opts.key;
      const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...opts.headers };
      let body: string | Buffer | undefined;
      if (opts.rawBody !== undefined) body = opts.rawBody;
      else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(base + p, { method, headers, body, signal: opts.signal });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
  };
}

/** The real API app in this process, on a real HTTP port. */
export interface BootedApi extends Requester {
  base: string;
  adminKey: string;
  api: ApiApp;
  config: AppConfig;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Every log line as written (for greps for secrets). */
  rawLogs: string[];
  /** Stops the app and removes its data directory. */
  close(): Promise<void>;
}

/**
 * Boots the API the way `npm start` does (runtime, bootstrap admin key, app), with test
 * defaults (NODE_ENV test, port 0, a data directory of its own, logs captured); `env` is on top.
 * The admin key is ADMIN_API_KEY when `env` sets one, else the one the bootstrap generated.
 */
export async function bootApi(label: string, env: Record<string, string>, options: { consoleDist?: string } = {}): Promise<BootedApi> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `mw-${label}-`));
  const logs: Record<string, unknown>[] = [];
  const rawLogs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) {
        if (!line.trim()) continue;
        rawLogs.push(line);
        logs.push(JSON.parse(line));
      }
      cb();
    },
  });
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env });
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
    config,
    logs,
    rawLogs,
    ...requester(base, adminKey),
    async close() {
      await api.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestApi extends BootedApi {
  db: TestDatabase;
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
  const booted = await bootApi(label, { DATABASE_URL: databaseUrl.toString(), REDIS_PREFIX: `mwtest-${label}-${process.pid}`, ...env }, options);
  return {
    ...booted,
    db,
    async close() {
      await booted.close();
      await db.drop();
      await flushPrefix(booted.config.redisPrefix); // leave the shared Redis as it was
    },
  };
}
