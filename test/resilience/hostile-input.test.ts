import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../api/support.js';
import { hostilePdfs } from './support/hostile-pdf.js';
import { hostileString } from './support/hostile.js';
import { enc, fillPath, operations, WRITE_METHODS, type Operation } from './support/openapi.js';
import { writeResult } from './support/results.js';

/**
 * ≥ 10,000 generated hostile requests across every write operation of the OpenAPI document
 * (so a new endpoint is fuzzed without editing this file) and the importer: malformed and
 * oversized bodies, wrong content types and encodings, bad unicode, SQL/HTML/script payloads in
 * otherwise valid bodies and in path parameters. Properties: no 5xx, no dropped connection, and a
 * request that is refused (4xx) leaves the event log exactly as it was.
 */
// npm test: 2,500 runs (about a minute); `npm run test:resilience` runs this file with 10,000
// (hostile-input.long.ts). Each figure goes to its own results file.
const RUNS = Number(process.env.FUZZ_RUNS ?? 2_500);

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(hostileString, { maxLength: 4 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

/** Plausible bodies, so that mutations reach the validators and handlers behind the JSON parser. */
const TEMPLATES: Record<string, () => Record<string, unknown>> = {
  '/api/keys': () => ({ name: 'fuzz', role: 'viewer' }),
  '/api/clock': () => ({ now: '2021-06-01T00:00:00Z' }),
  '/api/streams/{streamId}/events': () => ({ expectedVersion: 'any', events: [{ id: randomUUID(), type: 'MeetingHeld', data: { meetingId: 'x', date: '2021-01-01' } }] }),
  '/api/meetings': () => ({ symbol: 'S/PV.8703', date: '2020-01-15', agendaItem: 'situation-in-mali', format: 'briefing' }),
  '/api/decisions': () => ({ symbol: 'S/RES/2531 (2020)', kind: 'resolution', adoptedOn: '2020-06-29', vote: { for: 15, against: 0, abstaining: 0 } }),
  '/api/mandates': () => ({ id: 'fuzz-mission', acronym: 'FUZZ', names: { en: 'Fuzz Mission' }, type: 'peace_operation', establishedOn: '2020-01-01', expiresOn: '2021-01-01' }),
  '/api/mandates/{id}/extensions': () => ({ until: '2022-06-30', decision: 'S/RES/2584 (2021)', adoptedOn: '2021-06-29' }),
  '/api/mandates/{id}/termination': () => ({ on: '2023-12-31', decision: 'S/RES/2690 (2023)', adoptedOn: '2023-06-30' }),
};

function mutate(base: Record<string, unknown>, mutations: { path: number; key: string; value: unknown; op: 'set' | 'delete' | 'add' }[]): unknown {
  const obj: Record<string, unknown> = structuredClone(base);
  for (const m of mutations) {
    const keys = Object.keys(obj);
    if (m.op === 'add' || keys.length === 0) obj[m.key] = m.value;
    else if (m.op === 'delete') delete obj[keys[m.path % keys.length]];
    else {
      const k = keys[m.path % keys.length];
      const inner = obj[k];
      // One level down too (vote.for, names.en, events[0].data…).
      if (inner && typeof inner === 'object' && m.path % 2) {
        const target = Array.isArray(inner) ? (inner[0] as Record<string, unknown>) : (inner as Record<string, unknown>);
        if (target && typeof target === 'object') {
          const ik = Object.keys(target);
          if (ik.length) target[ik[m.path % ik.length]] = m.value;
          continue;
        }
      }
      obj[k] = m.value;
    }
  }
  return obj;
}

const OVERSIZED_JSON = Buffer.from(JSON.stringify({ name: 'x'.repeat(1_100_000), role: 'viewer' }));
const OVERSIZED_DOC = Buffer.alloc(10 * 1024 * 1024 + 10, 'A');
const DEEP_JSON = Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
const BAD_UTF8 = [Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf0, 0x28, 0x8c, 0x28]), Buffer.from([0xc0, 0xaf])];
const CONTENT_TYPES = [
  'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'application/json; charset=utf-16', 'application/json; charset=latin1',
  'application/json; charset=bogus', 'application/pdf', 'text/csv', 'application/octet-stream', 'image/png', '', 'application/merge-patch+json', 'application/json;;;', 'application/*',
];

interface Req {
  method: string;
  url: string;
  body?: Buffer | string;
  headers: Record<string, string>;
  kind: string;
}

function jsonRequest(op: Operation): fc.Arbitrary<Req> {
  const template = TEMPLATES[op.path] ?? (() => ({}));
  const url = fc.tuple(fc.oneof(fc.constantFrom('minusma', 'mandate-fuzz', 'aaaaaaaaaa', randomUUID()), hostileString), fc.option(fc.tuple(hostileString, hostileString))).map(([param, query]) => {
    const u = fillPath(op.path, () => param || 'x');
    return query ? `${u}?${enc(query[0])}=${enc(query[1])}` : u;
  });
  const mutation = fc.record({ path: fc.nat(), key: hostileString, value: anyValue, op: fc.constantFrom('set', 'delete', 'add' as const) });
  const body: fc.Arbitrary<{ body?: Buffer | string; type?: string; extra?: Record<string, string>; kind: string }> = fc.oneof(
    { weight: 6, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => ({ body: JSON.stringify(mutate(template(), ms)), type: 'application/json', kind: 'mutated valid body' })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ body: JSON.stringify(v), type: 'application/json', kind: 'arbitrary JSON' })) },
    { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 30 })).map(([cut, junk]) => { const s = JSON.stringify(template()); return { body: s.slice(0, cut % s.length) + junk, type: 'application/json', kind: 'malformed JSON' }; }) },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_UTF8).map((b) => ({ body: b, type: 'application/json', kind: 'invalid UTF-8' })) },
    { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES).map((type) => ({ body: JSON.stringify(template()), type, kind: 'wrong content type' })) },
    { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity, gzip', 'x-unknown').map((enc) => ({ body: Buffer.from('not compressed at all'), type: 'application/json', extra: { 'content-encoding': enc }, kind: 'bogus content encoding' })) },
    { weight: 1, arbitrary: fc.constant({ body: DEEP_JSON, type: 'application/json', kind: 'deeply nested JSON' }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'no body' }) },
    { weight: 1, arbitrary: fc.constant({ body: OVERSIZED_JSON, type: 'application/json', kind: 'oversized JSON (1.1 MB)' }) },
  );
  return fc.tuple(url, body).map(([u, b]) => ({ method: op.method.toUpperCase(), url: u, body: b.body, headers: { ...(b.type ? { 'content-type': b.type } : {}), ...b.extra }, kind: b.kind }));
}

function importRequest(): fc.Arbitrary<Req> {
  const query = fc.tuple(fc.constantFrom('true', 'false', 'maybe', '', 'TRUE', '1'), fc.constantFrom('auto', 'repertoire', 'press-release', 'pdf', 'csv', 'xml', '<script>')).map(([d, f]) => `?dryRun=${encodeURIComponent(d)}&format=${encodeURIComponent(f)}`);
  const pdfs = hostilePdfs().filter((p) => p.bytes.length < 600_000 && !p.name.includes('bomb')); // the slow ones get their own test below
  const doc: fc.Arbitrary<{ body?: Buffer | string; type?: string; kind: string }> = fc.oneof(
    { weight: 3, arbitrary: fc.array(hostileString, { maxLength: 30 }).map((parts) => ({ body: parts.join('\n'), type: 'text/plain; charset=utf-8', kind: 'hostile text' })) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 3000 }).map((b) => ({ body: Buffer.from(b), type: 'text/plain; charset=utf-8', kind: 'random bytes as text' })) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 3000 }).map((b) => ({ body: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(b)]), type: 'application/pdf', kind: 'PDF header + garbage' })) },
    { weight: 1, arbitrary: fc.constantFrom(...pdfs).map((p) => ({ body: p.bytes, type: 'application/pdf', kind: `hostile PDF: ${p.name}` })) },
    { weight: 2, arbitrary: fc.array(fc.array(hostileString, { maxLength: 6 }), { maxLength: 10 }).map((rows) => ({ body: ['kind,mandate,symbol,date', ...rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(','))].join('\n'), type: 'text/csv', kind: 'hostile CSV' })) },
    { weight: 1, arbitrary: fc.tuple(hostileString, fc.constantFrom('file', 'document', '')).map(([content, field]) => ({ body: `--b\r\nContent-Disposition: form-data; name="${field}"; filename="x.txt"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--b--\r\n`, type: 'multipart/form-data; boundary=b', kind: 'multipart' })) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ({ body: s, type: 'multipart/form-data; boundary=zz', kind: 'broken multipart' })) },
    { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES).map((type) => ({ body: 'Security Council resolution 2531 (2020) extends MINUSMA until 30 June 2021.', type, kind: 'import: other content type' })) },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_UTF8).map((b) => ({ body: b, type: 'text/plain; charset=utf-8', kind: 'import: invalid UTF-8' })) },
  );
  return fc.tuple(query, doc).map(([q, d]) => ({ method: 'POST', url: `/api/imports${q}`, body: d.body, headers: (d.type ? { 'content-type': d.type } : {}) as Record<string, string>, kind: d.kind }));
}

describe('hostile input', () => {
  let t: TestApi;
  let c: pg.Client;
  let writeOps: Operation[];
  beforeAll(async () => {
    t = await startTestApi('hostile', { CLOCK_CONTROL: 'enabled', RATE_LIMIT_AUTH_FAILURES: '0', RATE_LIMIT_IMPORTS: '0', LOG_LEVEL: 'error' });
    c = new pg.Client({ connectionString: t.db.url });
    await c.connect();
    writeOps = (await operations(t)).filter((o) => WRITE_METHODS.includes(o.method));
  });
  afterAll(async () => {
    await c?.end();
    await t?.close();
  });

  const logState = async () => (await c.query<{ n: string; max: string | null }>('SELECT count(*)::text AS n, max(position)::text AS max FROM events')).rows[0];

  it(`${RUNS} generated requests over every write operation and the importer: no 5xx, refused requests change nothing`, async () => {
    expect(writeOps.map((o) => `${o.method} ${o.path}`)).toContain('post /api/imports');
    const others = writeOps.filter((o) => o.path !== '/api/imports');
    const request = fc.oneof({ weight: others.length, arbitrary: fc.constantFrom(...others).chain(jsonRequest) }, { weight: 3, arbitrary: importRequest() });
    const stats = { total: 0, byStatus: {} as Record<string, number>, byKind: {} as Record<string, number>, byOperation: {} as Record<string, number>, fiveXx: 0, dropped: 0, refusedThatChangedLog: 0, accepted: 0 };
    const failures: string[] = [];
    const before = await logState();
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const prior = await logState();
        let status: number;
        try {
          const res = await fetch(t.base + req.url, { method: req.method, headers: { authorization: `Bearer ${t.adminKey}`, ...req.headers }, body: req.body });
          await res.arrayBuffer();
          status = res.status;
        } catch (err) {
          stats.dropped++;
          failures.push(`${req.method} ${req.url.slice(0, 80)} (${req.kind}): ${(err as Error).message}`);
          return false;
        }
        const after = await logState();
        stats.total++;
        stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
        stats.byKind[req.kind] = (stats.byKind[req.kind] ?? 0) + 1;
        const opKey = `${req.method} ${writeOps.find((o) => new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]*')}(\\?|$)`).test(req.url) && o.method.toUpperCase() === req.method)?.path ?? req.url.split('?')[0]}`;
        stats.byOperation[opKey] = (stats.byOperation[opKey] ?? 0) + 1;
        if (status < 400) stats.accepted++;
        if (status >= 500) {
          stats.fiveXx++;
          const logged = [...t.logs].reverse().find((l) => (l.level as number) >= 50 && (l.err as { stack?: string })?.stack && !String((l.err as { message?: string }).message).startsWith('failed with status'));
          const stack = String((logged?.err as { stack?: string })?.stack ?? '').split('\n').slice(0, 4).join(' | ');
          failures.push(`${status} for ${req.method} ${req.url.slice(0, 80)} (${req.kind}): ${stack}`);
        }
        if (status >= 400 && (after.n !== prior.n || after.max !== prior.max)) {
          stats.refusedThatChangedLog++;
          failures.push(`${status} but the log changed: ${req.method} ${req.url.slice(0, 80)} (${req.kind})`);
        }
        return status < 500 && !(status >= 400 && after.n !== prior.n);
      }),
      { numRuns: RUNS, endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? 20261126) },
    ).catch((err) => failures.push(String(err).slice(0, 2000)));
    const after = await logState();
    await writeResult({
      id: RUNS >= 10_000 ? 'hostile-input-fuzz' : 'hostile-input-fuzz-quick',
      scenario: 'Hostile input (fast-check) on every write operation + importer',
      injected: `${stats.total} generated requests: malformed/oversized/deep bodies, wrong content types and encodings, bad UTF-8/unicode, SQL/HTML/script payloads`,
      expected: stats.total,
      observed: stats.total - stats.fiveXx - stats.dropped - stats.refusedThatChangedLog,
      unit: 'requests answered < 500 without a change from a refusal',
      duplicates: 0,
      losses: 0,
      unexpected5xx: stats.fiveXx,
      notes: { ...stats, operations: writeOps.length, eventsBefore: before.n, eventsAfter: after.n, failures: failures.slice(0, 20) },
    });
    expect(failures).toEqual([]);
    expect(stats.total).toBeGreaterThanOrEqual(RUNS);
    expect(Object.keys(stats.byOperation).length).toBeGreaterThanOrEqual(writeOps.length);
  }, 1_200_000);

  it('a body that does not decompress as its Content-Encoding says is a 400, not a 500 (found by the fuzz run)', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      for (const [method, p] of [['POST', '/api/meetings'], ['DELETE', '/api/keys/abc'], ['POST', '/api/imports']]) {
        const r = await t.request(method, p, { rawBody: Buffer.from('not compressed at all'), headers: { 'content-type': p === '/api/imports' ? 'text/plain' : 'application/json', 'content-encoding': encoding } });
        expect(r.status, `${encoding} ${method} ${p}`).toBe(400);
        expect(r.json.error.code).toBe('BAD_REQUEST');
      }
    }
  });

  it('hostile PDFs are refused or read within bounds, and the API stays responsive meanwhile', async () => {
    const rows: { name: string; bytes: number; status: number; code?: string; seconds: number; rssGrowthMb: number; healthDuring: number }[] = [];
    for (const { name, bytes } of hostilePdfs()) {
      const prior = await logState();
      const rss0 = process.memoryUsage().rss;
      const started = Date.now();
      const pending = t.request('POST', '/api/imports?dryRun=false', { rawBody: bytes, headers: { 'content-type': 'application/pdf' } });
      // While the document is being read, the API answers other requests (the event loop is free).
      const health = await t.request('GET', '/health', { key: null });
      const r = await pending;
      const seconds = (Date.now() - started) / 1000;
      rows.push({ name, bytes: bytes.length, status: r.status, code: r.json?.error?.code, seconds, rssGrowthMb: Math.round((process.memoryUsage().rss - rss0) / 1e6), healthDuring: health.status });
      const after = await logState();
      if (r.status >= 400) expect(after, name).toEqual(prior);
    }
    await writeResult({
      id: 'hostile-input-pdf',
      scenario: 'Hostile PDFs through POST /api/imports',
      injected: rows.map((r) => r.name).join('; '),
      expected: rows.length,
      observed: rows.filter((r) => r.status < 500 && r.seconds < 60 && r.healthDuring === 200).length,
      unit: 'documents answered < 500 within bounds, API responsive',
      duplicates: 0,
      losses: 0,
      unexpected5xx: rows.filter((r) => r.status >= 500).length,
      notes: { rows },
    });
    for (const row of rows) {
      expect(row.status, row.name).toBeLessThan(500);
      expect(row.healthDuring, row.name).toBe(200);
      // Generous bounds: the reader is stopped at 20 s and limited to a 512 MB heap.
      expect(row.seconds, row.name).toBeLessThan(60);
      expect(row.rssGrowthMb, row.name).toBeLessThan(1024);
    }
  }, 600_000);
});
