import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApiKey, requester, type Requester } from './support/api.js';
import { privateBuild } from './support/build.js';
import { spawnNode, type Child } from '../support/children.js';
import { startOwnPostgres, startOwnRedis, until, type OwnPostgres, type OwnRedis } from './support/instances.js';
import { writeResult } from './support/results.js';

/**
 * The deployment shape of the README: 2 API processes and 2 worker processes (the built entry
 * points, as `npm run start:api` / `start:worker` run them) on one PostgreSQL and one Redis, both
 * the test's own. Writes go through both APIs and every read through either sees them; readiness
 * follows Redis going away; SIGTERM drains a request in flight and exits 0; the metrics expose
 * projection lag; and no log line of any process holds a key or secret.
 */
let db: OwnPostgres;
let redis: OwnRedis;
let build: string;
const procs: Child[] = [];
const adminKey = makeApiKey();
let apis: (Requester & { child: Child; base: string })[] = [];
let workers: Child[] = [];

async function startApi(env: Record<string, string>) {
  const c = spawnNode(path.join(build, 'dist/apps/api/src/main.js'), env);
  procs.push(c);
  const line = await c.waitFor((l) => l.msg === 'API listening');
  const base = `http://127.0.0.1:${line.port as number}`;
  return { ...requester(base, adminKey), child: c, base };
}

beforeAll(async () => {
  [db, redis, build] = await Promise.all([startOwnPostgres('scaleout'), startOwnRedis('scaleout'), privateBuild()]);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mw-res-scale-'));
  const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, ADMIN_API_KEY: adminKey, PORT: '0', DATA_DIR: dataDir, NODE_ENV: 'production', PUBLIC_URL: 'https://mw.example.org', LOG_LEVEL: 'debug' };
  apis = await Promise.all([startApi(env), startApi(env)]);
  workers = [0, 1].map(() => spawnNode(path.join(build, 'dist/apps/launcher/src/worker.js'), env));
  procs.push(...workers);
  await Promise.all(workers.map((w) => w.waitFor((l) => l.msg === 'worker running')));
}, 300_000);
afterAll(async () => {
  await Promise.all(procs.map((p) => p.kill('SIGKILL')));
  await redis?.destroy();
  await db?.destroy();
});

describe('scale out: 2 APIs + 2 workers on one PostgreSQL and one Redis', () => {
  const N = 40;
  let editorKey = '';

  it('writes through both APIs are seen by reads through both, and the workers keep projections current', async () => {
    const [a, b] = apis;
    const editor = await a.request('POST', '/api/keys', { body: { name: 'scale editor', role: 'editor' } });
    editorKey = editor.json.key;
    expect((await b.request('GET', '/api/me', { key: editorKey })).json.role).toBe('editor'); // a key made on A works on B at once
    let seenByOther = 0;
    let fiveXx = 0;
    await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const [writer, reader] = i % 2 ? [a, b] : [b, a];
        const w = await writer.request('POST', '/api/mandates', { key: editorKey, body: { id: `scale-${i}`, acronym: `SC${i}`, names: { en: `Scale ${i}` }, type: 'other', expiresOn: '2030-01-01' } });
        if (w.status >= 500) fiveXx++;
        expect(w.status).toBe(201);
        const r = await reader.request('GET', `/api/mandates/scale-${i}`, { key: editorKey });
        if (r.status === 200 && r.json.id === `scale-${i}`) seenByOther++;
      }),
    );
    const lists = await Promise.all(apis.map((api) => api.request('GET', '/api/mandates?limit=500', { key: editorKey })));
    const ids = lists.map((l) => (l.json.items as { id: string }[]).map((m) => m.id).filter((id) => id.startsWith('scale-')).sort());
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const appended = (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'mandate-scale-%'`)).rows[0].n;
    // The workers (not only the APIs' read-your-writes) project: their connections hold the lock in turn.
    await until('the projections to be current', async () => {
      const r = await c.query<{ behind: number }>(`SELECT count(*)::int AS behind FROM events e, projection_checkpoints p WHERE (e.transaction_id, e.position) > (p.transaction_id, p.position)`);
      return r.rows[0].behind === 0;
    });
    const workerSessions = (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'mandate-watch-worker'`)).rows[0].n;
    await c.end();
    await writeResult({
      id: 'scale-out',
      scenario: 'Scale out: 2 API + 2 worker processes, one PostgreSQL, one Redis',
      injected: `${N} writes alternating between the APIs, each read back through the other`,
      expected: N,
      observed: seenByOther,
      unit: 'writes seen through the other API at once',
      duplicates: appended - N,
      losses: N - Math.min(ids[0].length, ids[1].length),
      unexpected5xx: fiveXx,
      notes: { eventsAppended: appended, listedByA: ids[0].length, listedByB: ids[1].length, workerSessions },
    });
    expect(seenByOther).toBe(N);
    expect(ids[0]).toEqual(ids[1]);
    expect(ids[0].length).toBe(N);
    expect(appended).toBe(N);
    expect(workerSessions).toBeGreaterThanOrEqual(2);
  });

  it('/health/ready is 503 (redis down) on both APIs while Redis is down, 200 again after', async () => {
    await redis.stop();
    for (const api of apis) {
      await until('readiness to report Redis down', async () => {
        const r = await api.request('GET', '/health/ready', { key: null });
        return r.status === 503 && r.json.error.details.some((d: { name: string; status: string }) => d.name === 'redis' && d.status === 'down') && !!r.headers.get('retry-after');
      }, 30_000, 100);
    }
    await redis.start();
    for (const api of apis) await until('readiness to recover', async () => (await api.request('GET', '/health/ready', { key: null })).status === 200, 60_000, 200);
  });

  it('exposes Prometheus metrics including projection lag', async () => {
    const m = await apis[0].request('GET', '/metrics', { key: null });
    expect(m.status).toBe(200);
    expect(m.text).toMatch(/^mw_projection_lag_events\{projection="slowest"\} \d+$/m);
    expect(m.text).toMatch(/^http_request_duration_seconds_count\{/m);
  });

  it('SIGTERM drains a request in flight, then the API exits 0; a worker exits 0 too', async () => {
    const [, b] = apis;
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE');
    const inFlight = b.request('GET', '/api/me');
    await until('the request to wait on the lock', async () => {
      const r = await locker.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()`);
      return r.rows[0].n > 0;
    }, 30_000, 20);
    b.child.child.kill('SIGTERM');
    await b.child.waitFor((l) => l.msg === 'shutting down');
    await locker.query('COMMIT');
    await locker.end();
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(r.json.role).toBe('admin');
    expect(await b.child.exited).toBe(0);
    workers[1].child.kill('SIGTERM');
    expect(await workers[1].exited).toBe(0);
  });

  // `mw_<id>_<secret>`: the secret is base64url and may itself contain '_'.
  const secretOf = (key: string) => key.split('_').slice(2).join('_');

  it('no process logged a key or a secret', async () => {
    // A few failed authentications with real-looking keys, so that the redaction is exercised.
    await apis[0].request('GET', '/api/me', { key: `${adminKey.slice(0, -3)}xyz` });
    await apis[0].request('GET', '/api/me', { key: editorKey });
    await apis[0].request('POST', '/api/keys', { body: { name: 'log probe', role: 'viewer' } });
    await new Promise((r) => setTimeout(r, 200)); // let the last lines reach the pipe
    const logs = procs.map((p) => p.raw()).join('\n');
    const secrets = [adminKey, secretOf(adminKey), editorKey, secretOf(editorKey), adminKey.slice(0, -3)];
    const leaks = secrets.filter((s) => logs.includes(s));
    await writeResult({
      id: 'security-no-secret-logged',
      scenario: 'No secret in the logs (2 APIs + 2 workers, LOG_LEVEL=debug)',
      injected: 'key creation, authenticated and failed requests, shutdown; logs grepped for every key and secret',
      expected: 0,
      observed: leaks.length,
      unit: 'secrets found in the logs',
      duplicates: 0,
      losses: 0,
      unexpected5xx: 0,
      notes: { logBytes: logs.length, logLines: procs.reduce((n, p) => n + p.lines.length, 0), secretsChecked: secrets.length },
    });
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).toMatch(/"authorization":"\[redacted\]"/);
    expect(leaks).toEqual([]);
  });
});
