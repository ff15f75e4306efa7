import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ourAppender, rawAppender } from './lib/appenders.js';
import { runAppendWorkload } from './lib/append-workload.js';
import { withBenchDatabase } from './lib/db.js';
import { isMain, log, machineInfo, median, printTable, repoRoot, round, writeResults } from './lib/harness.js';
import { lineChartSvg } from './lib/svg.js';
import { preloadEvents } from './lib/workload.js';

/**
 * Benchmark 6 — growth: the cost of benchmark 1's append (one event per call, expected-version
 * check, 16 writers) as the store grows from 10k to 1M events, preloaded in bulk between the
 * measurements. The raw baseline (its own small table) is measured at each step too, as a
 * reference for the machine's noise at that moment. Writes docs/bench-append-growth.svg.
 */
const SIZES = (process.env.BENCH_GROWTH_SIZES ?? '10000,100000,300000,1000000').split(',').map(Number);
const WRITERS = 16;
const STREAMS = 1_000;
const EVENTS_PER_STREAM = 5;
const REPEATS = 2;

export async function benchGrowth(): Promise<Record<string, unknown>> {
  return withBenchDatabase('growth', async (db, pool) => {
    const machine = await machineInfo(pool);
    const ours = await ourAppender(db.url, WRITERS);
    const raw = await rawAppender(db.url, WRITERS);
    const rows: { storeEvents: number; oursUsPerEvent: number; rawUsPerEvent: number; oursP50Ms: number; oursP99Ms: number; oursOverRaw: number }[] = [];
    let loaded = 0;
    try {
      await runAppendWorkload(ours, { writers: WRITERS, streams: 64, callsPerStream: 2, batch: 1, prefix: 'warm-o' });
      await runAppendWorkload(raw, { writers: WRITERS, streams: 64, callsPerStream: 2, batch: 1, prefix: 'warm-r' });
      for (const size of SIZES) {
        log(`growing the store to ${size.toLocaleString('en-US')} events`);
        await preloadEvents(pool, loaded, size);
        loaded = size;
        await pool.query('CHECKPOINT');
        const o: number[] = [];
        const r: number[] = [];
        const p50: number[] = [];
        const p99: number[] = [];
        for (let rep = 0; rep < REPEATS; rep++) {
          const w = { writers: WRITERS, streams: STREAMS, callsPerStream: EVENTS_PER_STREAM, batch: 1 };
          const a = await runAppendWorkload(ours, { ...w, prefix: `g${size}-${rep}-o` });
          const b = await runAppendWorkload(raw, { ...w, prefix: `g${size}-${rep}-r` });
          o.push((a.elapsedMs * 1000) / a.events);
          r.push((b.elapsedMs * 1000) / b.events);
          p50.push(a.callLatency.p50Ms);
          p99.push(a.callLatency.p99Ms);
        }
        const row = {
          storeEvents: size,
          oursUsPerEvent: round(median(o), 0),
          rawUsPerEvent: round(median(r), 0),
          oursP50Ms: round(median(p50), 2),
          oursP99Ms: round(median(p99), 2),
          oursOverRaw: round(median(r) / median(o), 2),
        };
        rows.push(row);
        log(`  ${size.toLocaleString('en-US')}: ours ${row.oursUsPerEvent} µs/event, raw ${row.rawUsPerEvent} µs/event`);
      }
    } finally {
      await ours.close();
      await raw.close();
    }
    printTable(
      `Append cost as the store grows (1 event per call, ${WRITERS} writers, ${(STREAMS * EVENTS_PER_STREAM).toLocaleString('en-US')} events per measurement, median of ${REPEATS})`,
      rows.map((r) => ({
        'events in store': r.storeEvents,
        'ours µs/event': r.oursUsPerEvent,
        'ours events/s': Math.round(1e6 / r.oursUsPerEvent),
        'ours p50 ms': r.oursP50Ms,
        'ours p99 ms': r.oursP99Ms,
        'raw µs/event': r.rawUsPerEvent,
        'ours/raw (throughput)': r.oursOverRaw,
      })),
    );
    const first = rows[0];
    const last = rows[rows.length - 1];
    const growth = round(last.oursUsPerEvent / first.oursUsPerEvent, 2);
    const normalized = round(last.oursOverRaw / first.oursOverRaw, 2);
    printTable('Summary', [
      { figure: `ours µs/event at ${last.storeEvents.toLocaleString('en-US')} / at ${first.storeEvents.toLocaleString('en-US')}`, value: growth },
      { figure: 'ours/raw at the largest / at the smallest store (noise-corrected)', value: normalized },
    ]);
    const svg = lineChartSvg({
      title: 'Append cost as the store grows (16 writers, 1 event per call)',
      xLabel: 'events already in the store (log scale)',
      yLabel: 'wall-clock µs per event',
      series: [
        { name: 'Mandate Watch EventStore', color: '#1f77b4', points: rows.map((r) => ({ x: r.storeEvents, y: r.oursUsPerEvent })) },
        { name: 'raw INSERT (reference)', color: '#999999', points: rows.map((r) => ({ x: r.storeEvents, y: r.rawUsPerEvent })) },
      ],
    });
    const svgPath = path.join(repoRoot, 'docs', 'bench-append-growth.svg');
    await writeFile(svgPath, svg);
    console.log(`plot: ${path.relative(repoRoot, svgPath)}`);
    const result = {
      benchmark: 'append-growth',
      workload: { writers: WRITERS, streams: STREAMS, eventsPerStream: EVENTS_PER_STREAM, repeats: REPEATS, sizes: SIZES },
      rows,
      summary: { oursCostGrowth: growth, oursOverRawGrowth: normalized },
      machine,
    };
    await writeResults('growth', result);
    return result;
  });
}

if (isMain(import.meta.url)) await benchGrowth();
