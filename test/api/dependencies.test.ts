import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_URL } from '../support/db.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { startTestApi, type TestApi } from './support.js';

/** PostgreSQL or Redis going away: 503 with Retry-After, readiness says which, and recovery. */
describe('dependencies down', () => {
  let t: TestApi;
  const pgProxy = new TcpProxy('127.0.0.1', 5432);
  const redisProxy = new TcpProxy('127.0.0.1', 6379);

  beforeAll(async () => {
    await pgProxy.start();
    await redisProxy.start();
    // The test database is created directly; the app reaches it only through the proxy.
    t = await startTestApi('deps', { REDIS_URL: `redis://127.0.0.1:${redisProxy.port}` }, { viaDatabasePort: pgProxy.port });
  });
  afterAll(async () => {
    await pgProxy.stop();
    await redisProxy.stop();
    await t?.close();
  });

  it('is ready while both answer', async () => {
    const r = await t.request('GET', '/health/ready', { key: null });
    expect(r.status).toBe(200);
    expect(r.json.checks.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual(['postgres:up', 'redis:up']);
  });

  it('answers 503 with Retry-After while PostgreSQL is unreachable, and recovers', async () => {
    await pgProxy.stop();
    const api = await t.request('GET', '/api/me');
    expect(api.status).toBe(503);
    expect(api.json.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(api.headers.get('retry-after')).toBe('5');
    expect(api.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/); // no internals leak

    const ready = await t.request('GET', '/health/ready', { key: null });
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('5');
    expect(ready.json.error.code).toBe('NOT_READY');
    expect(ready.json.error.details.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual(['postgres:down', 'redis:up']);
    expect((await t.request('GET', '/health', { key: null })).status).toBe(200); // alive all the same

    await pgProxy.start();
    expect((await t.request('GET', '/api/me')).status).toBe(200);
  });

  it('answers 503 while PostgreSQL refuses connections to the database (maintenance), and recovers', async () => {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${t.db.name}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [t.db.name]);
      const api = await t.request('GET', '/api/me'); // PostgreSQL answers 55000 "… is not currently accepting connections"
      expect([api.status, api.json.error.code, api.headers.get('retry-after')]).toEqual([503, 'SERVICE_UNAVAILABLE', '5']);
      expect(api.text).not.toContain(t.db.name);
    } finally {
      await admin.query(`ALTER DATABASE "${t.db.name}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    expect((await t.request('GET', '/api/me')).status).toBe(200);
  });

  it('reports Redis down in readiness', async () => {
    await redisProxy.stop();
    const ready = await t.request('GET', '/health/ready', { key: null });
    expect(ready.status).toBe(503);
    expect(ready.json.error.details.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual(['postgres:up', 'redis:down']);
    await redisProxy.start();
  });
});
