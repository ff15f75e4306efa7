import { benchApi } from './api.js';
import { benchAppend } from './append.js';
import { benchAppendBatch } from './append-batch.js';
import { benchFeed } from './feed.js';
import { benchGrowth } from './growth.js';
import { benchFanout } from './fanout.js';
import { benchImport } from './import.js';
import { releaseSharedFixture, shareFixture } from './lib/fixture.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { log, now, printTable, repoRoot, round, writeResults } from './lib/harness.js';
import { writeLatestRun } from './report.js';

/**
 * `npm run bench [-- name…]`: every benchmark, one after the other in this process (the 1M-event
 * database is built once, by `feed`, and read again by `api`), then a summary of the targets.
 */
type R = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const BENCHES: [string, () => Promise<R>][] = [
  ['append', benchAppend],
  ['append-batch', benchAppendBatch],
  ['feed', benchFeed],
  ['api', benchApi],
  ['fanout', benchFanout],
  ['import', benchImport],
  ['growth', benchGrowth],
];

const wanted = process.argv.slice(2);
const results: Record<string, R> = {};
const failures: string[] = [];
const t0 = now();
shareFixture();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: dropping the shared database`);
    releaseSharedFixture().finally(() => process.exit(130));
  });
}
try {
  for (const [name, run] of BENCHES) {
    if (wanted.length && !wanted.includes(name)) continue;
    log(`=== ${name}`);
    const t = now();
    try {
      results[name] = await run();
      log(`=== ${name} done in ${Math.round((now() - t) / 1000)} s`);
    } catch (err) {
      failures.push(name);
      console.error(`benchmark ${name} failed:`, err);
    }
  }
} finally {
  await releaseSharedFixture();
}

// The summary reads the latest result file of every benchmark (this run's, or an earlier one's
// when only some were run).
for (const [name] of BENCHES) {
  if (results[name]) continue;
  try {
    results[name] = JSON.parse(await readFile(path.join(repoRoot, 'bench', 'results', `${name === 'append-batch' ? 'append-batch' : name}.json`), 'utf8'));
    results[name].fromEarlierRun = true;
  } catch {
    /* never run */
  }
}

const rows: { benchmark: string; figure: string; measured: string; target: string; verdict: string }[] = [];
const add = (benchmark: string, figure: string, value: number | undefined, target: number, unit = '', lowerIsBetter = false) => {
  if (value === undefined || Number.isNaN(value)) return;
  const ok = lowerIsBetter ? value < target : value >= target;
  rows.push({ benchmark, figure, measured: `${round(value, 2).toLocaleString('en-US')}${unit}`, target: `${lowerIsBetter ? '<' : '≥'} ${target.toLocaleString('en-US')}${unit}`, verdict: ok ? 'MET' : 'MISSED' });
};
const a = results.append;
if (a) {
  add('1 append', 'ours / Emmett (events/s)', a.ratios.oursOverEmmett, 1.5, '×');
  add('1 append', 'ours / raw INSERT (events/s)', a.ratios.oursOverRaw, 0.6, '×');
}
const b = results['append-batch'];
if (b) {
  add('2 batched append', 'ours / raw multi-row INSERT', b.ratios.oursOverRaw, 0.5, '×');
  add('2 batched append', 'ours events/s', b.results.ours.medianEventsPerSec, 50_000);
}
const f = results.feed;
if (f) {
  add('3 rebuild', 'events/s projected (all projections, 1M)', f.rebuild.eventsPerSec, 50_000);
  if (f.timelineFloor) {
    rows.push({ benchmark: '3 rebuild', figure: 'SQL floor of its timeline writes alone (events/s)', measured: f.timelineFloor.eventsPerSec.toLocaleString('en-US'), target: '(reference)', verdict: '' });
    rows.push({ benchmark: '3 rebuild', figure: 'rebuild / that floor', measured: `${f.ratios.rebuildOverTimelineFloor}×`, target: '(reference)', verdict: '' });
  }
  for (const x of f.pageCost.flat) rows.push({ benchmark: '3 readAll page', figure: `cost at 1M / at 10k, limit ${x.limit}`, measured: `${x.ratio1MOver10k}×`, target: '≈ 1× (flat)', verdict: x.ratio1MOver10k < 1.5 ? 'MET' : 'MISSED' });
}
const fo = results.fanout;
if (fo) {
  const n = (v: number) => v.toLocaleString('en-US');
  add('4 alert fan-out', `emails/s, 1 worker (${n(fo.workload.emails)} due at once)`, fo.summary.emailsPerSecOneWorker ?? undefined, 300);
  add('4 alert fan-out', `webhooks/s, 1 worker (${n(fo.workload.webhooks)} due at once)`, fo.summary.webhooksPerSecOneWorker ?? undefined, 1_000);
  rows.push({ benchmark: '4 alert fan-out', figure: 'duplicates (ids received twice), all runs', measured: String(fo.summary.duplicates), target: '0', verdict: fo.summary.duplicates === 0 && fo.summary.allComplete ? 'MET' : 'MISSED' });
  rows.push({ benchmark: '4 alert fan-out', figure: `${n(fo.workload.emails)} + ${n(fo.workload.webhooks)} together: s with 1 / 2 workers (ours/raw)`, measured: `${fo.summary.togetherSecondsOneWorker} / ${fo.summary.togetherSecondsTwoWorkers} (${fo.summary.oursOverRawTogether}×)`, target: '(none)', verdict: '' });
  if (fo.summary.costGrowth !== null) rows.push({ benchmark: '7 growth', figure: 'fan-out µs/delivery, largest / smallest count (CPU µs)', measured: `${fo.summary.costGrowth}× (${fo.summary.cpuCostGrowth}×)`, target: '≈ 1× (flat)', verdict: fo.summary.costGrowth <= 1.5 ? 'MET' : 'MISSED' });
}
const api = results.api;
if (api) {
  // The target's run (autocannon on each endpoint: one URL, answered from the API's cache after
  // the first request), then the stricter one the benchmark adds: a new URL every request.
  for (const r of api.rows.filter((x: R) => String(x.load).startsWith('500'))) {
    add('new URLs' in r ? '5 API, stricter' : '5 API', `${r.endpoint}: p99 at ${r['req/s']} req/s (asked 500)`, r['p99 ms'], 25, ' ms', true);
  }
}
const imp = results.import;
if (imp) {
  rows.push({ benchmark: '6 import', figure: 'press releases/s (parse / full import)', measured: `${imp.pressReleases.parse.docsPerSec} / ${imp.pressReleases.import.docsPerSec}`, target: '(none)', verdict: '' });
  rows.push({ benchmark: '6 import', figure: 'seed documents/s (parse)', measured: `${imp.seed.parse.docsPerSec}`, target: '(none)', verdict: '' });
}
const g = results.growth;
if (g) rows.push({ benchmark: '7 growth', figure: 'append µs/event at 1M / at 10k (ours/raw-corrected)', measured: `${g.summary.oursCostGrowth}× (${g.summary.oursOverRawGrowth}×)`, target: '≈ 1× (flat)', verdict: g.summary.oursOverRawGrowth >= 0.67 ? 'MET' : 'MISSED' });
printTable(`Summary (${Math.round((now() - t0) / 1000)} s in all)`, rows);
await writeResults('summary', {
  rows,
  failures,
  ranNow: Object.keys(results).filter((k) => !results[k].fromEarlierRun),
  fromEarlierRuns: Object.keys(results).filter((k) => results[k].fromEarlierRun),
  seconds: Math.round((now() - t0) / 1000),
});
await writeLatestRun();
if (failures.length) {
  console.error(`failed: ${failures.join(', ')}`);
  process.exitCode = 1;
}
