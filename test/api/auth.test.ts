import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support.js';

describe('API keys and roles', () => {
  let t: TestApi;
  let viewerKey: string;
  let editorKey: string;

  beforeAll(async () => {
    t = await startTestApi('auth');
    viewerKey = (await t.request('POST', '/api/keys', { body: { name: 'reader', role: 'viewer' } })).json.key;
    editorKey = (await t.request('POST', '/api/keys', { body: { name: 'writer', role: 'editor' } })).json.key;
  });
  afterAll(async () => t?.close());

  it('writes the generated admin key to DATA_DIR/admin-key, readable by its owner only', async () => {
    const file = path.join(t.api.runtime.config.dataDir, 'admin-key');
    expect((await readFile(file, 'utf8')).trim()).toBe(t.adminKey);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(t.adminKey).toMatch(/^mw_[a-z2-7]{10}_[A-Za-z0-9_-]{43}$/);
  });

  it('refuses requests without a key, with a malformed key, or with a wrong secret (401)', async () => {
    const [id] = /^mw_([a-z0-9]{10})_/.exec(t.adminKey)!.slice(1);
    for (const key of [null, 'not-a-key', `mw_${id}_${'A'.repeat(43)}`, `mw_zzzzzzzzzz_${'A'.repeat(43)}`, t.adminKey.slice(0, -1)]) {
      const r = await t.request('GET', '/api/me', { key });
      expect(r.status, String(key)).toBe(401);
      expect(r.json.error.code).toBe('UNAUTHORIZED');
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const basic = await t.request('GET', '/api/me', { key: null, headers: { authorization: 'Basic dXNlcjpwdw==' } });
    expect(basic.status).toBe(401);
  });

  it('tells a key who it is', async () => {
    const me = await t.request('GET', '/api/me', { key: editorKey });
    expect(me.status).toBe(200);
    expect(me.json).toEqual({ id: editorKey.slice(3, 13), name: 'writer', role: 'editor' });
  });

  it('orders roles viewer < editor < admin (403 below the needed role)', async () => {
    expect((await t.request('GET', '/api/keys', { key: viewerKey })).status).toBe(403);
    const editorCreates = await t.request('POST', '/api/keys', { key: editorKey, body: { name: 'x', role: 'admin' } });
    expect(editorCreates.status).toBe(403);
    expect(editorCreates.json.error).toEqual({ code: 'FORBIDDEN', message: 'This needs the admin role; the key has editor' });
    expect((await t.request('GET', '/api/clock', { key: viewerKey })).status).toBe(200);
    expect((await t.request('GET', '/api/keys', { key: t.adminKey })).status).toBe(200);
  });

  it('creates keys (the secret shown once), lists them without secrets, pages through them', async () => {
    const created = await t.request('POST', '/api/keys', { body: { name: 'console – Alice', role: 'editor' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'console – Alice', role: 'editor', createdBy: t.adminKey.slice(3, 13), revokedAt: null });
    expect(created.json.key).toMatch(new RegExp(`^mw_${created.json.id}_[A-Za-z0-9_-]{43}$`));

    const seen: { id: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await t.request('GET', `/api/keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.text).not.toContain(created.json.key.split('_').slice(2).join('_'));
      expect(r.text).not.toMatch(/secret|"key"/i);
      seen.push(...r.json.items);
      cursor = r.json.next;
      pages++;
    } while (cursor);
    expect(pages).toBe(2); // admin, reader, writer, Alice: two pages of two
    expect(seen.map((k) => k.id)).toEqual(expect.arrayContaining([created.json.id, t.adminKey.slice(3, 13)]));
    expect(new Set(seen.map((k) => k.id)).size).toBe(seen.length);
  });

  it('validates new keys', async () => {
    const r = await t.request('POST', '/api/keys', { body: { name: '', role: 'owner' } });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('VALIDATION_FAILED');
    expect(r.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['name', 'role']);
  });

  it('refuses a revoked key from the next request on', async () => {
    const { key, id } = (await t.request('POST', '/api/keys', { body: { name: 'temp', role: 'viewer' } })).json;
    expect((await t.request('GET', '/api/me', { key })).status).toBe(200);
    expect((await t.request('DELETE', `/api/keys/${id}`)).status).toBe(204);
    expect((await t.request('GET', '/api/me', { key })).status).toBe(401);
    expect((await t.request('DELETE', `/api/keys/${id}`)).status).toBe(204); // idempotent
    const listed = (await t.request('GET', '/api/keys?limit=500')).json.items.find((k: { id: string }) => k.id === id);
    expect(listed.revokedAt).not.toBeNull();
    expect((await t.request('DELETE', '/api/keys/nosuchkey0')).status).toBe(404);
  });

  it('never revokes the last active admin key', async () => {
    const r = await t.request('DELETE', `/api/keys/${t.adminKey.slice(3, 13)}`);
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('LAST_ADMIN_KEY');
    const second = (await t.request('POST', '/api/keys', { body: { name: 'second admin', role: 'admin' } })).json;
    expect((await t.request('DELETE', `/api/keys/${t.adminKey.slice(3, 13)}`, { key: second.key })).status).toBe(204);
    expect((await t.request('GET', '/api/me')).status).toBe(401);
    t.adminKey = second.key;
  });

  it('keeps keys and authorization headers out of the logs', async () => {
    const all = JSON.stringify(t.logs);
    expect(t.logs.some((l) => (l.req as { headers?: { authorization?: string } })?.headers?.authorization === '[redacted]')).toBe(true);
    expect(all).not.toContain(viewerKey);
    expect(all).not.toContain(editorKey.split('_').slice(2).join('_'));
  });
});

describe('ADMIN_API_KEY', () => {
  it('is upserted as an admin key and works at once, without a key file', async () => {
    const key = 'mw_abcdefgh23_' + 'Zm9vYmFyYmF6cXV4cXV1eHh4eHh4eHh4eHh4eHh4eHh4';
    const t = await startTestApi('adminenv', { ADMIN_API_KEY: key });
    try {
      const me = await t.request('GET', '/api/me', { key });
      expect(me.json).toEqual({ id: 'abcdefgh23', name: 'admin (ADMIN_API_KEY)', role: 'admin' });
      await expect(stat(path.join(t.api.runtime.config.dataDir, 'admin-key'))).rejects.toThrow(/ENOENT/);
    } finally {
      await t.close();
    }
  });
});

describe('admin key bootstrap on later starts', () => {
  it('keeps the key file while its key works, and does not point at a stale one', async () => {
    const t = await startTestApi('bootagain');
    try {
      const { bootstrapAdminKey } = await import('../../apps/api/src/auth/admin-key-bootstrap.js');
      const dataDir = t.api.runtime.config.dataDir;
      const again = await bootstrapAdminKey(t.api.runtime.pool, { dataDir });
      expect(again).toEqual({ source: 'existing', id: t.adminKey.slice(3, 13), file: path.join(dataDir, 'admin-key') });
      // Another admin key is made and the file's key revoked: the file no longer opens anything.
      const other = (await t.request('POST', '/api/keys', { body: { name: 'ops', role: 'admin' } })).json;
      await t.request('DELETE', `/api/keys/${t.adminKey.slice(3, 13)}`, { key: other.key });
      const later = await bootstrapAdminKey(t.api.runtime.pool, { dataDir });
      expect(later).toEqual({ source: 'existing', id: other.id, file: undefined });
    } finally {
      await t.close();
    }
  });
});
