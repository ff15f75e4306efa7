import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '#libs/db';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { eventually } from '../../../test/support/eventually.js';
import { decodeCursor, EventIdConflictError, EventStore, InvalidAppendError, InvalidCursorError, WrongExpectedVersionError, type ReadAllFilter } from './index.js';
import { uuidv7 } from './ids.js';

let db: TestDatabase;
let pool: pg.Pool;
let store: EventStore;

beforeAll(async () => {
  db = await createTestDatabase('eventstore');
  pool = createPool(db.url, { max: 20 });
  store = new EventStore(pool);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const ev = (type = 'Thing', data: unknown = { n: 1 }, id?: string) => ({ id, type, data });

describe('appendToStream', () => {
  it('appends with versions 1..n and reads the stream back in order', async () => {
    const r = await store.appendToStream('thing-a', [ev('A', { n: 1 }), ev('B', { n: 2 })], { expectedVersion: 'no_stream' });
    expect(r.version).toBe(2);
    expect(r.positions).toHaveLength(2);
    expect(r.duplicate).toBe(false);
    const r2 = await store.appendToStream('thing-a', [ev('C', { n: 3 })], { expectedVersion: 2 });
    expect(r2.version).toBe(3);
    const s = await store.readStream('thing-a');
    expect(s.version).toBe(3);
    expect(s.events.map((e) => [e.version, e.type, (e.data as { n: number }).n])).toEqual([
      [1, 'A', 1],
      [2, 'B', 2],
      [3, 'C', 3],
    ]);
    expect(s.events[0].recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('rejects a wrong expected version with a typed error naming the actual version', async () => {
    await store.appendToStream('thing-b', [ev()], { expectedVersion: 'no_stream' });
    await expect(store.appendToStream('thing-b', [ev()], { expectedVersion: 'no_stream' })).rejects.toMatchObject({ name: 'WrongExpectedVersionError', actual: 1 });
    await expect(store.appendToStream('thing-b', [ev()], { expectedVersion: 5 })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(store.appendToStream('thing-none', [ev()], { expectedVersion: 1 })).rejects.toMatchObject({ actual: 0 });
    expect((await store.readStream('thing-b')).version).toBe(1);
  });

  it('appends with "any" whatever the version', async () => {
    await store.appendToStream('thing-any', [ev()], { expectedVersion: 'any' });
    const r = await store.appendToStream('thing-any', [ev(), ev()], { expectedVersion: 'any' });
    expect(r.version).toBe(3);
  });

  it('of concurrent appends with the same expected version exactly one wins', async () => {
    await store.appendToStream('thing-race', [ev()], { expectedVersion: 'no_stream' });
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => store.appendToStream('thing-race', [ev('Racer', { i })], { expectedVersion: 1 })),
    );
    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a) => a.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(11);
    for (const l of lost) expect((l as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
    expect((await store.readStream('thing-race')).version).toBe(2);
  });

  it('is idempotent by event id: a re-send returns the first result and appends nothing', async () => {
    const ids = [randomUUID(), randomUUID()];
    const first = await store.appendToStream('thing-idem', [ev('A', {}, ids[0]), ev('B', {}, ids[1])], { expectedVersion: 'no_stream' });
    const again = await store.appendToStream('thing-idem', [ev('A', {}, ids[0]), ev('B', {}, ids[1])], { expectedVersion: 'no_stream' });
    expect(again).toEqual({ ...first, duplicate: true });
    const anyAgain = await store.appendToStream('thing-idem', [ev('A', {}, ids[0]), ev('B', {}, ids[1])], { expectedVersion: 'any' });
    expect(anyAgain.positions).toEqual(first.positions);
    // concurrent identical re-sends
    const id = randomUUID();
    const results = await Promise.all(Array.from({ length: 6 }, () => store.appendToStream('thing-idem2', [ev('X', {}, id)], { expectedVersion: 'any' })));
    expect(new Set(results.map((r) => r.positions[0])).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect((await store.readStream('thing-idem2')).events).toHaveLength(1);
  });

  it('stores every field of a batch as given and returns its positions in version order', async () => {
    const given = randomUUID();
    const batch = [
      { id: given, type: 'First', data: { text: 'quote " backslash \\ 马里 \u2028', nested: { a: [1, null, true] } }, metadata: { actor: 'k1' }, occurredOn: '2020-06-29' },
      { type: 'Second', data: [], schemaVersion: 3 },
      { type: 'Third', data: { n: 3 } },
    ];
    const r = await store.appendToStream('batch-fields', batch, { expectedVersion: 'no_stream' });
    const { events } = await store.readStream('batch-fields');
    expect(events.map((e) => [e.id === given, e.type, e.data, e.metadata, e.schemaVersion, e.occurredOn])).toEqual([
      [true, 'First', batch[0].data, { actor: 'k1' }, 1, '2020-06-29'],
      [false, 'Second', [], {}, 3, null],
      [false, 'Third', { n: 3 }, {}, 1, null],
    ]);
    expect(r.positions).toEqual(events.map((e) => e.position));
    expect(r.version).toBe(3);
    expect(decodeCursor(r.checkpoint).position).toBe(String(events[2].position));
    // Ids the store generates are time-ordered UUIDs (version 7).
    for (const e of events.slice(1)) expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const r2 = await store.appendToStream('batch-fields', [ev('Fourth'), ev('Fifth')], { expectedVersion: 3 });
    expect(r2.version).toBe(5);
    expect(r2.positions[0]).toBeGreaterThan(r.positions[2]);
  });

  it('generates version 7 ids that sort by their millisecond', () => {
    const a = uuidv7(Date.UTC(2026, 0, 1));
    const b = uuidv7(Date.UTC(2026, 0, 1) + 1);
    expect(a.slice(0, 13)).toBe(`${Date.UTC(2026, 0, 1).toString(16).padStart(12, '0').slice(0, 8)}-${Date.UTC(2026, 0, 1).toString(16).padStart(12, '0').slice(8)}`);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7())).size).toBe(1000);
  });

  it('refuses ids used elsewhere, repeated ids and empty appends', async () => {
    const id = randomUUID();
    await store.appendToStream('thing-c', [ev('A', {}, id)], { expectedVersion: 'any' });
    await expect(store.appendToStream('thing-d', [ev('A', {}, id)], { expectedVersion: 'any' })).rejects.toBeInstanceOf(EventIdConflictError);
    await expect(store.appendToStream('thing-d', [ev('A', {}, id), ev('B', {}, randomUUID())], { expectedVersion: 'any' })).rejects.toBeInstanceOf(EventIdConflictError);
    const dup = randomUUID();
    await expect(store.appendToStream('thing-d', [ev('A', {}, dup), ev('B', {}, dup)], { expectedVersion: 'any' })).rejects.toBeInstanceOf(InvalidAppendError);
    await expect(store.appendToStream('thing-d', [], { expectedVersion: 'any' })).rejects.toBeInstanceOf(InvalidAppendError);
    expect(await store.streamVersion('thing-d')).toBe(0);
  });
});

describe('appendMany', () => {
  it('appends several streams atomically and skips facts already recorded', async () => {
    const shared = randomUUID();
    await store.appendToStream('many-a', [ev('A', {}, shared)], { expectedVersion: 'any' });
    const r = await store.appendMany(
      [
        { streamId: 'many-a', events: [ev('A', {}, shared), ev('A2')], expectedVersion: 'any' },
        { streamId: 'many-b', events: [ev('B'), ev('B2')], expectedVersion: 'any' },
      ],
      { skipExisting: true },
    );
    expect(r.appended).toBe(3);
    expect(r.duplicates).toBe(1);
    expect(await store.streamVersion('many-a')).toBe(2);
    expect(await store.streamVersion('many-b')).toBe(2);
  });

  it('writes nothing when one stream conflicts', async () => {
    await store.appendToStream('many-c', [ev()], { expectedVersion: 'any' });
    await expect(
      store.appendMany([
        { streamId: 'many-new', events: [ev()], expectedVersion: 'no_stream' },
        { streamId: 'many-c', events: [ev()], expectedVersion: 'no_stream' },
      ]),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await store.streamVersion('many-new')).toBe(0);
    expect(await store.streamVersion('many-c')).toBe(1);
  });
});

// The feed shows events once every older transaction in the cluster has ended (other test files
// share the server): wait until everything committed here is readable.
const committed = async () => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0].n;
async function readableTail(): Promise<string> {
  const n = await committed();
  return (await eventually(() => store.readAll(null, 1_000_000), (p) => p.events.length === n)).tail;
}

describe('readAll', () => {
  it('pages through every event once in a stable order with opaque cursors', async () => {
    await readableTail();
    const seen: string[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await store.readAll(cursor, 3);
      seen.push(...page.events.map((e) => e.id));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toHaveLength(await committed());
    expect(new Set(seen).size).toBe(seen.length);
    await expect(store.readAll('not-a-cursor', 3)).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('keeps the events of one append in order past digit boundaries of their positions', async () => {
    const start = await readableTail();
    await store.appendToStream('order-a', Array.from({ length: 25 }, (_, i) => ev('N', { i })), { expectedVersion: 'any' });
    const page = await eventually(() => store.readAll(start, 100), (p) => p.events.length >= 25);
    expect(page.events.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    const positions = page.events.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('filters by type and stream', async () => {
    await readableTail();
    const page = await store.readAll(null, 100, { streamId: 'thing-a' });
    expect(page.events.map((e) => e.type)).toEqual(['A', 'B', 'C']);
    const typed = await store.readAll(null, 100, { types: ['Racer'] });
    expect(typed.events).toHaveLength(1);
  });

  it('never skips an event whose transaction commits after a later one was read (gap-safe)', async () => {
    const start = await readableTail();
    const slow = await pool.connect();
    try {
      await slow.query('BEGIN');
      await store.appendToStream('gap-slow', [ev('Slow')], { expectedVersion: 'any' }, slow); // older transaction, still open
      await store.appendToStream('gap-fast', [ev('Fast')], { expectedVersion: 'any' }); // younger, commits first
      const during = await store.readAll(start, 100);
      expect(during.events.map((e) => e.type)).toEqual([]); // the younger one waits behind the open one
      await slow.query('COMMIT');
    } finally {
      slow.release();
    }
    const after = await eventually(() => store.readAll(start, 100), (p) => p.events.length >= 2);
    expect(after.events.map((e) => e.type)).toEqual(['Slow', 'Fast']);
  });

  it('reports the events an open transaction holds back from the feed, and who holds them', async () => {
    const slow = await pool.connect();
    try {
      await slow.query('BEGIN');
      await store.appendToStream('horizon-slow', [ev('Slow')], { expectedVersion: 'any' }, slow);
      await store.appendToStream('horizon-fast', [ev('Fast')], { expectedVersion: 'any' });
      const held = await store.horizonStatus();
      expect(held.hiddenEvents).toBeGreaterThanOrEqual(1); // 'Fast' is committed but unreadable
      // Tests run as a superuser, so the holder is visible (it may be an older one of another test file).
      expect(held.oldestWriter).not.toBeNull();
      expect(held.oldestWriter!.seconds).toBeGreaterThanOrEqual(0);
      await slow.query('COMMIT');
    } finally {
      slow.release();
    }
    const released = await eventually(() => store.horizonStatus(), (h) => h.hiddenEvents === 0);
    expect(released.hiddenEvents).toBe(0);
  });

  it('readAllJson hands out the very page readAll does, as JSON text (lifted where the schema is old), with the same cursors', async () => {
    const lift = Object.assign(
      (type: string, v: number, data: unknown) => (type === 'Renamed' && v === 1 ? { schemaVersion: 2, data: { fullName: (data as { name: string }).name } } : { schemaVersion: v, data }),
      { current: (type: string, v: number) => type !== 'Renamed' || v >= 2 },
    );
    const start = await readableTail();
    await store.appendToStream(
      'json-a',
      [
        { type: 'Renamed', data: { name: 'Old "quoted" \\ name', nested: { ü: ['多', null, 1.5e-7] } }, schemaVersion: 1, metadata: { by: 'test', at: [1, 2] } },
        { type: 'Plain', data: { n: 1 }, occurredOn: '2021-06-30' },
        { type: 'Renamed', data: { fullName: 'New' }, schemaVersion: 2 },
      ],
      { expectedVersion: 'any' },
    );
    await eventually(() => store.readAll(start, 100), (p) => p.events.length >= 3);
    for (const reader of [store, new EventStore(pool, { upcast: lift }), new EventStore(pool, { upcast: (t, v, d) => lift(t, v, d) })]) {
      const pages: [string | null, number, ReadAllFilter][] = [
        [start, 2, {}],
        [start, 100, { streamId: 'json-a' }],
        [null, 5, { types: ['Renamed', 'Plain'] }],
        [null, 1000, {}],
      ];
      for (const [cursor, limit, filter] of pages) {
        const objects = await reader.readAll(cursor, limit, filter);
        const json = await reader.readAllJson(cursor, limit, filter);
        expect(JSON.parse(json.itemsJson)).toEqual(objects.events);
        expect([json.count, json.next, json.tail]).toEqual([objects.events.length, objects.next, objects.tail]);
      }
    }
    const lifted = JSON.parse((await new EventStore(pool, { upcast: lift }).readAllJson(start, 100, { streamId: 'json-a' })).itemsJson);
    expect(lifted.map((e: { schemaVersion: number; data: unknown }) => [e.schemaVersion, e.data])).toEqual([
      [2, { fullName: 'Old "quoted" \\ name' }],
      [1, { n: 1 }],
      [2, { fullName: 'New' }],
    ]);
    expect(lifted[1].occurredOn).toBe('2021-06-30');
    await expect(store.readAllJson('not-a-cursor', 3)).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('upcasts old schema versions on read', async () => {
    const upcasting = new EventStore(pool, {
      upcast: (type, v, data) => (type === 'Renamed' && v === 1 ? { schemaVersion: 2, data: { fullName: (data as { name: string }).name } } : { schemaVersion: v, data }),
    });
    await upcasting.appendToStream('upcast-a', [{ type: 'Renamed', data: { name: 'Old' }, schemaVersion: 1 }], { expectedVersion: 'any' });
    const s = await upcasting.readStream('upcast-a');
    expect(s.events[0]).toMatchObject({ schemaVersion: 2, data: { fullName: 'Old' } });
    const raw = await store.readStream('upcast-a');
    expect(raw.events[0]).toMatchObject({ schemaVersion: 1, data: { name: 'Old' } });
  });
});
