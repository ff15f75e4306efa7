import pg from 'pg';
import { createPool } from '#libs/db';
import { EventStore, WrongExpectedVersionError, type StoredEvent } from '#libs/event-store';
import { allProjectors, ProjectionRunner, type Projector } from '#libs/projections';
import { snapshotReadModels } from '../../support/projections.js';

import { LedgerProjector, LEDGER_DDL } from '../../support/ledger.js';
export { LedgerProjector, LEDGER_DDL };

export function day(n: number): string {
  return new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
}

/** A deterministic generator of plausible facts on overlapping streams (as in test/core/concurrency). */
export function factGenerator(seed: number, mandates: number, meetings: number) {
  let s = seed;
  const rand = (n: number) => {
    s = (s * 48271) % 2147483647;
    return s % n;
  };
  return (version: (streamId: string) => Promise<number>) =>
    (async () => {
      const isMeeting = rand(4) === 0;
      const n = isMeeting ? rand(meetings) : rand(mandates);
      const streamId = isMeeting ? `meeting-m-${n}` : `mandate-m${n}`;
      const v = await version(streamId);
      const batch = 1 + rand(3);
      const events = Array.from({ length: batch }, (_, i) => {
        if (isMeeting) {
          return { type: 'MeetingHeld', data: { meetingId: `m-${n}`, kind: 'meeting', symbol: null, record: null, recordDate: null, date: day(rand(900)), agendaItem: `item-${n % 7}`, format: 'briefing', subItem: null, documents: [], rule37: [], rule39: [], speakers: [], outcome: null, writtenProcedureRecord: null } };
        }
        if (v === 0 && i === 0) {
          return { type: 'MandateEstablished', data: { mandateId: `m${n}`, acronym: `M${n}`, names: { en: `Mandate ${n}` }, aliases: [], type: 'other', agendaItem: `item-${n % 7}`, establishedOn: '2019-01-01', expiresOn: '2020-01-01', establishedBy: null }, occurredOn: '2019-01-01' };
        }
        const adopted = day(rand(700));
        return { type: 'MandateExtended', data: { mandateId: `m${n}`, until: day(700 + rand(700)), decision: `S/RES/${1000 + rand(5000)} (2020)`, adoptedOn: adopted, paragraphs: [], period: null }, occurredOn: adopted };
      });
      return { streamId, expectedVersion: v === 0 ? ('no_stream' as const) : v, events };
    })();
}

export interface LoadFigures {
  writers: number;
  replicas: number;
  target: number;
  appended: number;
  conflicts: number;
  ledgerRows: number;
  ledgerSum: number;
  maxTimesProjected: number;
  streamsWithGaps: number;
  feedCount: number;
  feedOutOfOrder: number;
  readModelsEqualRebuild: boolean;
  mandates: number;
  seconds: number;
  eventsPerSecond: number;
  batchesByReplica: number[];
  projectionErrors: string[];
}

/**
 * `writers` concurrent writers append `target` events on overlapping streams while `replicas`
 * projection runners (separate pools, as separate worker processes would have) keep every read
 * model and a ledger up to date. Then: exactly once, no gaps, feed in order, rebuild equal.
 */
export async function runLoad(databaseUrl: string, opts: { writers: number; replicas: number; target: number; mandates: number; meetings: number }): Promise<LoadFigures> {
  const writerPool = createPool(databaseUrl, { max: opts.writers + 2 });
  const replicaPools = Array.from({ length: opts.replicas }, () => createPool(databaseUrl, { max: 4 }));
  const started = Date.now();
  try {
    await writerPool.query(LEDGER_DDL);
    const writerStore = new EventStore(writerPool, { notifyChannel: 'mw_events' });
    const batchesByReplica = replicaPools.map(() => 0);
    const projectionErrors: string[] = [];
    const replicas = replicaPools.map((pool, i) => {
      const store = new EventStore(pool);
      return new ProjectionRunner(pool, store, [...allProjectors(store), new LedgerProjector()], {
        batchSize: 500,
        pollIntervalMs: 200,
        onBatch: () => batchesByReplica[i]++,
        onError: (err, projector) => {
          if (projectionErrors.length < 50) projectionErrors.push(`${projector}: ${(err as Error).message}`);
        },
      });
    });
    await Promise.all(replicas.map((r) => r.start()));

    let written = 0;
    let conflicts = 0;
    const writer = async (w: number) => {
      const next = factGenerator(w * 7919 + 1, opts.mandates, opts.meetings);
      while (written < opts.target) {
        const { streamId, expectedVersion, events } = await next((id) => writerStore.streamVersion(id));
        if (written >= opts.target) break;
        written += events.length;
        try {
          await writerStore.appendToStream(streamId, events, { expectedVersion });
        } catch (err) {
          if (!(err instanceof WrongExpectedVersionError)) throw err;
          written -= events.length;
          conflicts++;
        }
      }
    };
    await Promise.all(Array.from({ length: opts.writers }, (_, w) => writer(w)));
    const appended = (await writerPool.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0].n;

    const deadline = Date.now() + Number(process.env.LOAD_CATCH_UP_MS ?? 600_000);
    for (;;) {
      const lags = await Promise.all(replicas.map((r) => r.lag()));
      if (lags.every((l) => l === 0)) break;
      if (Date.now() > deadline) {
        const sessions = await writerPool.query(
          `SELECT application_name, state, wait_event_type, wait_event, backend_xid::text, backend_xmin::text, (now() - xact_start)::text AS age, left(query, 120) AS query
             FROM pg_stat_activity WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid()`,
        );
        const horizon = await writerPool.query(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, (SELECT json_agg(c) FROM projection_checkpoints c) AS checkpoints`);
        throw new Error(
          `projections did not catch up: lags ${lags.join(', ')}; errors: ${[...new Set(projectionErrors)].slice(0, 5).join(' / ')}; ` +
            `horizon ${JSON.stringify(horizon.rows[0])}; open transactions ${JSON.stringify(sessions.rows)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(replicas.map((r) => r.stop()));
    const seconds = (Date.now() - started) / 1000;

    const ledger = (
      await writerPool.query<{ n: number; max: number | null; sum: number | null }>('SELECT count(*)::int AS n, max(times)::int AS max, sum(times)::int AS sum FROM test_ledger')
    ).rows[0];
    const gaps = await writerPool.query(
      `SELECT e.stream_id FROM events e JOIN streams s USING (stream_id)
       GROUP BY e.stream_id, s.version HAVING count(*) <> max(e.version) OR min(e.version) <> 1 OR max(e.version) <> s.version`,
    );
    const lastVersion = new Map<string, number>();
    let cursor: string | null = null;
    let feedCount = 0;
    let feedOutOfOrder = 0;
    for (;;) {
      const page = await writerStore.readAll(cursor, 5000);
      for (const e of page.events) {
        if (e.version !== (lastVersion.get(e.streamId) ?? 0) + 1) feedOutOfOrder++;
        lastVersion.set(e.streamId, e.version);
      }
      feedCount += page.events.length;
      if (!page.next) break;
      cursor = page.next;
    }
    const projected = await snapshotReadModels(writerPool);
    const rebuildStore = new EventStore(writerPool);
    await new ProjectionRunner(writerPool, rebuildStore, allProjectors(rebuildStore), { batchSize: 5000 }).rebuild();
    const rebuilt = await snapshotReadModels(writerPool);
    return {
      writers: opts.writers,
      replicas: opts.replicas,
      target: opts.target,
      appended,
      conflicts,
      ledgerRows: ledger.n,
      ledgerSum: ledger.sum ?? 0,
      maxTimesProjected: ledger.max ?? 0,
      streamsWithGaps: gaps.rowCount ?? 0,
      feedCount,
      feedOutOfOrder,
      readModelsEqualRebuild: JSON.stringify(projected) === JSON.stringify(rebuilt),
      mandates: projected.mandates.length,
      seconds,
      eventsPerSecond: Math.round(appended / seconds),
      batchesByReplica,
      projectionErrors: [...new Set(projectionErrors)].slice(0, 10),
    };
  } finally {
    await Promise.all([writerPool, ...replicaPools].map((p) => p.end().catch(() => undefined)));
  }
}
