import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../api/support.js';
import { HOSTILE, hostileString } from './support/hostile.js';
import { writeResult } from './support/results.js';

/**
 * The public token endpoints (no API key; the token is the credential): `/unsubscribe/{token}`
 * (GET page, POST one-click), `/confirm/{token}`, `/calendar/{token}.ics`. fast-check generates
 * hostile tokens — arbitrary and malformed strings, broken percent-encodings, huge ones, and
 * near misses of the real tokens (one character changed, cut, extended, case-flipped, another
 * kind's token) — with hostile bodies and content types. Properties: never a 5xx, never a
 * dropped connection, never a 2xx (no generated token is valid), and the subscriptions and
 * deliveries tables are unchanged after every request.
 */
// npm test: 1,000 runs; `npm run test:resilience` runs this file with 10,000 (token-endpoints.long.ts).
const RUNS = Number(process.env.TOKEN_FUZZ_RUNS ?? 1_000);
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

let t: TestApi;
let db: pg.Client;
const tokens: Record<'unsubscribe' | 'calendar' | 'confirm', string[]> = { unsubscribe: [], calendar: [], confirm: [] };

/** Everything a token request could change: the subscriptions (all columns) and the deliveries. */
async function state(): Promise<string> {
  const { rows } = await db.query<{ s: string; d: string }>(
    `SELECT (SELECT md5(coalesce(string_agg(s::text, ',' ORDER BY id), '')) FROM subscriptions s) AS s,
            (SELECT md5(coalesce(string_agg(d::text, ',' ORDER BY id), '')) FROM deliveries d) AS d`,
  );
  return `${rows[0].s}/${rows[0].d}`;
}

beforeAll(async () => {
  t = await startTestApi('tokenfuzz', { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', RATE_LIMIT_AUTH_FAILURES: '0' });
  const editor = (await t.request('POST', '/api/keys', { body: { name: 'fuzz editor', role: 'editor' } })).json.key as string;
  for (let i = 0; i < 3; i++) {
    // An editor's email subscription waits for its confirmation: it has a confirm token.
    const email = await t.request('POST', '/api/subscriptions', { key: editor, body: { channel: 'email', address: `fuzz${i}@example.org`, scope: { all: true } } });
    expect(email.status, email.text).toBe(201);
    expect(email.json.status).toBe('pending_confirmation');
    const hook = await t.request('POST', '/api/subscriptions', { body: { channel: 'webhook', url: `http://127.0.0.1:9/hook${i}`, scope: { all: true } } });
    expect(hook.status, hook.text).toBe(201);
  }
  db = new pg.Client({ connectionString: t.db.url });
  await db.connect();
  const { rows } = await db.query<{ unsubscribe_token: string; calendar_token: string; confirm_token: string | null }>('SELECT unsubscribe_token, calendar_token, confirm_token FROM subscriptions');
  for (const r of rows) {
    tokens.unsubscribe.push(r.unsubscribe_token);
    tokens.calendar.push(r.calendar_token);
    if (r.confirm_token) tokens.confirm.push(r.confirm_token);
  }
});
afterAll(async () => {
  await db?.end();
  await t?.close();
});

const realToken = fc.constantFrom('unsubscribe', 'calendar', 'confirm' as const).chain((kind) => fc.constantFrom(...tokens[kind]));
/** A real token, changed so that it is no longer valid (yet close). */
const nearMiss = fc.tuple(realToken, fc.nat(), fc.constantFrom(...B64URL), fc.constantFrom('flip', 'cut', 'extend', 'case', 'pad', 'double')).map(([tok, at, ch, how]) => {
  const i = at % tok.length;
  switch (how) {
    case 'flip':
      return tok.slice(0, i) + (tok[i] === ch ? (ch === 'A' ? 'B' : 'A') : ch) + tok.slice(i + 1);
    case 'cut':
      return tok.slice(0, i);
    case 'extend':
      return tok + ch;
    case 'case':
      return tok === tok.toUpperCase() ? tok.toLowerCase() : tok.toUpperCase();
    case 'pad':
      return ` ${tok}\t`;
    default:
      return tok + tok;
  }
});
/** Percent-encoded (lone surrogates, which encodeURIComponent refuses, as their UTF-8 replacement bytes). */
const pct = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return Buffer.from(s).toString('hex').replace(/../g, '%$&');
  }
};
/** Tokens as they go into the URL: percent-encoded, or raw (broken escapes, dots, slashes). */
const tokenInPath = fc.oneof(
  { weight: 3, arbitrary: nearMiss.map(pct) },
  { weight: 3, arbitrary: hostileString.map(pct) },
  { weight: 2, arbitrary: fc.constantFrom('%', '%ZZ', '%00', '%E0%A4%A', '%ff%fe', '..', '..%2f..%2fetc%2fpasswd', '%2e%2e', '.ics', '%0d%0aX-Injected:%201', 'A'.repeat(20_000), 'A'.repeat(64), 'A'.repeat(65), 'A'.repeat(15), 'null', 'undefined', '%3Cscript%3E') },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...B64URL), minLength: 16, maxLength: 64 }) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE).map((s) => pct(s).slice(0, 30_000)) },
);
const bodies = fc.oneof(
  fc.constant({ body: 'List-Unsubscribe=One-Click', type: 'application/x-www-form-urlencoded' }),
  hostileString.map((s) => ({ body: s, type: 'application/x-www-form-urlencoded' })),
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ body: JSON.stringify(v), type: 'application/json' })),
  hostileString.map((s) => ({ body: s, type: 'application/json' })),
  fc.uint8Array({ maxLength: 200 }).map((b) => ({ body: Buffer.from(b), type: 'application/octet-stream' })),
  fc.constant({ body: '{"a":'.repeat(10_000), type: 'application/json' }),
  fc.constant({ body: 'x'.repeat(2_000_000), type: 'text/plain' }),
  fc.constant({ body: undefined, type: undefined }),
);
const request = fc.record({
  endpoint: fc.constantFrom('GET unsubscribe', 'POST unsubscribe', 'HEAD unsubscribe', 'GET confirm', 'POST confirm', 'GET calendar', 'GET calendar-noext', 'POST calendar'),
  token: tokenInPath,
  body: bodies,
  accept: fc.constantFrom('text/html', 'application/json', '*/*', 'text/calendar', 'x/y;q=nonsense'),
});
/** A real token, unchanged, on another kind's endpoint (a calendar token must not unsubscribe). */
const crossKind = fc
  .tuple(fc.constantFrom('unsubscribe', 'calendar', 'confirm' as const), fc.constantFrom('GET unsubscribe', 'POST unsubscribe', 'GET confirm', 'GET calendar'), fc.nat())
  .filter(([kind, endpoint]) => !endpoint.endsWith(kind))
  .map(([kind, endpoint, i]) => ({ endpoint, token: tokens[kind][i % tokens[kind].length], body: { body: 'List-Unsubscribe=One-Click', type: 'application/x-www-form-urlencoded' }, accept: 'text/html' }));
const requests = fc.oneof({ weight: 9, arbitrary: request }, { weight: 1, arbitrary: crossKind });

describe('hostile tokens on the public token endpoints', () => {
  it(`${RUNS} generated requests: no 5xx, no 2xx, no state change; the real tokens carry ≥ 128 bits`, async () => {
    const initial = await state();
    const byStatus = new Map<number, number>();
    let changes = 0;
    let dropped = 0;
    let accepted = 0;
    let runs = 0;
    let failure: unknown = null;
    await fc.assert(
      fc.asyncProperty(requests, async ({ endpoint, token, body, accept }) => {
        runs++;
        const [method, kind] = endpoint.split(' ');
        const p = kind === 'calendar' ? `/calendar/${token}.ics` : kind === 'calendar-noext' ? `/calendar/${token}` : `/${kind}/${token}`;
        let status: number;
        try {
          const r = await t.request(method, p, { key: null, rawBody: method === 'POST' ? body.body : undefined, headers: { accept, ...(method === 'POST' && body.type ? { 'content-type': body.type } : {}) } });
          status = r.status;
        } catch (err) {
          dropped++;
          throw new Error(`${method} ${p.slice(0, 200)}: connection dropped (${(err as Error).message})`);
        }
        byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
        if (status >= 200 && status < 300) accepted++;
        const now = await state();
        if (now !== initial) changes++;
        expect(status, `${method} ${p.slice(0, 200)}`).toBeLessThan(500);
        expect(status, `${method} ${p.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(now, `${method} ${p.slice(0, 200)} changed the subscriptions or deliveries`).toBe(initial);
      }),
      { numRuns: RUNS, endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? 20261126) },
    ).catch((err: unknown) => {
      failure = err; // the figures are written first
    });
    // The real tokens still work (GET pages change nothing) and are ≥ 128 bits of base64url.
    const all = [...tokens.unsubscribe, ...tokens.calendar, ...tokens.confirm];
    const minBits = Math.min(...all.map((x) => (/^[A-Za-z0-9_-]+$/.test(x) ? x.length * 6 : 0)));
    expect((await t.request('GET', `/unsubscribe/${tokens.unsubscribe[0]}`, { key: null })).status).toBe(200);
    expect((await t.request('GET', `/calendar/${tokens.calendar[0]}.ics`, { key: null })).status).toBe(200);
    const fivexx = [...byStatus].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    await writeResult({
      id: RUNS >= 10_000 ? 'hostile-input-tokens' : 'hostile-input-tokens-quick',
      scenario: 'Hostile tokens on /unsubscribe, /confirm and /calendar/{token}.ics (fast-check)',
      injected: `${runs} generated requests: near misses of real tokens (a character changed, cut, extended, case-flipped, another kind's token), arbitrary/huge/broken-escape tokens, hostile bodies and content types`,
      expected: runs,
      observed: runs - changes - dropped - accepted - fivexx,
      unit: 'requests refused with 4xx and no change to subscriptions or deliveries',
      duplicates: 0,
      losses: 0,
      unexpected5xx: fivexx,
      notes: { statuses: Object.fromEntries([...byStatus].sort(([a], [b]) => a - b)), stateChanges: changes, dropped, accepted, tokens: all.length, minTokenBits: minBits },
    });
    if (failure) throw failure;
    expect(runs).toBe(RUNS);
    expect(minBits).toBeGreaterThanOrEqual(128);
  }, 600_000);
});
