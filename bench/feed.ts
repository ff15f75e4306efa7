import type pg from 'pg';
import { EventStore, encodeCursor, FEED_START, type FeedPosition } from '#libs/event-store';
import { allProjectors, ProjectionRunner, type Projector } from '#libs/projections';
import { createPool } from '#libs/db';
import { createTestDatabase } from '../test/support/db.js';
import { doneWith, loadedDatabase } from './lib/fixture.js';
import { isMain, log, machineInfo, median, now, printTable, round, summarize, writeResults } from './lib/harness.js';
import { preloadEvents, validateSample } from './lib/workload.js';

/**
 * Benchmark 3 — global feed and projection rebuild over 1,000,000 preloaded events (mandates
 * round-robin over ~5,000 streams, 5% meetings): rebuild every projection from 0
 * (`ProjectionRunner.rebuild()`) vs a raw keyset SELECT scan of the table in the same order and
 * page size (50,000), and vs reading the feed through `readAll` without projecting. Also the gap-safe
 * `readAll` page cost at 10k vs 1M events.
 */
const TOTAL = Number(process.env.BENCH_FEED_EVENTS ?? 1_000_000);
const SMALL = 10_000;
const PAGE_LIMITS = [100, 500, 1000];
const PAGE_REPS = 11; // per cursor and limit; the first is a warm-up
const BATCH = 50_000; // pages of the scans = ProjectionRunner's default rebuild batch size
const REBUILD_DEADLINE_MS = Number(process.env.BENCH_REBUILD_DEADLINE_MS ?? 900_000);

/** Cursors at ~10%, 50% and 90% of the feed (keyset positions). */
async function cursorsAt(pool: pg.Pool): Promise<FeedPosition[]> {
  const n = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0].n;
  const out: FeedPosition[] = [];
  for (const f of [0.1, 0.5, 0.8]) {
    const r = await pool.query<{ tx: string; position: string }>(
      'SELECT transaction_id::text AS tx, position::text AS position FROM events ORDER BY transaction_id, position OFFSET $1 LIMIT 1',
      [Math.floor(n * f)],
    );
    out.push({ transactionId: r.rows[0].tx, position: r.rows[0].position });
  }
  return out;
}

interface PagedStore {
  label: string;
  pool: pg.Pool;
  store: EventStore;
}

/**
 * Median time of a readAll page of each limit, at cursors spread over the feed, for several stores
 * measured in alternation (one page of each in turn), so that the machine's load at the moment
 * falls on all of them alike: the ratio between them is what says whether the cost is flat.
 */
async function pageCosts(stores: PagedStore[]): Promise<Record<string, unknown>[]> {
  const cursorsOf = new Map<PagedStore, (FeedPosition | typeof FEED_START)[]>();
  for (const s of stores) {
    const cursors = await cursorsAt(s.pool);
    // The feed shows events once every older transaction of the cluster has ended, and other work
    // on the same server may hold one open for a while: wait until the preloaded events are readable.
    const lastCursor = encodeCursor(cursors[cursors.length - 1]);
    const limit = Math.max(...PAGE_LIMITS);
    for (const deadline = now() + 120_000; (await s.store.readAll(lastCursor, limit)).events.length < limit; ) {
      if (now() > deadline) throw new Error('the preloaded events did not become readable within 120 s (a transaction held open elsewhere?)');
      await new Promise((r) => setTimeout(r, 200));
    }
    cursorsOf.set(s, [FEED_START, ...cursors]);
  }
  const rows: Record<string, unknown>[] = [];
  for (const s of stores) {
    for (const limit of PAGE_LIMITS) rows.push({ store: s.label, limit });
  }
  for (const limit of PAGE_LIMITS) {
    const samples = new Map<PagedStore, number[]>(stores.map((s) => [s, []]));
    for (let rep = 0; rep < PAGE_REPS; rep++) {
      for (let i = 0; i < 4; i++) {
        for (const s of rep % 2 ? [...stores].reverse() : stores) {
          const c = cursorsOf.get(s)![i];
          const t = now();
          const page = await s.store.readAll(c === FEED_START ? null : encodeCursor(c), limit);
          // The first repetition warms the cache and the prepared plan.
          if (rep > 0) samples.get(s)!.push(now() - t);
          if (page.events.length !== limit) throw new Error(`readAll returned ${page.events.length} of ${limit}`);
        }
      }
    }
    for (const s of stores) {
      const m = summarize(samples.get(s)!);
      Object.assign(rows.find((r) => r.store === s.label && r.limit === limit)!, { 'p50 ms': m.p50Ms, 'p90 ms': m.p90Ms, 'µs/event': round((m.p50Ms * 1000) / limit, 1) });
    }
  }
  return rows;
}

/** Reads the whole table in (transaction_id, position) keyset pages of BATCH rows, same columns as the store. */
async function rawScan(pool: pg.Pool): Promise<{ rows: number; ms: number }> {
  const t = now();
  let after = { tx: '0', position: '0' };
  let rows = 0;
  for (;;) {
    const r = await pool.query<{ tx: string; position: string }>({
      name: 'bench_raw_scan',
      text: `SELECT position::text AS position, transaction_id::text AS tx, stream_id, version, id::text AS id, type, schema_version, data, metadata,
               occurred_on::text AS occurred_on, recorded_at
             FROM events WHERE (transaction_id, position) > ($1::xid8, $2::bigint) ORDER BY events.transaction_id, events.position LIMIT $3`,
      values: [after.tx, after.position, BATCH],
    });
    if (r.rows.length === 0) break;
    rows += r.rows.length;
    const last = r.rows[r.rows.length - 1];
    after = { tx: last.tx, position: last.position };
  }
  return { rows, ms: now() - t };
}

/**
 * The write side's floor: PostgreSQL alone writing the rows a rebuild puts into the timeline (one
 * per establishment or extension), set-based from the events table into an empty copy of
 * mandate_timeline with the same indexes: no Node, no JSON, no round trips, one transaction. A
 * rebuild that keeps these indexes cannot write faster on this machine at this moment.
 */
async function timelineFloor(pool: pg.Pool): Promise<{ rows: number; ms: number }> {
  await pool.query('DROP TABLE IF EXISTS bench_timeline_floor');
  await pool.query('CREATE TABLE bench_timeline_floor (LIKE mandate_timeline INCLUDING ALL)');
  try {
    const t = now();
    const r = await pool.query(`
      INSERT INTO bench_timeline_floor (event_id, mandate_id, kind, effective_on, expires_on, decision, seq, recorded_at)
      SELECT id, substr(stream_id, 9), CASE type WHEN 'MandateEstablished' THEN 'established' ELSE 'extended' END,
        COALESCE(CASE type WHEN 'MandateEstablished' THEN data->>'establishedOn' ELSE data->>'adoptedOn' END, occurred_on::text)::date,
        (CASE type WHEN 'MandateEstablished' THEN data->>'expiresOn' ELSE data->>'until' END)::date,
        CASE type WHEN 'MandateEstablished' THEN data->>'establishedBy' ELSE data->>'decision' END, version, recorded_at
      FROM events WHERE type IN ('MandateEstablished', 'MandateExtended')`);
    return { rows: r.rowCount ?? 0, ms: now() - t };
  } finally {
    await pool.query('DROP TABLE bench_timeline_floor');
  }
}

async function feedScan(store: EventStore): Promise<{ rows: number; ms: number }> {
  const t = now();
  let cursor: string | null = null;
  let rows = 0;
  for (;;) {
    const page = await store.readAll(cursor, BATCH);
    rows += page.events.length;
    if (!page.next) break;
    cursor = page.next;
  }
  return { rows, ms: now() - t };
}

export async function benchFeed(): Promise<Record<string, unknown>> {
  let preloadMs = 0;
  // The loaded database is shared with the API benchmark when both run in one process.
  const fixture = await loadedDatabase(TOTAL, async (pool) => {
    log(`preloading ${TOTAL.toLocaleString('en-US')} events`);
    preloadMs = (await preloadEvents(pool, 0, TOTAL)).ms;
  });
  const pool = createPool(fixture.db.url, { max: 8, applicationName: 'bench-feed' });
  try {
    const machine = await machineInfo(pool);
    const store = new EventStore(pool);
    const sampled = await validateSample(pool);
    const preloadRate = (TOTAL / preloadMs) * 1000;
    log(`preloaded at ${Math.round(preloadRate).toLocaleString('en-US')} events/s; ${sampled} sampled events valid`);
    // The page cost at 1M against a store of 10k events of the same shape, measured side by side.
    const smallDb = await createTestDatabase('benchsmallfeed');
    const smallPool = createPool(smallDb.url, { max: 2, applicationName: 'bench-feed-small' });
    let pages: Record<string, unknown>[];
    try {
      await preloadEvents(smallPool, 0, SMALL);
      pages = await pageCosts([
        { label: `${SMALL / 1000}k events`, pool: smallPool, store: new EventStore(smallPool) },
        { label: `${TOTAL / 1e6}M events`, pool, store },
      ]);
    } finally {
      await smallPool.end();
      await smallDb.drop();
    }
    const small = pages.filter((r) => r.store === `${SMALL / 1000}k events`);
    const large = pages.filter((r) => r.store !== `${SMALL / 1000}k events`);

    log('raw scan');
    const raw = await rawScan(pool);
    log('feed scan (readAll, no projection)');
    const feed = await feedScan(store);

    log('timeline floor (set-based INSERT … SELECT)');
    const floor = await timelineFloor(pool);

    log('rebuild (all projections)');
    // Each projector's apply is timed; the rest of a batch is reading the feed and committing.
    const applyMs = new Map<string, number>();
    const projectors: Projector[] = allProjectors(store).map((p) => ({
      name: p.name,
      // Kept so that the timed rebuild ends with the VACUUM (ANALYZE) a real rebuild does.
      tables: p.tables,
      reset: (tx) => p.reset(tx),
      apply: async (tx, events, carry) => {
        const t = now();
        await p.apply(tx, events, carry);
        applyMs.set(p.name, (applyMs.get(p.name) ?? 0) + now() - t);
      },
    }));
    let projected = 0;
    let aborted = false;
    const t0 = now();
    let lastLog = t0;
    const runner = new ProjectionRunner(pool, store, projectors, {
      onBatch: (name, count) => {
        if (name !== projectors[0].name) return;
        projected += count;
        if (now() - lastLog > 15_000) {
          lastLog = now();
          log(`  ${projected.toLocaleString('en-US')} events, ${Math.round((projected / (now() - t0)) * 1000).toLocaleString('en-US')}/s`);
        }
        if (now() - t0 > REBUILD_DEADLINE_MS) throw new Error('deadline');
      },
    });
    try {
      await runner.rebuild();
    } catch (err) {
      if ((err as Error).message !== 'deadline') throw err;
      aborted = true;
      log(`rebuild stopped at the ${REBUILD_DEADLINE_MS / 1000} s deadline`);
    }
    const rebuildMs = now() - t0;
    fixture.projected = !aborted;
    const counts = (
      await pool.query<{ mandates: number; meetings: number; timeline: number }>(
        'SELECT (SELECT count(*) FROM mandates)::int AS mandates, (SELECT count(*) FROM meetings)::int AS meetings, (SELECT count(*) FROM mandate_timeline)::int AS timeline',
      )
    ).rows[0];
    const perProjector = Object.fromEntries([...applyMs].map(([k, v]) => [k, { applyMs: Math.round(v), share: round(v / rebuildMs, 3) }]));

    const eps = (rows: number, ms: number) => Math.round((rows / ms) * 1000);
    const rebuildEps = aborted ? NaN : eps(TOTAL, rebuildMs);
    printTable(`Feed over ${TOTAL.toLocaleString('en-US')} events (pages of ${BATCH})`, [
      { reader: 'raw keyset SELECT scan', events: raw.rows, seconds: round(raw.ms / 1000, 1), 'events/s': eps(raw.rows, raw.ms), 'vs raw': 1 },
      { reader: 'EventStore.readAll scan', events: feed.rows, seconds: round(feed.ms / 1000, 1), 'events/s': eps(feed.rows, feed.ms), 'vs raw': round(eps(feed.rows, feed.ms) / eps(raw.rows, raw.ms), 2) },
      {
        reader: `floor: the timeline's ${floor.rows.toLocaleString('en-US')} rows written set-based in SQL`,
        events: TOTAL,
        seconds: round(floor.ms / 1000, 1),
        'events/s': eps(TOTAL, floor.ms),
        'vs raw': round(eps(TOTAL, floor.ms) / eps(raw.rows, raw.ms), 2),
      },
      {
        reader: `rebuild, all ${runner.projectors.length} projections${aborted ? ' (STOPPED at deadline)' : ''}`,
        events: aborted ? projected : TOTAL,
        seconds: round(rebuildMs / 1000, 1),
        'events/s': aborted ? eps(projected, rebuildMs) : rebuildEps,
        'vs raw': round((aborted ? eps(projected, rebuildMs) : rebuildEps) / eps(raw.rows, raw.ms), 3),
      },
    ]);
    printTable(
      'Where the rebuild spends its time',
      [
        ...[...applyMs].map(([name, ms]) => ({ part: `${name} projector (apply)`, seconds: round(ms / 1000, 1), share: `${Math.round((ms / rebuildMs) * 100)}%` })),
        (() => {
          const rest = rebuildMs - [...applyMs.values()].reduce((a, b) => a + b, 0);
          return { part: 'read feed, checkpoints, commit, final VACUUM', seconds: round(rest / 1000, 1), share: `${Math.round((rest / rebuildMs) * 100)}%` };
        })(),
      ],
    );
    printTable('Gap-safe readAll page cost (median over cursors at 0/10/50/80% of the feed; the two stores measured in alternation)', [...small, ...large]);
    const flat = PAGE_LIMITS.map((limit) => {
      const a = small.find((r) => r.limit === limit)!['p50 ms'] as number;
      const b = large.find((r) => r.limit === limit)!['p50 ms'] as number;
      return { limit, ratio1MOver10k: round(b / a, 2) };
    });
    printTable('Targets', [
      { figure: 'rebuild events/s (all projections)', value: `${aborted ? 'n/a (stopped)' : rebuildEps.toLocaleString('en-US')} (target 50,000) ${!aborted && rebuildEps >= 50_000 ? 'MET' : 'MISSED'}` },
      { figure: 'page cost 1M / 10k (flat = ~1)', value: flat.map((f) => `limit ${f.limit}: ${f.ratio1MOver10k}`).join(', ') },
    ]);
    const result = {
      benchmark: 'feed-rebuild',
      workload: { events: TOTAL, mandateStreams: 5000, meetingShare: 0.05, batch: BATCH },
      preload: { eventsPerSec: Math.round(preloadRate), sampledValid: sampled },
      rawScan: { events: raw.rows, ms: Math.round(raw.ms), eventsPerSec: eps(raw.rows, raw.ms) },
      feedScan: { events: feed.rows, ms: Math.round(feed.ms), eventsPerSec: eps(feed.rows, feed.ms) },
      timelineFloor: { rows: floor.rows, ms: Math.round(floor.ms), eventsPerSec: eps(TOTAL, floor.ms) },
      rebuild: { aborted, projected, ms: Math.round(rebuildMs), eventsPerSec: aborted ? eps(projected, rebuildMs) : rebuildEps, perProjector, readModels: counts },
      ratios: { rebuildOverTimelineFloor: round((aborted ? eps(projected, rebuildMs) : rebuildEps) / eps(TOTAL, floor.ms), 3), rebuildOverRawScan: round((aborted ? eps(projected, rebuildMs) : rebuildEps) / eps(raw.rows, raw.ms), 3), rebuildEventsPerSec: aborted ? eps(projected, rebuildMs) : rebuildEps },
      pageCost: { small, large, flat },
      targets: { rebuildEventsPerSec: 50_000 },
      machine,
    };
    await writeResults('feed', result);
    return result;
  } finally {
    await pool.end();
    await doneWith(fixture);
  }
}

if (isMain(import.meta.url)) await benchFeed();
