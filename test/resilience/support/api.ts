import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createApiApp, type ApiApp } from '../../../apps/api/src/create-app.js';
import { bootstrapAdminKey } from '../../../apps/api/src/auth/admin-key-bootstrap.js';
import { createRuntime } from '../../../apps/api/src/runtime.js';
import { loadConfig } from '#libs/config';
import { createLogger } from '#libs/platform';
import type { TestResponse } from '../../api/support.js';

export const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A fresh key in the product's format (`mw_<10 base32>_<base64url secret>`), e.g. for ADMIN_API_KEY. */
export function makeApiKey(): string {
  const id = Array.from(randomBytes(10), (b) => BASE32[b & 31]).join('');
  return `mw_${id}_${randomBytes(32).toString('base64url')}`;
}

export interface Requester {
  request(method: string, p: string, opts?: { key?: string | null; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string>; signal?: AbortSignal }): Promise<TestResponse>;
}

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

export interface InProcessApi extends Requester {
  base: string;
  adminKey: string;
  api: ApiApp;
  logs: Record<string, unknown>[];
  /** Every log line as written (for greps for secrets). */
  rawLogs: string[];
  close(): Promise<void>;
}

/** A real API in this process on a given PostgreSQL and Redis (the test's own instances). */
export async function startApiOn(opts: { label: string; databaseUrl: string; redisUrl: string; env?: Record<string, string>; adminKey?: string }): Promise<InProcessApi> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `mw-res-${opts.label}-`));
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
  const adminKey = opts.adminKey ?? makeApiKey();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    PORT: '0',
    DATA_DIR: dataDir,
    REDIS_PREFIX: `mwres-${opts.label}-${process.pid}`,
    LOG_LEVEL: 'info',
    ADMIN_API_KEY: adminKey,
    ...opts.env,
  });
  const runtime = await createRuntime(config, createLogger({ level: config.logLevel, destination }));
  await bootstrapAdminKey(runtime.pool, { adminApiKey: adminKey, dataDir });
  const api = await createApiApp(runtime);
  const port = await api.listen('127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    adminKey,
    api,
    logs,
    rawLogs,
    ...requester(base, adminKey),
    async close() {
      await api.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
