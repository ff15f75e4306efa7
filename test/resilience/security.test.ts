import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../api/support.js';
import { ROOT } from './support/build.js';
import { fillPath, operations, WRITE_METHODS, type Operation } from './support/openapi.js';
import { writeResult } from './support/results.js';

const RANK = { public: -1, viewer: 0, editor: 1, admin: 2 } as const;
type Need = keyof typeof RANK;

/**
 * The policy, independent of the code under test: reads need a viewer, writes an editor, and
 * keys and the clock an admin; only these paths are public. The test checks the running API, and
 * the `x-required-role` each operation declares, against it; an operation added later is
 * covered automatically (it is read from the OpenAPI document).
 */
const PUBLIC = [/^\/health(\/ready)?$/, /^\/metrics$/, /^\/api\/docs/, /^\/api\/openapi\.(json|yaml)$/, /^\/calendar\//, /^\/unsubscribe\//, /^\/confirm\//];
function policy(op: Operation): Need {
  if (PUBLIC.some((re) => re.test(op.path))) return 'public';
  if (op.path.startsWith('/api/keys')) return 'admin';
  if (op.path === '/api/clock' && op.method !== 'get') return 'admin';
  return WRITE_METHODS.includes(op.method) ? 'editor' : 'viewer';
}

describe('security', () => {
  let t: TestApi;
  let keys: { viewer: string; editor: string };
  let ops: (Operation & { declared: Need })[];

  beforeAll(async () => {
    t = await startTestApi('security', { CLOCK_CONTROL: 'enabled', RATE_LIMIT_AUTH_FAILURES: '0' });
    const viewer = await t.request('POST', '/api/keys', { body: { name: 'sec viewer', role: 'viewer' } });
    const editor = await t.request('POST', '/api/keys', { body: { name: 'sec editor', role: 'editor' } });
    keys = { viewer: viewer.json.key, editor: editor.json.key };
    const doc = (await t.request('GET', '/api/openapi.json', { key: null })).json;
    ops = (await operations(t)).map((op) => ({ ...op, declared: op.security ? (doc.paths[op.path][op.method]['x-required-role'] ?? 'viewer') : 'public' }));
  });
  afterAll(async () => t?.close());

  it('every operation: no key → 401, insufficient role → 403, enough → neither; public ones are public', async () => {
    const rows: { op: string; need: Need; none: number; viewer: number; editor: number; admin: number }[] = [];
    const problems: string[] = [];
    for (const op of ops) {
      const need = policy(op);
      if (op.declared !== need) problems.push(`${op.method} ${op.path}: declares ${op.declared}, policy says ${need}`);
      const url = fillPath(op.path, (name) => (name === 'id' && op.path.startsWith('/api/keys') ? 'aaaaaaaaaa' : 'does-not-exist'));
      const statusWith = async (key: string | null) => {
        const body = WRITE_METHODS.includes(op.method) && op.method !== 'delete' ? {} : undefined;
        return (await t.request(op.method.toUpperCase(), url, { key, body })).status;
      };
      const row = { op: `${op.method.toUpperCase()} ${op.path}`, need, none: await statusWith(null), viewer: await statusWith(keys.viewer), editor: await statusWith(keys.editor), admin: await statusWith(t.adminKey) };
      rows.push(row);
      const expectFor = (who: Exclude<Need, 'public'> | 'none', status: number) => {
        const rank = who === 'none' ? -1 : RANK[who];
        const allowed = rank >= RANK[need];
        if (!allowed && status !== (who === 'none' ? 401 : 403)) problems.push(`${row.op} as ${who}: ${status}, expected ${who === 'none' ? 401 : 403}`);
        if (allowed && (status === 401 || status === 403)) problems.push(`${row.op} as ${who}: ${status}, expected to be let in`);
        if (status >= 500) problems.push(`${row.op} as ${who}: ${status}`);
      };
      expectFor('none', row.none);
      expectFor('viewer', row.viewer);
      expectFor('editor', row.editor);
      expectFor('admin', row.admin);
    }
    await writeResult({
      id: 'security-auth-table',
      scenario: 'Auth and roles of every OpenAPI operation',
      injected: 'each operation called with no key, viewer, editor and admin keys',
      expected: rows.length * 4,
      observed: rows.length * 4 - problems.length,
      unit: 'calls answered as the policy says',
      duplicates: 0,
      losses: 0,
      unexpected5xx: rows.reduce((n, r) => n + [r.none, r.viewer, r.editor, r.admin].filter((s) => s >= 500).length, 0),
      notes: { operations: rows.length, problems, rows },
    });
    expect(problems).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(rows.filter((r) => r.need === 'public').length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.need === 'admin').length).toBeGreaterThan(0);
  });

  it('a malformed, unknown or revoked key is refused with 401', async () => {
    const created = await t.request('POST', '/api/keys', { body: { name: 'to revoke', role: 'viewer' } });
    const [, id, secret] = /^mw_([a-z0-9]{10})_(.+)$/.exec(created.json.key)!;
    const wrongSecret = `mw_${id}_${secret.slice(0, -4)}AAAA`;
    for (const key of ['nonsense', `mw_${id}_`, wrongSecret, `mw_zzzzzzzzzz_${secret}`, `${created.json.key} extra`]) {
      expect((await t.request('GET', '/api/me', { key })).status, key).toBe(401);
    }
    expect((await t.request('GET', '/api/me', { key: created.json.key })).status).toBe(200);
    expect((await t.request('DELETE', `/api/keys/${id}`)).status).toBeLessThan(300);
    expect((await t.request('GET', '/api/me', { key: created.json.key })).status).toBe(401);
  });

  it('stores keys only as SHA-256 hex of their secret, and compares them in constant time', async () => {
    const c = new pg.Client({ connectionString: t.db.url });
    await c.connect();
    try {
      const { rows } = await c.query<Record<string, unknown>>('SELECT * FROM api_keys');
      expect(rows.length).toBeGreaterThanOrEqual(3);
      const everything = JSON.stringify(rows);
      for (const key of [t.adminKey, keys.viewer, keys.editor]) {
        const [, id, secret] = /^mw_([a-z0-9]{10})_(.+)$/.exec(key)!;
        const row = rows.find((r) => r.id === id)!;
        expect(row.secret_sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(row.secret_sha256).toBe(createHash('sha256').update(secret).digest('hex'));
        expect(everything).not.toContain(secret); // no column holds the secret or the key
      }
    } finally {
      await c.end();
    }
    // Code review, pinned: the comparison is crypto.timingSafeEqual over equal-length digests.
    const source = await readFile(path.join(ROOT, 'apps/api/src/auth/api-key.ts'), 'utf8');
    expect(source).toMatch(/timingSafeEqual\(actual, expected\)/);
    expect(source).toMatch(/actual\.length === expected\.length && timingSafeEqual/);
  });

  it('sends helmet security headers, on API answers and errors alike', async () => {
    for (const [p, key] of [['/api/me', t.adminKey], ['/api/me', null], ['/health', null]] as const) {
      const r = await t.request('GET', p, { key });
      expect(r.headers.get('content-security-policy'), p).toMatch(/default-src 'self'/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(r.headers.get('x-powered-by')).toBeNull();
    }
  });
});

describe('subscription tokens and webhook secrets', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi('tokens', { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', LOG_LEVEL: 'debug' });
  });
  afterAll(async () => t?.close());

  it('unsubscribe, confirm and calendar tokens carry ≥ 128 random bits and are distinct; secrets are not logged', async () => {
    const secrets: string[] = [];
    const calendarTokens: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await t.request('POST', '/api/subscriptions', { body: { channel: 'webhook', url: `http://127.0.0.1:9/hook-${i}`, scope: { all: true } } });
      expect(r.status, r.text).toBe(201);
      secrets.push(r.json.secret);
      calendarTokens.push(/\/calendar\/([^/]+)\.ics$/.exec(r.json.calendarUrl)![1]);
      const rotated = await t.request('POST', `/api/subscriptions/${r.json.id}/rotate-secret`);
      if (rotated.json?.secret) secrets.push(rotated.json.secret);
    }
    const c = new pg.Client({ connectionString: t.db.url });
    await c.connect();
    const { rows } = await c.query<{ unsubscribe_token: string; calendar_token: string; confirm_token: string | null }>('SELECT unsubscribe_token, calendar_token, confirm_token FROM subscriptions');
    await c.end();
    const tokens = [...rows.flatMap((r) => [r.unsubscribe_token, r.calendar_token, r.confirm_token].filter((x): x is string => !!x)), ...calendarTokens];
    // base64url: 6 bits a character, so 22 characters hold 132 bits (randomBytes(24) gives 32).
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(new Set(rows.flatMap((r) => [r.unsubscribe_token, r.calendar_token])).size).toBe(rows.length * 2);
    // A token is scoped: an unknown one gets 404, never someone else's feed.
    expect((await t.request('GET', `/calendar/${'A'.repeat(32)}.ics`, { key: null })).status).toBe(404);
    for (const secret of secrets) expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const logs = JSON.stringify(t.logs);
    const leaked = [...secrets, ...secrets.map((s) => s.slice(6)), ...tokens].filter((x) => logs.includes(x));
    await writeResult({
      id: 'security-tokens-and-webhook-secrets',
      scenario: 'Subscription tokens ≥ 128 bits; webhook secrets never logged',
      injected: `20 webhook subscriptions + secret rotations at LOG_LEVEL=debug; ${tokens.length} tokens checked`,
      expected: 0,
      observed: leaked.length,
      unit: 'secrets or tokens found in the logs',
      duplicates: tokens.length - new Set(tokens).size - calendarTokens.length,
      losses: 0,
      unexpected5xx: 0,
      notes: { tokens: tokens.length, minTokenLength: Math.min(...tokens.map((x) => x.length)), secrets: secrets.length, logLines: t.logs.length },
    });
    expect(secrets.length).toBeGreaterThanOrEqual(20);
    expect(leaked).toEqual([]);
  });
});

describe('rate limits', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi('ratelimit', { RATE_LIMIT_AUTH_FAILURES: '5', RATE_LIMIT_IMPORTS: '3' });
  });
  afterAll(async () => t?.close());

  it('failed authentications: 401 up to the limit, then 429 with Retry-After in the error format; a valid key still works', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await t.request('GET', '/api/me', { key: i % 2 ? null : 'mw_aaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbb' })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const r = await t.request('GET', '/api/mandates', { key: 'wrong' });
    expect(r.status).toBe(429);
    expect(r.json.error.code).toBe('RATE_LIMITED');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await t.request('GET', '/api/me')).status).toBe(200);
  });

  it('imports per key: the fourth within a minute gets 429', async () => {
    const body = 'Not a document anyone could parse.';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.request('POST', '/api/imports?dryRun=true', { rawBody: body, headers: { 'content-type': 'text/plain; charset=utf-8' } })).status);
    expect(statuses.slice(0, 3).every((s) => s !== 429 && s < 500)).toBe(true);
    expect(statuses[3]).toBe(429);
  });
});
