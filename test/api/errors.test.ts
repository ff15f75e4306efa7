import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support.js';

/** The contract's error format for every kind of bad input; never a 500. */
describe('errors', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi('errors');
  });
  afterAll(async () => t?.close());

  it('malformed JSON → 400 MALFORMED_JSON', async () => {
    const r = await t.request('POST', '/api/keys', { rawBody: '{"name": "x", "role":', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: { code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' } });
  });

  it('a body that is not JSON → 415', async () => {
    const r = await t.request('POST', '/api/keys', { rawBody: 'name=x&role=viewer', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(415);
    expect(r.json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const none = await t.request('PUT', '/api/clock', { rawBody: '{"now":null}' }); // fetch sends text/plain
    expect(none.status).toBe(415);
  });

  it('a JSON body over 1 MB → 413 PAYLOAD_TOO_LARGE', async () => {
    const r = await t.request('POST', '/api/keys', { body: { name: 'x'.repeat(1_100_000), role: 'viewer' } });
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a missing body is a validation failure, not a crash', async () => {
    const r = await t.request('POST', '/api/keys');
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('VALIDATION_FAILED');
  });

  it('unknown routes → 404 NOT_FOUND in the error format, authenticated or not', async () => {
    for (const key of [undefined, null]) {
      const r = await t.request('GET', '/api/no-such-thing', { key });
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ error: { code: 'NOT_FOUND', message: 'No such resource: GET /api/no-such-thing' } });
    }
    expect((await t.request('DELETE', '/health')).status).toBe(404);
  });

  it('limit beyond 500, or not a number → 400 with the parameter named', async () => {
    const r = await t.request('GET', '/api/keys?limit=501');
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'limit', message: 'must be at most 500' }] });
    expect((await t.request('GET', '/api/keys?limit=abc')).json.error.details).toEqual([{ path: 'limit', message: 'must be a whole number' }]);
    expect((await t.request('GET', '/api/keys?limit=0')).status).toBe(400);
    expect((await t.request('GET', '/api/keys?limit=500')).status).toBe(200);
  });

  it('a made-up cursor → 400 INVALID_CURSOR', async () => {
    for (const p of ['/api/keys?cursor=garbage', '/api/events?cursor=garbage', '/api/mandates?cursor=garbage']) {
      const r = await t.request('GET', p);
      expect(r.status, p).toBe(400);
      expect(r.json.error.code, p).toBe('INVALID_CURSOR');
    }
  });

  it('lists each bad field with its path', async () => {
    const r = await t.request('POST', '/api/mandates', { body: { id: 'Not A Slug', names: {}, type: 'club', expiresOn: '2021-02-30', extra: 1 } });
    expect(r.status).toBe(400);
    const paths = r.json.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['', 'expiresOn', 'id', 'names.en', 'type']);
    expect(r.json.error.details.find((d: { path: string }) => d.path === '').message).toMatch(/extra/);
  });

  it('odd input is still bad input (400), never a 500', async () => {
    const nulQuery = await t.request('GET', '/api/mandates?q=%00');
    expect(nulQuery.json.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'q', message: 'must not contain the NUL character (U+0000)' }] });
    const nulBody = await t.request('POST', '/api/mandates', { body: { id: 'a', names: { en: 'x\u0000y' }, type: 'other' } });
    expect(nulBody.json.error.details).toEqual([{ path: 'names.en', message: 'must not contain the NUL character (U+0000)' }]);
    // Past the pipes (a path parameter), PostgreSQL's own refusal is still the client's error.
    const nulPath = await t.request('GET', '/api/mandates/a%00b');
    expect(nulPath.status).toBe(400);
    expect(nulPath.json.error.code).toBe('INVALID_VALUE');
    const undecodable = await t.request('DELETE', '/api/keys/%E0%A4%A');
    expect(undecodable.status).toBe(400);
    const notBrotli = await t.request('POST', '/api/keys', { rawBody: '{"name":"a","role":"viewer"}', headers: { 'content-type': 'application/json', 'content-encoding': 'br' } });
    expect(notBrotli.status).toBe(400);
    expect(notBrotli.json.error.code).toBe('BAD_REQUEST');
    const latin1 = await t.request('POST', '/api/keys', { rawBody: '{}', headers: { 'content-type': 'application/json; charset=latin1' } });
    expect(latin1.status).toBe(415);
    const craftedCursor = Buffer.from(JSON.stringify(['not-a-date', 'x'])).toString('base64url');
    expect((await t.request('GET', `/api/meetings?cursor=${craftedCursor}`)).status).toBe(400);
    const repeated = await t.request('GET', '/api/keys?limit=1&limit=2');
    expect(repeated.json.error.details[0].path).toBe('limit');
  });

  it('echoes a sane x-request-id, makes one otherwise', async () => {
    const given = await t.request('GET', '/health', { headers: { 'x-request-id': 'trace-123.abc' } });
    expect(given.headers.get('x-request-id')).toBe('trace-123.abc');
    const made = await t.request('GET', '/health', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers', async () => {
    const r = await t.request('GET', '/health');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('x-powered-by')).toBeNull();
    expect((await t.request('GET', '/api/me')).headers.get('cache-control')).toBe('no-store');
  });

  it('never answered 500 to any of this', () => {
    const statuses = t.logs.map((l) => (l.res as { statusCode?: number } | undefined)?.statusCode).filter(Boolean) as number[];
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });
});

describe('unexpected failures', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi('internal');
  });
  afterAll(async () => t?.close());

  it('answer 500 INTERNAL without internals, and log the error with the request id', async () => {
    // A real fault that is not bad input and not an outage: a table the code relies on is gone.
    await t.api.runtime.pool.query('ALTER TABLE api_keys RENAME TO api_keys_gone');
    try {
      const r = await t.request('GET', '/api/me', { headers: { 'x-request-id': 'fault-1' } });
      expect(r.status).toBe(500);
      expect(r.json).toEqual({ error: { code: 'INTERNAL', message: 'An unexpected error occurred; it has been logged' } });
      expect(r.text).not.toContain('api_keys');
      const logged = t.logs.find((l) => l.msg === 'unhandled error');
      expect(logged).toMatchObject({ level: 50, req: { id: 'fault-1' } });
      expect(JSON.stringify(logged)).toContain('api_keys');
    } finally {
      await t.api.runtime.pool.query('ALTER TABLE api_keys_gone RENAME TO api_keys');
    }
    expect((await t.request('GET', '/api/me')).status).toBe(200);
  });
});
