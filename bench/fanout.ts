import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import type pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { DEFAULT_DELIVERY_CONCURRENCY, DELIVERY_QUEUE, generateWebhookSecret, SMTP_POOL_SIZE, renderAlertEmail, type AlertPayload } from '#libs/alerting';
import { BusinessClock } from '#libs/clock';
import { upcast } from '#libs/domain';
import { EventStore } from '#libs/event-store';
import { flushPrefix, REDIS_URL } from '../test/alerting/support.js';
import { withBenchDatabase } from './lib/db.js';
import { isMain, log, machineInfo, now, printTable, processCpuMs, repoRoot, round, writeResults, type Machine } from './lib/harness.js';
import { CountingSmtpServer, CountingWebhookReceiver } from './lib/receivers.js';
import { lineChartSvg } from './lib/svg.js';

/**
 * Benchmark 4 — alert fan-out, and its growth (benchmark 7, deliveries).
 *
 * Real worker processes (`dist/apps/launcher/src/worker.js`, the `npm run start:worker` entry
 * point) on a database of their own, sending to a real SMTP server (npm `smtp-server`) and a real
 * HTTP receiver in this process, which count what arrives by Message-ID / webhook-id (an id seen
 * twice is a duplicate) and check every webhook signature. Subscriptions are inserted in bulk;
 * each phase has a mandate of its own whose 30-day reminder falls due for its subscriptions at one
 * instant; the business clock is set to the day before (the sweep plans the rows), then moved
 * past the due instant, and the phase lasts until every id has arrived. Phases, 100 days apart
 * (beyond the 60-day planning horizon, so each sweep only plans its own phase), with 1 worker
 * process: webhooks only (2,000), emails only (10,000), growth points (1,000 + 200, 3,000 + 600)
 * and everything together (10,000 emails + 2,000 webhooks); then with 2 worker processes:
 * everything together. Baseline, same run, same receivers, right after the 1-worker one-channel
 * phases: the same messages sent by plain nodemailer (pooled, as many connections as our mailer)
 * and plain `fetch` (signed), as many at a time as one worker process sends; a mixed phase is
 * compared with the two scaled per message and added.
 */
const EMAILS = Number(process.env.BENCH_FANOUT_EMAILS ?? 10_000);
const WEBHOOKS = Number(process.env.BENCH_FANOUT_WEBHOOKS ?? 2_000);
/** Growth points below the full size, as email subscriptions (webhooks in the same proportion). */
const GROWTH = (process.env.BENCH_FANOUT_GROWTH ?? '1000,3000').split(',').filter(Boolean).map(Number);
const WORKER_COUNTS = (process.env.BENCH_FANOUT_WORKERS ?? '1,2').split(',').map(Number);
/** Where worker processes write CPU profiles (`--cpu-prof`), when set. */
const CPU_PROF_DIR = process.env.BENCH_FANOUT_CPU_PROF;
const LOG_LEVEL = process.env.BENCH_FANOUT_LOG_LEVEL ?? 'warn';
/** What our worker does at once and our mailer's SMTP pool: the baseline uses the same. */
const CONCURRENCY = DEFAULT_DELIVERY_CONCURRENCY;
const SMTP_POOL = SMTP_POOL_SIZE;
const PHASE_TIMEOUT_MS = 240_000;

interface Phase {
  name: string;
  emails: number;
  webhooks: number;
}

interface Measured {
  emails: number;
  webhooks: number;
  /** From the clock move (or the baseline's start) until the last new id arrived. */
  totalMs: number;
  emailMs: number | null;
  webhookMs: number | null;
  firstMs: number | null;
  complete: boolean;
  /**
   * CPU time spent meanwhile, ms: this process (receivers, and the baseline's senders) and, for
   * ours, the worker processes and their PostgreSQL backends. Less skewed by other work on the
   * machine than wall time. Redis's share is not included (its server is shared).
   */
  cpuMs: { bench: number; workers: number; postgres: number };
}

interface PhaseResult extends Measured {
  phase: string;
  workers: number;
  duplicates: number;
  unverifiedWebhooks: number;
  rows: Record<string, number>;
  maxAttempts: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DAY = 86_400_000;
/** Phase k's mandate expires on this date; its reminder is due 30 days before. */
const expiryOf = (k: number) => new Date(Date.UTC(2031, 0, 15) + k * 100 * DAY).toISOString().slice(0, 10);
const mandateOf = (k: number) => `fan-${k}`;

export async function benchFanout(): Promise<Record<string, unknown>> {
  const smtp = new CountingSmtpServer();
  const hooks = new CountingWebhookReceiver();
  const secret = generateWebhookSecret();
  hooks.secret = secret;
  await smtp.start();
  await hooks.start();
  const results: PhaseResult[] = [];
  const baselines: (Measured & { phase: string })[] = [];
  let machine: Machine | undefined;
  const t0 = now();
  try {
    for (const workers of WORKER_COUNTS) {
      const first = workers === WORKER_COUNTS[0];
      // The first worker count runs every phase; the others only the headline one.
      const phases: Phase[] = [
        ...(first
          ? [
              { name: 'webhooks only', emails: 0, webhooks: WEBHOOKS },
              { name: 'emails only', emails: EMAILS, webhooks: 0 },
              ...GROWTH.map((g) => ({ name: `growth ${g + Math.round((g * WEBHOOKS) / EMAILS)}`, emails: g, webhooks: Math.round((g * WEBHOOKS) / EMAILS) })),
            ]
          : []),
        { name: 'together', emails: EMAILS, webhooks: WEBHOOKS },
      ];
      await withBenchDatabase(`fanout${workers}`, async (db, pool) => {
        machine ??= await machineInfo(pool);
        // The baseline runs next to the first worker count's one-channel phases only: plain sending
        // costs the same per message at any count and mix (the mixed phases are compared with the
        // sum of the two), and `npm run bench` has 10 minutes in all.
        const baseline = first ? (p: Phase, payload: AlertPayload) => (p.emails && p.webhooks ? Promise.resolve(null) : rawPhase(p, payload, smtp, hooks, secret)) : null;
        await fanoutRun(db.url, pool, workers, phases, smtp, hooks, secret, results, baseline, baselines);
      });
    }
  } finally {
    await smtp.stop();
    await hooks.stop();
  }
  const seconds = Math.round((now() - t0) / 1000);

  const rate = (n: number, ms: number | null) => (n && ms ? Math.round((n * 1000) / ms) : null);
  const cpuPer = (m: Measured) => Math.round(((m.cpuMs.bench + m.cpuMs.workers + m.cpuMs.postgres) * 1000) / (m.emails + m.webhooks));
  /** The baseline of a phase: measured for one channel, the sum of both channels' for a mix. */
  const rawOf = (phase: string): Measured | undefined => {
    const own = baselines.find((b) => b.phase === phase);
    const r = results.find((x) => x.phase === phase);
    const e = baselines.find((b) => b.phase === 'emails only');
    const w = baselines.find((b) => b.phase === 'webhooks only');
    if (own || !r || !e || !w) return own;
    // Per message, scaled to the phase's counts.
    const scale = (m: Measured, n: number, of: number) => (m.totalMs * n) / of;
    const emailMs = scale(e, r.emails, e.emails);
    const webhookMs = scale(w, r.webhooks, w.webhooks);
    const cpu = (k: keyof Measured['cpuMs']) => Math.round(scale({ ...e, totalMs: e.cpuMs[k] }, r.emails, e.emails) + scale({ ...w, totalMs: w.cpuMs[k] }, r.webhooks, w.webhooks));
    return { emails: r.emails, webhooks: r.webhooks, totalMs: emailMs + webhookMs, emailMs, webhookMs, firstMs: null, complete: e.complete && w.complete, cpuMs: { bench: cpu('bench'), workers: cpu('workers'), postgres: cpu('postgres') } };
  };
  const table = results.map((r) => {
    const raw = rawOf(r.phase);
    return {
      workers: r.workers,
      phase: r.phase,
      emails: r.emails,
      webhooks: r.webhooks,
      'all delivered s': round(r.totalMs / 1000, 1),
      'first after s': r.firstMs === null ? '' : round(r.firstMs / 1000, 2),
      'emails/s': rate(r.emails, r.emailMs) ?? '',
      'webhooks/s': rate(r.webhooks, r.webhookMs) ?? '',
      'raw s': raw ? `${round(raw.totalMs / 1000, 1)}${baselines.some((b) => b.phase === r.phase) ? '' : '*'}` : '',
      'ours/raw': raw ? round(raw.totalMs / r.totalMs, 2) : '',
      'CPU µs/delivery': cpuPer(r),
      'raw CPU µs': raw ? cpuPer(raw) : '',
      duplicates: r.duplicates,
      complete: r.complete ? 'yes' : 'NO',
    };
  });
  printTable(`Alert fan-out: worker processes → smtp-server / HTTP receiver (${CONCURRENCY} deliveries at a time per worker)`, table);
  console.log('  * raw for a mix: the one-channel baselines per message, scaled to its counts and added');
  printTable(
    `Baseline: plain nodemailer (pool of ${SMTP_POOL}) and fetch, ${CONCURRENCY} at a time, same receivers`,
    baselines.map((b) => ({ phase: b.phase, emails: b.emails, webhooks: b.webhooks, 'all delivered s': round(b.totalMs / 1000, 1), 'emails/s': rate(b.emails, b.emailMs) ?? '', 'webhooks/s': rate(b.webhooks, b.webhookMs) ?? '', 'CPU µs/delivery': cpuPer(b) })),
  );

  const one = results.filter((r) => r.workers === WORKER_COUNTS[0]);
  const growthRows = one
    .filter((r) => r.phase.startsWith('growth') || r.phase === 'together')
    .map((r) => {
      const raw = rawOf(r.phase) ?? null;
      const n = r.emails + r.webhooks;
      return {
        subscriptions: n,
        emails: r.emails,
        webhooks: r.webhooks,
        oursUsPerDelivery: Math.round((r.totalMs * 1000) / n),
        rawUsPerDelivery: raw ? Math.round((raw.totalMs * 1000) / n) : null,
        oursOverRaw: raw ? round(raw.totalMs / r.totalMs, 2) : null,
        oursCpuUsPerDelivery: cpuPer(r),
        rawCpuUsPerDelivery: raw ? cpuPer(raw) : null,
      };
    });
  printTable(
    'Growth: cost per delivery (1 worker, emails and webhooks due together)',
    growthRows.map((g) => ({
      subscriptions: g.subscriptions,
      'ours µs/delivery': g.oursUsPerDelivery,
      'raw µs/delivery': g.rawUsPerDelivery ?? '',
      'ours/raw (throughput)': g.oursOverRaw ?? '',
      'ours CPU µs/delivery': g.oursCpuUsPerDelivery,
      'raw CPU µs/delivery': g.rawCpuUsPerDelivery ?? '',
    })),
  );
  if (growthRows.length >= 2) {
    const svg = lineChartSvg({
      title: 'Alert fan-out: cost per delivery as subscriptions grow (1 worker)',
      xLabel: 'subscriptions due at one instant (log scale; 5 email : 1 webhook)',
      yLabel: 'wall-clock µs per delivery',
      pointLabel: 'subscriptions',
      series: [
        { name: 'Mandate Watch worker', color: '#1f77b4', points: growthRows.map((g) => ({ x: g.subscriptions, y: g.oursUsPerDelivery })) },
        // The baseline's cost per message (flat by nature), as a reference.
        ...(growthRows.every((g) => g.rawUsPerDelivery !== null)
          ? [{ name: 'plain nodemailer + fetch', color: '#999999', points: growthRows.map((g) => ({ x: g.subscriptions, y: g.rawUsPerDelivery! })) }]
          : []),
      ],
    });
    const svgPath = path.join(repoRoot, 'docs', 'bench-fanout-growth.svg');
    await writeFile(svgPath, svg);
    console.log(`plot: ${path.relative(repoRoot, svgPath)}`);
  }

  const find = (workers: number, phase: string) => results.find((r) => r.workers === workers && r.phase === phase);
  const summary = {
    emailsPerSecOneWorker: rate(EMAILS, find(1, 'emails only')?.emailMs ?? null),
    webhooksPerSecOneWorker: rate(WEBHOOKS, find(1, 'webhooks only')?.webhookMs ?? null),
    togetherSecondsOneWorker: find(1, 'together') ? round(find(1, 'together')!.totalMs / 1000, 1) : null,
    togetherSecondsTwoWorkers: find(2, 'together') ? round(find(2, 'together')!.totalMs / 1000, 1) : null,
    duplicates: results.reduce((s, r) => s + r.duplicates, 0),
    unverifiedWebhooks: results.reduce((s, r) => s + r.unverifiedWebhooks, 0),
    allComplete: results.every((r) => r.complete),
    costGrowth: growthRows.length >= 2 ? round(growthRows.at(-1)!.oursUsPerDelivery / growthRows[0].oursUsPerDelivery, 2) : null,
    cpuCostGrowth: growthRows.length >= 2 ? round(growthRows.at(-1)!.oursCpuUsPerDelivery / growthRows[0].oursCpuUsPerDelivery, 2) : null,
    oursOverRawTogether: find(1, 'together') && rawOf('together') ? round(rawOf('together')!.totalMs / find(1, 'together')!.totalMs, 2) : null,
    seconds,
  };
  printTable('Summary', Object.entries(summary).map(([figure, value]) => ({ figure, value: value ?? '' })));
  const result = {
    benchmark: 'fanout',
    workload: { emails: EMAILS, webhooks: WEBHOOKS, growth: GROWTH, workerCounts: WORKER_COUNTS, concurrencyPerWorker: CONCURRENCY, smtpPool: SMTP_POOL, workerLogLevel: LOG_LEVEL },
    results,
    baselines,
    growth: growthRows,
    summary,
    machine,
  };
  await writeResults('fanout', result);
  return result;
}

/** One database, `workers` worker processes, the phases one after the other. */
async function fanoutRun(
  databaseUrl: string,
  pool: pg.Pool,
  workers: number,
  phases: Phase[],
  smtp: CountingSmtpServer,
  hooks: CountingWebhookReceiver,
  secret: string,
  results: PhaseResult[],
  baseline: ((p: Phase, payload: AlertPayload) => Promise<Measured | null>) | null,
  baselines: (Measured & { phase: string })[],
): Promise<void> {
  const store = new EventStore(pool, { upcast, notifyChannel: 'mw_events' });
  await store.appendMany(
    phases.map((_, k) => ({
      streamId: `mandate-${mandateOf(k)}`,
      expectedVersion: 'no_stream' as const,
      events: [
        {
          type: 'MandateEstablished',
          occurredOn: '2030-01-01',
          data: { mandateId: mandateOf(k), acronym: `FAN${k}`, names: { en: `Fan-out mission ${k}` }, aliases: [], type: 'other', agendaItem: null, establishedOn: '2030-01-01', expiresOn: expiryOf(k), establishedBy: null },
        },
      ],
    })),
  );
  await insertSubscriptions(pool, phases, hooks.url, secret);
  const clock = await BusinessClock.start({ connectionString: databaseUrl });
  // The day before phase k's reminders: the sweep plans them (due within the horizon), enqueues none.
  const eve = (k: number) => new Date(Date.parse(expiryOf(k)) - 31 * DAY);
  await clock.set(eve(0));
  const prefix = `mwbench-fanout-${process.pid}-${workers}`;
  const logDir = mkdtempSync(path.join(tmpdir(), 'mw-bench-fanout-'));
  const children: { child: ChildProcess; log: string }[] = [];
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(DELIVERY_QUEUE, { connection: redis, prefix });
  let afterLast = smtp.ids.extraCopies + hooks.ids.extraCopies;
  try {
    for (let i = 0; i < workers; i++) children.push(startWorker(databaseUrl, smtp.url, prefix, path.join(logDir, `worker-${i}.log`)));
    await until(`${workers} worker process(es) to take deliveries`, async () => (await queue.getWorkers()).length >= workers, 120_000, children);
    log(`${workers} worker process(es) up`);
    const probe: CpuProbe = {
      workers: children.map((c) => c.child.pid!),
      backends: async () =>
        (await pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'mandate-watch%'`)).rows.map((r) => r.pid),
    };
    for (const [k, phase] of phases.entries()) {
      const expected = phase.emails + phase.webhooks;
      if (expected === 0) continue; // sized away by the knobs
      if (k > 0) await clock.set(eve(k));
      await until(`${expected} deliveries planned for ${phase.name}`, async () => (await count(pool, `mandate_id = $1`, [mandateOf(k)])) === expected, 120_000, children);
      await quiet(pool);
      const { rows } = await pool.query<{ due: Date; payload: AlertPayload }>(`SELECT max(due_at) OVER () AS due, payload FROM deliveries WHERE mandate_id = $1 LIMIT 1`, [mandateOf(k)]);
      const before = { dup: smtp.ids.extraCopies + hooks.ids.extraCopies, unverified: hooks.unverified };
      log(`${workers} worker(s), ${phase.name}: ${phase.emails} emails + ${phase.webhooks} webhooks due at ${rows[0].due.toISOString()}`);
      const m = await measure(smtp, hooks, phase.emails, phase.webhooks, () => clock.set(new Date(rows[0].due.getTime() + 1000)), probe);
      // Every row ends `sent` (the send is recorded right after the message went out).
      await until('every delivery row to be sent', async () => (await count(pool, `mandate_id = $1 AND status <> 'sent'`, [mandateOf(k)])) === 0, 60_000, children).catch(() => undefined);
      const status = await pool.query<{ status: string; n: number; max_attempts: number }>(
        `SELECT status, count(*)::int AS n, max(attempts)::int AS max_attempts FROM deliveries WHERE mandate_id = $1 GROUP BY status`,
        [mandateOf(k)],
      );
      const result: PhaseResult = {
        phase: phase.name,
        workers,
        ...m,
        duplicates: smtp.ids.extraCopies + hooks.ids.extraCopies - before.dup,
        unverifiedWebhooks: hooks.unverified - before.unverified,
        rows: Object.fromEntries(status.rows.map((r) => [r.status, r.n])),
        maxAttempts: Math.max(0, ...status.rows.map((r) => r.max_attempts)),
      };
      results.push(result);
      afterLast = smtp.ids.extraCopies + hooks.ids.extraCopies;
      log(`  all delivered in ${round(m.totalMs / 1000, 1)} s${m.emailMs ? `, ${Math.round((phase.emails * 1000) / m.emailMs)} emails/s` : ''}${m.webhookMs ? `, ${Math.round((phase.webhooks * 1000) / m.webhookMs)} webhooks/s` : ''}, ${result.duplicates} duplicates`);
      const b = baseline ? await baseline(phase, rows[0].payload) : null;
      if (b) {
        baselines.push({ phase: phase.name, ...b });
        log(`  baseline: ${round(b.totalMs / 1000, 1)} s`);
      }
    }
  } finally {
    await Promise.all(children.map((c) => stopChild(c.child)));
    await queue.close().catch(() => undefined);
    redis.disconnect();
    await clock.close();
    await flushPrefix(prefix).catch(() => undefined);
  }
  // Anything that arrived after the last phase was measured (a late resend) still counts.
  const last = results.filter((r) => r.workers === workers).at(-1);
  if (last) last.duplicates += smtp.ids.extraCopies + hooks.ids.extraCopies - afterLast;
}

/** Emails and webhooks of every phase: subscription i is in phase p when i < p's count. */
async function insertSubscriptions(pool: pg.Pool, phases: Phase[], url: string, secret: string): Promise<void> {
  const mandates = phases.map((_, k) => mandateOf(k));
  for (const [channel, counts] of [
    ['email', phases.map((p) => p.emails)],
    ['webhook', phases.map((p) => p.webhooks)],
  ] as const) {
    const n = Math.max(...counts);
    if (n === 0) continue;
    await pool.query(
      `INSERT INTO subscriptions (id, channel, address, url, scope, lead_days, timezone, notify, status, secret,
          unsubscribe_token, calendar_token, confirmed_at)
       SELECT gen_random_uuid(), $1, CASE WHEN $1 = 'email' THEN 'reader' || i || '@example.org' END,
          CASE WHEN $1 = 'webhook' THEN $5 || '?s=' || i END,
          jsonb_build_object('mandates', to_jsonb(ARRAY(SELECT m FROM unnest($3::text[], $4::int[]) AS p(m, n) WHERE i < p.n))),
          '{30}', 'UTC', '{expiry_reminder}', 'active', CASE WHEN $1 = 'webhook' THEN $6 END,
          md5(random()::text || i) || md5(random()::text), md5(random()::text || i) || md5(random()::text), now()
       FROM generate_series(0, $2::int - 1) AS i`,
      [channel, n, mandates, counts, url, secret],
    );
  }
  await pool.query('UPDATE alert_scheduler_state SET revision = revision + 1 WHERE id = 1');
}

/** Worker processes still running: killed if this process exits early (Ctrl-C, a crash). */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

function startWorker(databaseUrl: string, smtpUrl: string, prefix: string, logFile: string): { child: ChildProcess; log: string } {
  const out = openSync(logFile, 'a');
  const args = CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(CPU_PROF_DIR)] : [];
  if (CPU_PROF_DIR) mkdirSync(path.resolve(CPU_PROF_DIR), { recursive: true });
  const child = spawn(process.execPath, [...args, path.join(repoRoot, 'dist/apps/launcher/src/worker.js')], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      NODE_ENV: 'production',
      LOG_LEVEL,
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      SMTP_URL: smtpUrl,
      PUBLIC_URL: 'https://watch.example.org',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      DATA_DIR: path.dirname(logFile),
    },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return { child, log: logFile };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** Polls `check`; fails with the workers' log tails if it times out or a worker died. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, children: { child: ChildProcess; log: string }[] = []): Promise<void> {
  const deadline = now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    const dead = children.find((c) => c.child.exitCode !== null);
    if (dead || now() > deadline) {
      const tails = children.map((c) => readFileSync(c.log, 'utf8').slice(-2000)).join('\n---\n');
      throw new Error(`${dead ? 'a worker process exited' : 'timed out'} waiting for ${what}\n${tails}`);
    }
    await sleep(100);
  }
}

async function count(pool: pg.Pool, where: string, params: unknown[]): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE ${where}`, params);
  return rows[0].n;
}

/** Waits until no worker connection has been busy (a statement or an open transaction: a sweep) for half a second. */
async function quiet(pool: pg.Pool): Promise<void> {
  let calm = 0;
  const deadline = now() + 60_000; // never hang the run: measure anyway after a minute
  while (calm < 5 && now() < deadline) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
         AND application_name LIKE 'mandate-watch%' AND state <> 'idle'`,
    );
    calm = rows[0].n === 0 ? calm + 1 : 0;
    await sleep(100);
  }
}

/** The CPU meters of one phase: the worker processes and the PostgreSQL backends serving them. */
interface CpuProbe {
  workers: number[];
  backends: () => Promise<number[]>;
}

async function cpuSnapshot(probe: CpuProbe | null): Promise<{ bench: number; workers: number; backends: Map<number, number> }> {
  const u = process.cpuUsage();
  const backends = new Map<number, number>();
  for (const pid of probe ? await probe.backends() : []) backends.set(pid, processCpuMs(pid));
  return { bench: (u.user + u.system) / 1000, workers: (probe?.workers ?? []).reduce((s, pid) => s + processCpuMs(pid), 0), backends };
}

/** Runs `trigger` and waits until the receivers have seen `emails` and `webhooks` new ids. */
async function measure(smtp: CountingSmtpServer, hooks: CountingWebhookReceiver, emails: number, webhooks: number, trigger: () => Promise<unknown>, probe: CpuProbe | null = null): Promise<Measured> {
  const e0 = smtp.ids.distinct;
  const w0 = hooks.ids.distinct;
  const cpu0 = await cpuSnapshot(probe);
  const t0 = now();
  let first: number | null = null;
  let failure: unknown = null;
  // Not awaited before polling: the baseline's trigger is the whole send.
  const triggered = trigger().catch((err: unknown) => {
    failure = err;
  });
  const deadline = t0 + PHASE_TIMEOUT_MS;
  let complete = true;
  for (;;) {
    const e = smtp.ids.distinct - e0;
    const w = hooks.ids.distinct - w0;
    if (first === null && e + w > 0) first = now() - t0;
    if (e >= emails && w >= webhooks) break;
    if (failure) throw failure;
    if (now() > deadline) {
      complete = false;
      log(`  timed out: ${e}/${emails} emails, ${w}/${webhooks} webhooks`);
      break;
    }
    await sleep(20);
  }
  await triggered;
  const emailMs = emails ? smtp.ids.lastNewAt - t0 : null;
  const webhookMs = webhooks ? hooks.ids.lastNewAt - t0 : null;
  const cpu1 = await cpuSnapshot(probe);
  let postgres = 0;
  for (const [pid, ms] of cpu1.backends) postgres += ms - (cpu0.backends.get(pid) ?? 0);
  const cpuMs = { bench: Math.round(cpu1.bench - cpu0.bench), workers: Math.round(cpu1.workers - cpu0.workers), postgres: Math.round(postgres) };
  return { emails, webhooks, totalMs: Math.max(emailMs ?? 0, webhookMs ?? 0), emailMs, webhookMs, firstMs: first, complete, cpuMs };
}

/**
 * The baseline for one phase: the same number of messages (the same rendered email, the same
 * webhook body size), mixed in one list, sent CONCURRENCY at a time by plain nodemailer over a
 * pool of SMTP_POOL connections and by `fetch` (keep-alive), each signed as ours are.
 */
async function rawPhase(phase: Phase, payload: AlertPayload, smtp: CountingSmtpServer, hooks: CountingWebhookReceiver, secret: string): Promise<Measured> {
  const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: SMTP_POOL } as never);
  const email = renderAlertEmail(payload, { unsubscribeUrl: 'https://watch.example.org/unsubscribe/x' });
  const body = JSON.stringify(payload);
  const signer = new Webhook(secret);
  const tag = `${Date.now().toString(36)}-${phase.name.replace(/\W/g, '')}`;
  const jobs: ('e' | 'w')[] = [...Array<'e'>(phase.emails).fill('e'), ...Array<'w'>(phase.webhooks).fill('w')];
  // Interleaved as the queue interleaves ours (ids are random).
  for (let i = jobs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [jobs[i], jobs[j]] = [jobs[j], jobs[i]];
  }
  let next = 0;
  try {
    return await measure(smtp, hooks, phase.emails, phase.webhooks, async () => {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < jobs.length) {
            const i = next++;
            const id = `raw-${tag}-${i}`;
            if (jobs[i] === 'e') {
              await transport.sendMail({
                from: 'Mandate Watch <alerts@localhost>',
                to: `reader${i}@example.org`,
                subject: email.subject,
                text: email.text,
                html: email.html,
                messageId: `<${id}@localhost>`,
                headers: { 'List-Unsubscribe': '<https://watch.example.org/unsubscribe/x>', 'Auto-Submitted': 'auto-generated' },
              });
            } else {
              const at = new Date();
              const res = await fetch(`${hooks.url}?s=${i}`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signer.sign(id, at, body) },
                body,
              });
              await res.arrayBuffer();
            }
          }
        }),
      );
    });
  } finally {
    transport.close();
  }
}

if (isMain(import.meta.url)) await benchFanout();
