import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '#libs/db';
import { WrongExpectedVersionError, EventStore } from '#libs/event-store';
import { allProjectors, ProjectionRunner } from '#libs/projections';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { LEDGER_DDL, LedgerProjector } from '../support/ledger.js';
import { snapshotReadModels } from '../support/projections.js';

/**
 * Many writers on overlapping streams while two projector replicas (separate pools, as in two
 * worker processes) run: every event is projected exactly once, streams have no gaps or
 * duplicate versions, the feed keeps each stream in version order, and the read models equal a
 * fresh rebuild.
 */
const WRITERS = 8;
const EVENTS = 20_000;
const MANDATES = 150;
const MEETINGS = 100;

let db: TestDatabase;
let pools: pg.Pool[] = [];

beforeAll(async () => {
  db = await createTestDatabase('concurrency');
  pools = [createPool(db.url, { max: WRITERS + 2 }), createPool(db.url, { max: 4 }), createPool(db.url, { max: 4 })];
  await pools[0].query(LEDGER_DDL);
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db.drop();
});

function day(n: number): string {
  return new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
}

describe('concurrency', () => {
  it(`${WRITERS} writers, ${EVENTS} events, two projector replicas: exactly once, no gaps, equal to a rebuild`, async () => {
    const writerStore = new EventStore(pools[0], { notifyChannel: 'mw_events' });
    const replicas = [1, 2].map((i) => {
      const store = new EventStore(pools[i]);
      return new ProjectionRunner(pools[i], store, [...allProjectors(store), new LedgerProjector()], { batchSize: 500, pollIntervalMs: 200 });
    });
    await Promise.all(replicas.map((r) => r.start()));

    let written = 0;
    let conflicts = 0;
    const writer = async (w: number) => {
      let seed = w * 7919 + 1;
      const rand = (n: number) => {
        seed = (seed * 48271) % 2147483647;
        return seed % n;
      };
      while (written < EVENTS) {
        const isMeeting = rand(4) === 0;
        const n = isMeeting ? rand(MEETINGS) : rand(MANDATES);
        const streamId = isMeeting ? `meeting-m-${n}` : `mandate-m${n}`;
        const version = await writerStore.streamVersion(streamId);
        const batch = 1 + rand(3);
        const events = Array.from({ length: batch }, (_, i) => {
          if (isMeeting) {
            return { type: 'MeetingHeld', data: { meetingId: `m-${n}`, kind: 'meeting', symbol: null, record: null, recordDate: null, date: day(rand(900)), agendaItem: `item-${n % 7}`, format: 'briefing', subItem: null, documents: [], rule37: [], rule39: [], speakers: [], outcome: null, writtenProcedureRecord: null } };
          }
          if (version === 0 && i === 0) {
            return { type: 'MandateEstablished', data: { mandateId: `m${n}`, acronym: `M${n}`, names: { en: `Mandate ${n}` }, aliases: [], type: 'other', agendaItem: `item-${n % 7}`, establishedOn: '2019-01-01', expiresOn: '2020-01-01', establishedBy: null }, occurredOn: '2019-01-01' };
          }
          const adopted = day(rand(700));
          return { type: 'MandateExtended', data: { mandateId: `m${n}`, until: day(700 + rand(700)), decision: `S/RES/${1000 + rand(5000)} (2020)`, adoptedOn: adopted, paragraphs: [], period: null }, occurredOn: adopted };
        });
        if (written >= EVENTS) break;
        written += batch;
        try {
          await writerStore.appendToStream(streamId, events, { expectedVersion: version === 0 ? 'no_stream' : version });
        } catch (err) {
          if (!(err instanceof WrongExpectedVersionError)) throw err;
          written -= batch;
          conflicts++;
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));

    const total = (await pools[0].query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0].n;
    expect(total).toBeGreaterThanOrEqual(EVENTS);
    expect(conflicts).toBeGreaterThan(0); // the streams really overlapped

    // Wait until both replicas have nothing left to do (they share the work).
    for (;;) {
      const lags = await Promise.all(replicas.map((r) => r.lag()));
      if (lags.every((l) => l === 0)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(replicas.map((r) => r.stop()));

    // Exactly once: every event reached the ledger once.
    const ledger = (await pools[0].query<{ n: number; max: number; sum: number }>('SELECT count(*)::int AS n, max(times)::int AS max, sum(times)::int AS sum FROM test_ledger')).rows[0];
    expect(ledger).toEqual({ n: total, max: 1, sum: total });

    // No gaps or duplicate versions; the stream row agrees.
    const gaps = await pools[0].query(
      `SELECT e.stream_id FROM events e JOIN streams s USING (stream_id)
       GROUP BY e.stream_id, s.version HAVING count(*) <> max(e.version) OR min(e.version) <> 1 OR max(e.version) <> s.version`,
    );
    expect(gaps.rows).toEqual([]);

    // The feed keeps each stream's events in version order.
    const lastVersion = new Map<string, number>();
    let cursor: string | null = null;
    let seen = 0;
    for (;;) {
      const page = await writerStore.readAll(cursor, 5000);
      for (const e of page.events) {
        expect(e.version).toBe((lastVersion.get(e.streamId) ?? 0) + 1);
        lastVersion.set(e.streamId, e.version);
      }
      seen += page.events.length;
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toBe(total);

    // Read models equal a fresh rebuild.
    const projected = await snapshotReadModels(pools[0]);
    expect(projected.mandates.length).toBe(MANDATES);
    const rebuildStore = new EventStore(pools[0]);
    await new ProjectionRunner(pools[0], rebuildStore, allProjectors(rebuildStore), { batchSize: 5000 }).rebuild();
    expect(await snapshotReadModels(pools[0])).toEqual(projected);
  }, 240_000);
});
