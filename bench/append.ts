import { APPENDERS, type Appender } from './lib/appenders.js';
import { runAppendWorkload, type AppendRun } from './lib/append-workload.js';
import { withBenchDatabase } from './lib/db.js';
import { isMain, log, machineInfo, median, printTable, round, verdict, writeResults } from './lib/harness.js';

/**
 * Benchmark 1 — append, one event per call with the expected-version check: 16 concurrent
 * writers, 2,000 streams × 10 events = 20,000 events per contender and round; our EventStore vs
 * Emmett PostgreSQL vs raw SQL, same database, rounds in rotating order, median of the rounds.
 */
export const WRITERS = 16;
const STREAMS = 2_000;
const EVENTS_PER_STREAM = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

export async function benchAppend(): Promise<Record<string, unknown>> {
  return withBenchDatabase('append', async (db, pool) => {
    const machine = await machineInfo(pool);
    const contenders: Record<string, Appender> = {};
    for (const [key, make] of Object.entries(APPENDERS)) contenders[key] = await make(db.url, WRITERS);
    const keys = Object.keys(contenders);
    const runs: (AppendRun & { key: string; round: number })[] = [];
    try {
      // Warm-up: connections, prepared statements, Emmett's schema.
      for (const key of keys) {
        await runAppendWorkload(contenders[key], { writers: WRITERS, streams: 64, callsPerStream: 2, batch: 1, prefix: `warm-${key}` });
      }
      for (let round = 0; round < ROUNDS; round++) {
        const order = keys.map((_, i) => keys[(i + round) % keys.length]);
        for (const key of order) {
          await pool.query('CHECKPOINT');
          const r = await runAppendWorkload(contenders[key], {
            writers: WRITERS,
            streams: STREAMS,
            callsPerStream: EVENTS_PER_STREAM,
            batch: 1,
            prefix: `r${round}-${key}`,
          });
          runs.push({ ...r, key, round });
          log(`round ${round + 1}/${ROUNDS} ${r.contender}: ${Math.round(r.eventsPerSec).toLocaleString('en-US')} events/s`);
        }
      }
    } finally {
      for (const c of Object.values(contenders)) await c.close();
    }
    const byKey = Object.fromEntries(
      keys.map((key) => {
        const mine = runs.filter((r) => r.key === key);
        const best = mine.reduce((a, b) => (a.eventsPerSec > b.eventsPerSec ? a : b));
        return [key, { contender: best.contender, medianEventsPerSec: median(mine.map((r) => r.eventsPerSec)), rounds: mine, representative: best }];
      }),
    );
    const ours = byKey.ours.medianEventsPerSec;
    const ratios = { vsEmmett: ours / byKey.emmett.medianEventsPerSec, vsRaw: ours / byKey.raw.medianEventsPerSec };
    printTable(
      `Append, 1 event per call, expected-version check, ${WRITERS} writers, ${STREAMS} streams × ${EVENTS_PER_STREAM} (median of ${ROUNDS} rounds)`,
      keys.map((key) => {
        const rounds = byKey[key].rounds;
        const lat = rounds.map((r) => r.callLatency);
        return {
          contender: byKey[key].contender,
          'events/s': Math.round(byKey[key].medianEventsPerSec),
          'rounds (events/s)': rounds.map((r) => Math.round(r.eventsPerSec)).join(' / '),
          'p50 ms': median(lat.map((l) => l.p50Ms)),
          'p99 ms': median(lat.map((l) => l.p99Ms)),
          'vs ours': round(byKey[key].medianEventsPerSec / ours, 2),
        };
      }),
    );
    printTable('Targets', [
      { ratio: 'ours / Emmett', value: verdict(ratios.vsEmmett, 1.5) },
      { ratio: 'ours / raw', value: verdict(ratios.vsRaw, 0.6) },
    ]);
    const result = {
      benchmark: 'append-single',
      workload: { writers: WRITERS, streams: STREAMS, eventsPerStream: EVENTS_PER_STREAM, eventsPerCall: 1, rounds: ROUNDS },
      results: Object.fromEntries(keys.map((k) => [k, { contender: byKey[k].contender, medianEventsPerSec: round(byKey[k].medianEventsPerSec, 0), rounds: byKey[k].rounds.map(({ key: _k, ...r }) => ({ ...r, eventsPerSec: round(r.eventsPerSec, 0), elapsedMs: round(r.elapsedMs, 0) })) }])),
      ratios: { oursOverEmmett: round(ratios.vsEmmett, 3), oursOverRaw: round(ratios.vsRaw, 3) },
      targets: { oursOverEmmett: 1.5, oursOverRaw: 0.6 },
      machine,
    };
    await writeResults('append', result);
    return result;
  });
}

if (isMain(import.meta.url)) await benchAppend();
