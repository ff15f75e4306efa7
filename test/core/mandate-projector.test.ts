import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, createPrisma } from '#libs/db';
import { addDays, foldMandate, mandateTimeline, mandateView, upcast } from '#libs/domain';
import { EventStore, type NewEvent } from '#libs/event-store';
import { allProjectors, MandateQueries, ProjectionRunner } from '#libs/projections';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { snapshotReadModels } from '../support/projections.js';

// The mandate projection folds new extensions/terminations/report requests into a small summary
// and refolds a mandate from its stream on corrections and re-establishments. Here random
// histories, projected a few events at a time while they are written, must give exactly the
// read models of a rebuild in large batches, and the columns a fold of the whole stream gives.

let db: TestDatabase;
let pool: pg.Pool;
let store: EventStore;

beforeAll(async () => {
  db = await createTestDatabase('mandateproj');
  pool = createPool(db.url);
  store = new EventStore(pool, { upcast });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const date = (r: () => number) => `20${String(10 + Math.floor(r() * 15))}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;

describe('mandate projection, incremental vs rebuild', () => {
  it('gives the same read models and the columns of a full fold', async () => {
    const r = rng(42);
    const small = new ProjectionRunner(pool, store, allProjectors(store), { batchSize: 3 });
    const mandates = Array.from({ length: 12 }, (_, i) => `m-${i}`);
    const versions = new Map<string, number>();
    const ids = new Map<string, string[]>();
    let last = '';
    for (let step = 0; step < 400; step++) {
      const m = mandates[Math.floor(r() * mandates.length)];
      const v = versions.get(m) ?? 0;
      const known = ids.get(m) ?? [];
      const p = r();
      let e: NewEvent;
      const id = randomUUID();
      if (v === 0 || p < 0.04) {
        const on = date(r);
        e = {
          id,
          type: 'MandateEstablished',
          data: { mandateId: m, acronym: `M${step}`, names: { en: `Mission ${m} ${step}` }, aliases: [], type: 'peace_operation', agendaItem: r() < 0.5 ? `agenda-${step % 3}` : null, establishedOn: on, expiresOn: r() < 0.7 ? date(r) : null, establishedBy: `S/RES/${1000 + step} (2010)` },
          occurredOn: on,
        };
      } else if (p < 0.7) {
        const on = date(r);
        e = { id, type: 'MandateExtended', data: { mandateId: m, until: date(r), decision: `S/RES/${2000 + step} (2015)`, adoptedOn: r() < 0.9 ? on : null, paragraphs: ['1'], period: null }, occurredOn: on };
      } else if (p < 0.78) {
        const on = date(r);
        e = { id, type: 'MandateTerminated', data: { mandateId: m, on: date(r), decision: `S/RES/${3000 + step} (2016)`, adoptedOn: on }, occurredOn: on };
      } else if (p < 0.9) {
        const on = date(r);
        e = { id, type: 'ReportRequested', data: { mandateId: m, dueOn: date(r), decision: `S/RES/${4000 + step} (2017)`, description: `report ${step}`, paragraphs: [], agendaItem: r() < 0.3 ? 'agenda-x' : null }, occurredOn: on };
      } else {
        const target = known[Math.floor(r() * known.length)];
        e = { id, type: 'FactCorrected', data: { correctsEventId: target, fields: r() < 0.5 ? { until: date(r) } : { adoptedOn: date(r) }, reason: 'test' } };
      }
      last = (await store.appendToStream(`mandate-${m}`, [e], { expectedVersion: v })).checkpoint;
      versions.set(m, v + 1);
      if (e.type !== 'FactCorrected') ids.set(m, [...known, id]);
      if (r() < 0.3) await small.catchUp();
    }
    // The feed is gap-safe: wait until the last append is readable (another transaction of the
    // cluster may be open) rather than stopping at whatever is readable now.
    expect(await small.waitFor(last, 20_000)).toBe(true);
    const incremental = await snapshotReadModels(pool);

    let stale = 0; // undated extensions recorded after a later expiry (they must not shorten it)
    for (const m of mandates) {
      const { events } = await store.readStream(`mandate-${m}`);
      const state = foldMandate(m, events);
      const view = mandateView(state, { asOf: '9999-12-31' });
      const row = (incremental.mandates as Record<string, unknown>[]).find((x) => x.id === m) as Record<string, unknown>;
      expect(row, m).toMatchObject({
        acronym: view.acronym,
        agenda_item: view.agendaItem,
        established_on: view.establishedOn,
        expires_on: view.expiresOn,
        terminated_on: view.terminatedOn,
        last_decision: view.lastDecision,
        stream_version: state.version,
      });
      const timeline = (incremental.mandate_timeline as { mandate_id: string; event_id: string; expires_on: string | null }[]).filter((t) => t.mandate_id === m);
      const folded = mandateTimeline(state);
      expect(new Set(timeline.map((t) => t.event_id)), m).toEqual(new Set(folded.map((t) => t.eventId)));
      for (const t of folded.filter((f) => f.stale)) {
        stale++;
        expect(timeline.find((row) => row.event_id === t.eventId)?.expires_on, `${m} ${t.eventId}`).toBeNull();
      }
    }
    expect(stale).toBeGreaterThan(0);

    // Each entry that sets an expiry links to the next one (by date, then seq) in superseded_on,
    // which the batches above wrote piecemeal (appends link the stored latest expiry to the first
    // new one; extensions dated earlier refold the mandate): the links equal a recomputation.
    const links = await pool.query<{ mandate_id: string; superseded_on: string | null; next_on: string | null }>(
      `SELECT mandate_id, superseded_on::text, next_on::text FROM (
         SELECT t.*, lead(effective_on) OVER (PARTITION BY mandate_id ORDER BY effective_on, seq) AS next_on FROM mandate_timeline t WHERE expires_on IS NOT NULL
       ) x`,
    );
    expect(links.rows.filter((l) => l.superseded_on !== l.next_on)).toEqual([]);
    expect(links.rows.filter((l) => l.superseded_on !== null).length).toBeGreaterThan(50);

    const big = new ProjectionRunner(pool, store, allProjectors(store), { batchSize: 10_000 });
    await big.rebuild();
    expect(await big.waitFor(last, 20_000)).toBe(true);
    expect(await snapshotReadModels(pool)).toEqual(incremental);

    // A rebuild in many batches, each read ahead while the previous one is applied.
    const paged = new ProjectionRunner(pool, store, allProjectors(store), { batchSize: 5, rebuildBatchSize: 37 });
    await paged.rebuild();
    expect(await paged.waitFor(last, 20_000)).toBe(true);
    expect(await snapshotReadModels(pool)).toEqual(incremental);

    // A rebuild carries the mandate summaries from batch to batch in memory only while its own
    // batches follow each other: here another process empties every projection, or projects a
    // batch of all of them, between two of its batches (when it asks the pool for the next
    // batch's connection), and the rebuild must notice and read the tables instead.
    const interfere: Record<string, (n: number) => Promise<void>> = {
      'another reset': async () => {
        await pool.query(`BEGIN; TRUNCATE mandates, mandate_timeline, report_requests, meetings, decisions, agenda_items;
          UPDATE projection_checkpoints SET transaction_id = '0'::xid8, position = 0; COMMIT`);
      },
      'another batch': async () => {
        const other = new ProjectionRunner(pool, store, allProjectors(store));
        expect(await other.runBatchTogether(other.projectors, 11)).toBe(11);
      },
    };
    for (const [what, act] of Object.entries(interfere)) {
      const carried: boolean[] = [];
      const projectors = allProjectors(store).map((p) =>
        p.name === 'mandates' ? { name: p.name, tables: p.tables, reset: p.reset.bind(p), apply: (tx: pg.PoolClient, events: never[], carry?: Map<string, unknown>) => (carried.push(!!carry), p.apply(tx, events, carry)) } : p,
      );
      let connects = 0;
      const hooked = Object.create(pool) as pg.Pool;
      // Promise-style connect() is the runner's (resets, then one per batch); pg-pool's own
      // query() passes a callback.
      hooked.connect = ((cb?: never) => (cb ? pool.connect(cb) : (++connects === 4 + 3 ? act(connects) : Promise.resolve()).then(() => pool.connect()))) as pg.Pool['connect'];
      const interfered = new ProjectionRunner(hooked, store, projectors, { batchSize: 5, rebuildBatchSize: 37 });
      await interfered.rebuild();
      expect(await interfered.waitFor(last, 20_000)).toBe(true);
      expect(await snapshotReadModels(pool), what).toEqual(incremental);
      expect(carried.slice(0, 3), what).toEqual([true, true, false]); // two batches carried, then the interference is seen
    }

    // A rebuild that fails half-way (a crash) resumes from its checkpoint with the same result.
    let applied = 0;
    const failing = allProjectors(store).map((p) =>
      p.name === 'mandates'
        ? { name: p.name, tables: p.tables, reset: p.reset.bind(p), apply: async (tx: pg.PoolClient, events: never[], carry?: Map<string, unknown>) => {
            if (++applied === 4) throw new Error('crash');
            await p.apply(tx, events, carry);
          } }
        : p,
    );
    await expect(new ProjectionRunner(pool, store, failing, { batchSize: 5, rebuildBatchSize: 37 }).rebuild()).rejects.toThrow('crash');
    const resumed = new ProjectionRunner(pool, store, allProjectors(store), { batchSize: 37 });
    expect(await resumed.waitFor(last, 20_000)).toBe(true);
    expect(await snapshotReadModels(pool)).toEqual(incremental);

    // "Upcoming" reads the timeline entries expiring in the window and keeps those no later
    // entry supersedes: it must list exactly the mandates whose expiry as of that date (the
    // fold's view) falls in the window, in expiry order.
    const prisma = createPrisma(pool);
    try {
      const queries = new MandateQueries(prisma, store, pool);
      const states = await Promise.all(mandates.map(async (m) => foldMandate(m, (await store.readStream(`mandate-${m}`)).events)));
      let listed = 0;
      for (let i = 0; i < 60; i++) {
        const asOf = date(r);
        const within = [0, 30, 365, 3650][i % 4];
        const until = addDays(asOf, within);
        const expected = states
          .map((state) => ({ id: state.mandateId, expiresOn: mandateView(state, { asOf }).expiresOn }))
          .filter((x): x is { id: string; expiresOn: string } => x.expiresOn !== null && x.expiresOn >= asOf && x.expiresOn <= until)
          .sort((a, b) => (a.expiresOn === b.expiresOn ? (a.id < b.id ? -1 : 1) : a.expiresOn < b.expiresOn ? -1 : 1));
        const page = await queries.upcoming({ asOf, within });
        expect(page.items.map((x) => ({ id: x.mandate.id, expiresOn: x.expiresOn })), `${asOf} +${within}`).toEqual(expected);
        listed += expected.length;
      }
      expect(listed).toBeGreaterThan(20);
    } finally {
      await prisma.$disconnect();
    }
  });
});

describe('superseded_on: each entry that sets an expiry links to the next one', () => {
  it('appends link the stored latest expiry to the first new one; an extension dated earlier refolds the mandate', async () => {
    // Refolds read the mandate's stream: count them through the store the projector is given.
    let refolds = 0;
    const counting = Object.create(store) as EventStore;
    counting.readStream = ((...args: Parameters<EventStore['readStream']>) => (refolds++, store.readStream(...args))) as EventStore['readStream'];
    const runner = new ProjectionRunner(pool, store, allProjectors(counting), { batchSize: 10 });
    const stream = 'mandate-link-a';
    let version = 0;
    const append = async (events: NewEvent[]) => {
      const { checkpoint } = await store.appendToStream(stream, events, { expectedVersion: version });
      version += events.length;
      expect(await runner.waitFor(checkpoint, 20_000)).toBe(true);
    };
    const extended = (adoptedOn: string, until: string): NewEvent => ({
      id: randomUUID(),
      type: 'MandateExtended',
      data: { mandateId: 'link-a', until, decision: `S/RES/${until}`, adoptedOn, paragraphs: ['1'], period: null },
      occurredOn: adoptedOn,
    });
    const links = async () =>
      (await pool.query<{ effective_on: string; superseded_on: string | null; next_on: string | null }>(
        `SELECT effective_on::text, superseded_on::text, next_on::text FROM (
           SELECT t.*, lead(effective_on) OVER (ORDER BY effective_on, seq) AS next_on FROM mandate_timeline t
           WHERE mandate_id = 'link-a' AND expires_on IS NOT NULL
         ) x ORDER BY effective_on`,
      )).rows;
    const upcoming = async (asOf: string) => {
      const prisma = createPrisma(pool);
      try {
        const page = await new MandateQueries(prisma, store, pool).upcoming({ asOf, within: 3650 });
        return page.items.filter((x) => x.mandate.id === 'link-a').map((x) => x.expiresOn);
      } finally {
        await prisma.$disconnect();
      }
    };

    await append([{ id: randomUUID(), type: 'MandateEstablished', data: { mandateId: 'link-a', names: { en: 'Link A' }, aliases: [], type: 'peace_operation', agendaItem: null, establishedOn: '2020-01-01', expiresOn: '2020-06-30', establishedBy: 'S/RES/1 (2020)' }, occurredOn: '2020-01-01' }]);
    await append([extended('2020-06-25', '2021-06-30')]); // one new fact
    await append([extended('2021-06-28', '2022-06-30'), extended('2022-06-27', '2023-06-30')]); // two in one batch
    expect(refolds).toBe(0); // all three took the fast path
    expect(await links()).toEqual([
      { effective_on: '2020-01-01', superseded_on: '2020-06-25', next_on: '2020-06-25' },
      { effective_on: '2020-06-25', superseded_on: '2021-06-28', next_on: '2021-06-28' },
      { effective_on: '2021-06-28', superseded_on: '2022-06-27', next_on: '2022-06-27' },
      { effective_on: '2022-06-27', superseded_on: null, next_on: null },
    ]);
    expect(await upcoming('2020-06-24')).toEqual(['2020-06-30']);
    expect(await upcoming('2020-06-25')).toEqual(['2021-06-30']);
    expect(await upcoming('2022-07-01')).toEqual(['2023-06-30']);

    // Recorded late: an extension adopted between two stored ones (it shortened nothing then, but
    // it is in force from its date until the next one).
    await append([extended('2020-12-01', '2021-03-31')]);
    expect(refolds).toBe(1);
    const after = await links();
    expect(after.map((l) => [l.effective_on, l.superseded_on])).toEqual([
      ['2020-01-01', '2020-06-25'],
      ['2020-06-25', '2020-12-01'],
      ['2020-12-01', '2021-06-28'],
      ['2021-06-28', '2022-06-27'],
      ['2022-06-27', null],
    ]);
    expect(await upcoming('2020-12-01')).toEqual(['2021-03-31']);
    expect(await upcoming('2020-11-30')).toEqual(['2021-06-30']);
    // And an append after that refold links again.
    await append([extended('2023-06-29', '2024-06-30')]);
    expect(refolds).toBe(1);
    expect((await links()).slice(-2).map((l) => [l.effective_on, l.superseded_on])).toEqual([
      ['2022-06-27', '2023-06-29'],
      ['2023-06-29', null],
    ]);
  });
});
