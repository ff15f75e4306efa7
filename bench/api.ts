import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { isMain, log, machineInfo, printTable, round, writeResults } from './lib/harness.js';
import { doneWith, projectedDatabase } from './lib/fixture.js';
import { pacedLoad } from './lib/paced-load.js';
import { createPool } from '#libs/db';

/**
 * Benchmark 5 (API) — `GET /api/mandates/upcoming` and `GET /api/events` on the 1M-event /
 * 5,000-mandate database (projections rebuilt). The API runs in a process of its own; for each
 * endpoint: the most it serves (autocannon, 10 connections), and 500 req/s evenly paced, open
 * loop (bench/lib/paced-load.ts: why not autocannon's overallRate), with p50/p99.
 * Target: p99 < 25 ms at 500 req/s.
 */
const EVENTS = Number(process.env.BENCH_FEED_EVENTS ?? 1_000_000);
const DURATION = Number(process.env.BENCH_API_SECONDS ?? 8);
/** Only the endpoints whose name contains this text (to iterate on one row; all by default). */
const ONLY = process.env.BENCH_API_ONLY;

interface Load {
  title: string;
  /** autocannon's closed loop with this many connections, or … */
  connections?: number;
  /** … this many requests a second, evenly paced (pacedLoad). */
  pacedRate?: number;
}

/** The same figures from either load generator. */
interface Measured {
  rate: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

async function startApi(databaseUrl: string): Promise<{ base: string; key: string; stop: () => Promise<void> }> {
  // BENCH_API_SERVER: the api-server.js of another build (A/B of two trees on one kept fixture).
  const script = process.env.BENCH_API_SERVER || path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib', 'api-server.js');
  const prof = process.env.BENCH_API_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_API_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, script, databaseUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`API exited with ${code}`)));
  });
  const { port, adminKey } = JSON.parse(line) as { port: number; adminKey: string };
  return {
    base: `http://127.0.0.1:${port}`,
    key: adminKey,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Paths asked in turn, each once (until the list runs out), by every connection together. */
interface Rotation {
  paths: string[];
  next: number;
}

async function cannon(url: string, key: string, load: Load, rotation?: Rotation): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: load.connections ?? 10,
    duration: DURATION,
    headers: { authorization: `Bearer ${key}` },
    ...(rotation ? { requests: [{ setupRequest: (req) => ({ ...req, path: rotation.paths[rotation.next++ % rotation.paths.length] }) }] } : {}),
  });
}

async function measure(base: string, path: string, key: string, load: Load, rotation?: Rotation): Promise<Measured> {
  if (load.pacedRate) {
    const r = await pacedLoad({
      base,
      path: () => (rotation ? rotation.paths[rotation.next++ % rotation.paths.length] : path),
      headers: { authorization: `Bearer ${key}` },
      rate: load.pacedRate,
      seconds: DURATION,
    });
    return { rate: r.rate, p50: round(r.latency.p50Ms, 1), p99: round(r.latency.p99Ms, 1), max: round(r.latency.maxMs, 1), errors: r.errors + (r.sent - r.completed) };
  }
  const r = await cannon(base + path, key, load, rotation);
  return { rate: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, errors: r.errors + r.non2xx + r.timeouts };
}

export async function benchApi(): Promise<Record<string, unknown>> {
  const fixture = await projectedDatabase(EVENTS);
  const pool = createPool(fixture.db.url, { max: 2, applicationName: 'bench-api' });
  try {
    const machine = await machineInfo(pool);
    // Half-way through the history: every mandate is in force, expiries spread over the year.
    const last = (await pool.query<{ d: string }>(`SELECT max(occurred_on)::text AS d FROM events WHERE type = 'MandateExtended'`)).rows[0].d;
    const asOf = `${Math.round((2001 + Number(last.slice(0, 4))) / 2)}-06-01`;
    const mid = (await pool.query<{ tx: string; position: string }>(
      'SELECT transaction_id::text AS tx, position::text AS position FROM events ORDER BY transaction_id, position OFFSET $1 LIMIT 1',
      [Math.floor(EVENTS / 2)],
    )).rows[0];
    const midCursor = Buffer.from(`${mid.tx}.${mid.position}`, 'utf8').toString('base64url');
    const counts = (await pool.query<{ mandates: number; events: number }>('SELECT (SELECT count(*) FROM mandates)::int AS mandates, (SELECT count(*) FROM events)::int AS events')).rows[0];

    // The API keeps answers (apps/api/src/platform/response-cache.ts): the endpoints above ask one
    // URL again and again (the cache's hit path). These ask a different URL every time, never
    // cached yet: pages from a cursor every 50 events, upcoming for each day of the history.
    const cursors = (await pool.query<{ tx: string; position: string }>(
      `SELECT tx::text, position::text FROM (SELECT transaction_id AS tx, position, row_number() OVER (ORDER BY transaction_id, position) AS n FROM events) e WHERE n % 50 = 0`,
    )).rows.map((r) => Buffer.from(`${r.tx}.${r.position}`, 'utf8').toString('base64url'));
    const days = (await pool.query<{ d: string }>(`SELECT generate_series('2001-01-01'::date, $1::date, '1 day')::date::text AS d`, [last])).rows.map((r) => r.d);
    const api = await startApi(fixture.db.url);
    const endpoints: { name: string; path: string; rotation?: Rotation }[] = [
      { name: 'GET /api/mandates/upcoming', path: `/api/mandates/upcoming?asOf=${asOf}&within=14` },
      { name: 'GET /api/events (first page, 100)', path: '/api/events?limit=100' },
      { name: 'GET /api/events (page at 50%, 100)', path: `/api/events?limit=100&cursor=${midCursor}` },
      {
        name: 'GET /api/mandates/upcoming (a new asOf each time)',
        path: `/api/mandates/upcoming?asOf=${asOf}&within=14`,
        rotation: { paths: days.map((d) => `/api/mandates/upcoming?asOf=${d}&within=14`), next: 0 },
      },
      {
        name: 'GET /api/events (a new page each time, 100)',
        path: `/api/events?limit=100&cursor=${cursors[0]}`,
        rotation: { paths: cursors.map((c) => `/api/events?limit=100&cursor=${c}`), next: 0 },
      },
    ];
    const loads: Load[] = [
      { title: 'max (10 connections)', connections: 10 },
      { title: '500 req/s, evenly paced', pacedRate: 500 },
    ];
    const rows: Record<string, unknown>[] = [];
    try {
      for (const ep of endpoints) {
        if (ONLY && !ep.name.includes(ONLY)) continue;
        const check = await fetch(api.base + ep.path, { headers: { authorization: `Bearer ${api.key}` } });
        const body = (await check.json()) as { items?: unknown[] };
        if (check.status !== 200 || !body.items?.length) throw new Error(`${ep.name}: ${check.status} ${JSON.stringify(body).slice(0, 200)}`);
        // JIT, plans, caches (not for the rotations: they would fill the answer cache).
        if (!ep.rotation) await cannon(api.base + ep.path, api.key, { title: 'warm-up', connections: 4 });
        for (const load of loads) {
          log(`${ep.name}: ${load.title}`);
          const asked = ep.rotation?.next ?? 0;
          const r = await measure(api.base, ep.path, api.key, load, ep.rotation);
          rows.push({
            endpoint: ep.name,
            load: load.title,
            'req/s': Math.round(r.rate),
            'p50 ms': r.p50,
            'p99 ms': r.p99,
            'max ms': r.max,
            'items/resp': ep.rotation ? 'varies' : body.items.length,
            // Past the list's end, URLs repeat (and may hit the cache): the count says so.
            ...(ep.rotation ? { 'new URLs': Math.max(0, Math.min(ep.rotation.next, ep.rotation.paths.length) - asked) } : {}),
            errors: r.errors,
          });
        }
      }
    } finally {
      await api.stop();
    }
    printTable(`API on ${counts.events.toLocaleString('en-US')} events, ${counts.mandates.toLocaleString('en-US')} mandates (${DURATION} s per run; max: autocannon, closed loop; 500 req/s: open loop, latency from each request's due time)`, rows);
    const at500 = rows.filter((r) => String(r.load).startsWith('500'));
    printTable(
      'Targets',
      at500.map((r) => ({ endpoint: r.endpoint, value: `p99 ${r['p99 ms']} ms at ${r['req/s']} req/s (target < 25 ms at 500) ${(r['p99 ms'] as number) < 25 && (r['req/s'] as number) >= 490 ? 'MET' : 'MISSED'}` })),
    );
    const result = { benchmark: 'api', data: { ...counts, asOf }, durationSeconds: DURATION, rows, targets: { p99MsAt500: 25 }, machine };
    await writeResults('api', result);
    return result;
  } finally {
    await pool.end();
    await doneWith(fixture);
  }
}

if (isMain(import.meta.url)) await benchApi();
