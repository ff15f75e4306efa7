import { ourAppender, rawAppender, type Appender } from './lib/appenders.js';
import { runAppendWorkload, type AppendRun } from './lib/append-workload.js';
import { withBenchDatabase } from './lib/db.js';
import { isMain, log, machineInfo, median, meterDatabaseWork, printTable, round, verdict, writeResults } from './lib/harness.js';

/**
 * Benchmark 2 — batched append: 100 events per call (one stream, exact expected version),
 * 4 concurrent writers, 1,000 streams × 2 calls = 200,000 events, vs the raw baseline of one
 * multi-row INSERT of the same 100 rows. Median of rounds in rotating order.
 */
const WRITERS = 4;
const STREAMS = 1_000;
const CALLS_PER_STREAM = 2;
const BATCH = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Per event, steadier than events/s on a shared machine (see meterDatabaseWork). */
interface Cost {
  nodeCpuUs: number;
  pgCpuUs: number;
  walBytes: number;
}

export async function benchAppendBatch(): Promise<Record<string, unknown>> {
  return withBenchDatabase('batch', async (db, pool) => {
    const machine = await machineInfo(pool);
    const contenders: Record<string, Appender> = { ours: await ourAppender(db.url, WRITERS), raw: await rawAppender(db.url, WRITERS) };
    const keys = Object.keys(contenders);
    const runs: (AppendRun & { key: string; cost: Cost })[] = [];
    try {
      for (const key of keys) await runAppendWorkload(contenders[key], { writers: WRITERS, streams: 8, callsPerStream: 2, batch: BATCH, prefix: `warm-${key}` });
      for (let r = 0; r < ROUNDS; r++) {
        for (const key of r % 2 ? [...keys].reverse() : keys) {
          await pool.query('CHECKPOINT');
          let metered: Omit<Awaited<ReturnType<typeof meterDatabaseWork>>, 'value'> | null = null;
          const run = await runAppendWorkload(
            contenders[key],
            { writers: WRITERS, streams: STREAMS, callsPerStream: CALLS_PER_STREAM, batch: BATCH, prefix: `b${r}-${key}` },
            async (timed) => {
              const { value, ...m } = await meterDatabaseWork(pool, timed);
              metered = m;
              return value;
            },
          );
          const m = metered!;
          const cost: Cost = { nodeCpuUs: (m.nodeCpuMs * 1000) / run.events, pgCpuUs: (m.pgCpuMs * 1000) / run.events, walBytes: m.walBytes / run.events };
          runs.push({ ...run, key, cost });
          log(`round ${r + 1}/${ROUNDS} ${run.contender}: ${Math.round(run.eventsPerSec).toLocaleString('en-US')} events/s, per event: Node ${round(cost.nodeCpuUs, 1)} µs, PostgreSQL ${round(cost.pgCpuUs, 1)} µs CPU, ${Math.round(cost.walBytes)} WAL bytes`);
        }
      }
    } finally {
      for (const c of Object.values(contenders)) await c.close();
    }
    const med = (key: string) => median(runs.filter((r) => r.key === key).map((r) => r.eventsPerSec));
    const ours = med('ours');
    const raw = med('raw');
    printTable(
      `Batched append, ${BATCH} events per call, ${WRITERS} writers, ${STREAMS} streams × ${CALLS_PER_STREAM} calls (median of ${ROUNDS} rounds)`,
      keys.map((key) => {
        const mine = runs.filter((r) => r.key === key);
        return {
          contender: key === 'raw' ? 'raw SQL (one multi-row INSERT)' : mine[0].contender,
          'events/s': Math.round(med(key)),
          'rounds (events/s)': mine.map((r) => Math.round(r.eventsPerSec)).join(' / '),
          'call p50 ms': median(mine.map((r) => r.callLatency.p50Ms)),
          'call p99 ms': median(mine.map((r) => r.callLatency.p99Ms)),
          'Node CPU µs/event': round(median(mine.map((r) => r.cost.nodeCpuUs)), 1),
          'PostgreSQL CPU µs/event': round(median(mine.map((r) => r.cost.pgCpuUs)), 1),
          'WAL bytes/event': Math.round(median(mine.map((r) => r.cost.walBytes))),
        };
      }),
    );
    printTable('Targets', [
      { figure: 'ours / raw', value: verdict(ours / raw, 0.5) },
      { figure: 'ours events/s', value: `${Math.round(ours).toLocaleString('en-US')} (target 50,000) ${ours >= 50_000 ? 'MET' : 'MISSED'}` },
    ]);
    const result = {
      benchmark: 'append-batch',
      workload: { writers: WRITERS, streams: STREAMS, callsPerStream: CALLS_PER_STREAM, eventsPerCall: BATCH, rounds: ROUNDS },
      results: Object.fromEntries(keys.map((k) => [k, { medianEventsPerSec: round(med(k), 0), rounds: runs.filter((r) => r.key === k).map(({ key: _k, ...r }) => ({ ...r, eventsPerSec: round(r.eventsPerSec, 0), elapsedMs: round(r.elapsedMs, 0) })) }])),
      ratios: { oursOverRaw: round(ours / raw, 3) },
      targets: { oursOverRaw: 0.5, oursEventsPerSec: 50_000 },
      machine,
    };
    await writeResults('append-batch', result);
    return result;
  });
}

if (isMain(import.meta.url)) await benchAppendBatch();
