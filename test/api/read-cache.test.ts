import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp, type ApiApp } from '../../apps/api/src/create-app.js';
import { createRuntime } from '../../apps/api/src/runtime.js';
import { loadConfig } from '#libs/config';
import { createLogger } from '#libs/platform';
import { startTestApi, type TestApi } from './support.js';

/**
 * The in-process answer cache of GET /api/mandates/upcoming and GET /api/events must never show
 * a stale answer: a write is visible on the next read (also through another API process, whose
 * cache held the old answer), and a move of the business clock changes the default asOf.
 */
describe('cached read answers', () => {
  let t: TestApi;
  let other: ApiApp;
  let otherBase: string;
  const mali = { id: 'minusma', acronym: 'MINUSMA', names: { en: 'Mission in Mali' }, type: 'peace_operation', establishedOn: '2013-04-25', expiresOn: '2021-06-30' };

  beforeAll(async () => {
    t = await startTestApi('readcache', { CLOCK_CONTROL: 'enabled', CLOCK_START: '2021-06-01T00:00:00Z' });
    // A second API process on the same database: its cache is its own.
    const config = loadConfig({ NODE_ENV: 'test', CLOCK_CONTROL: 'enabled', CLOCK_START: '2021-06-01T00:00:00Z', DATABASE_URL: t.db.url, PORT: '0', DATA_DIR: t.api.runtime.config.dataDir, REDIS_PREFIX: `mwtest-readcache2-${process.pid}`, LOG_LEVEL: 'silent' });
    other = await createApiApp(await createRuntime(config, createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) })));
    otherBase = `http://127.0.0.1:${await other.listen('127.0.0.1')}`;
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const viaOther = async (p: string): Promise<any> => (await fetch(otherBase + p, { headers: { authorization: `Bearer ${t.adminKey}` } })).json();
  const upcoming = async (p: string) => (await t.request('GET', p)).json.items.map((i: { mandate: { id: string }; expiresOn: string; daysLeft: number }) => [i.mandate.id, i.expiresOn, i.daysLeft]);

  it('upcoming: a write is seen by the very next read, in this process and in another', async () => {
    expect((await t.request('POST', '/api/mandates', { body: mali })).status).toBe(201);
    const path = '/api/mandates/upcoming?asOf=2021-06-01&within=60';
    expect(await upcoming(path)).toEqual([['minusma', '2021-06-30', 29]]);
    expect(await upcoming(path)).toEqual([['minusma', '2021-06-30', 29]]); // from the cache
    expect((await viaOther(path)).items).toHaveLength(1); // the other process caches it too

    const ext = await t.request('POST', '/api/mandates/minusma/extensions', { body: { until: '2021-07-15', decision: 'S/RES/2584 (2021)', adoptedOn: '2021-05-31' } });
    expect(ext.status).toBe(201);
    expect(await upcoming(path)).toEqual([['minusma', '2021-07-15', 44]]);
    expect((await viaOther(path)).items.map((i: { expiresOn: string }) => i.expiresOn)).toEqual(['2021-07-15']);

    // A query that differs in any parameter is an answer of its own.
    expect(await upcoming('/api/mandates/upcoming?asOf=2021-06-01&within=30')).toEqual([]);
    expect(await upcoming('/api/mandates/upcoming?asOf=2021-06-01&within=60&type=sanctions_measures')).toEqual([]);
  });

  it('upcoming: moving the business clock changes the default asOf answer', async () => {
    const path = '/api/mandates/upcoming?within=60';
    expect(await upcoming(path)).toEqual([['minusma', '2021-07-15', 44]]);
    expect(await upcoming(path)).toEqual([['minusma', '2021-07-15', 44]]);
    expect((await t.request('PUT', '/api/clock', { body: { now: '2021-07-10T12:00:00Z' } })).status).toBe(200);
    expect(await upcoming(path)).toEqual([['minusma', '2021-07-15', 5]]);
    await t.request('PUT', '/api/clock', { body: { now: '2021-07-16T00:00:00Z' } });
    expect(await upcoming(path)).toEqual([]);
  });

  it('events: a full page is served again unchanged; the last page shows a write at once', async () => {
    const first = await t.request('GET', '/api/events?limit=1');
    expect(first.status).toBe(200);
    expect(first.json.next).not.toBeNull();
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('no-store');
    const again = await t.request('GET', '/api/events?limit=1');
    expect(again.text).toBe(first.text);
    // Express's weak ETag of the body, on the first answer and on the cached one alike.
    expect(first.headers.get('etag')).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]+"$/);
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));

    const all = async () => (await t.request('GET', '/api/events?limit=500')).json.items as { type: string; data: { mandateId?: string } }[];
    const before = await all();
    await t.request('POST', '/api/mandates', { body: { ...mali, id: 'binuh', acronym: 'BINUH', names: { en: 'Office in Haiti' } } });
    const after = await all();
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatchObject({ type: 'MandateEstablished', data: { mandateId: 'binuh' } });
    const otherPage = (await viaOther('/api/events?limit=500')) as { items: unknown[] };
    expect(otherPage.items).toHaveLength(after.length);

    // Paging to the end after the write, through pages read (and cached) before it, reaches the new event.
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { json: { items: { id: string }[]; next: string | null } } = await t.request('GET', `/api/events?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...page.json.items.map((e) => e.id));
      cursor = page.json.next;
    } while (cursor);
    expect(ids).toHaveLength(after.length);
  });

  it('errors keep their format', async () => {
    const r = await t.request('GET', '/api/events?cursor=nope');
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('INVALID_CURSOR');
    expect((await t.request('GET', '/api/mandates/upcoming?within=x')).json.error.code).toBe('VALIDATION_FAILED');
    expect((await t.request('GET', '/api/mandates/upcoming', { key: null })).status).toBe(401);
  });

  it('upcoming: a cached answer is refused to a revoked key at once, in this process and in another', async () => {
    // The key lookup and the projection's checkpoint are one statement on this route: the
    // answer in the cache must not let a revoked (or wrong) key through.
    const { key, id } = (await t.request('POST', '/api/keys', { body: { name: 'reader', role: 'viewer' } })).json;
    const path = '/api/mandates/upcoming?asOf=2021-06-01&within=60';
    const other = (k: string) => fetch(otherBase + path, { headers: { authorization: `Bearer ${k}` } });
    for (let i = 0; i < 2; i++) {
      expect((await t.request('GET', path, { key })).status).toBe(200);
      expect((await other(key)).status).toBe(200);
    }
    const wrongSecret = `${key.slice(0, 14)}${'A'.repeat(key.length - 14)}`;
    expect((await t.request('GET', path, { key: wrongSecret })).status).toBe(401);
    expect((await t.request('DELETE', `/api/keys/${id}`)).status).toBe(204);
    const refused = await t.request('GET', path, { key });
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('UNAUTHORIZED');
    expect((await other(key)).status).toBe(401);
  });
});
