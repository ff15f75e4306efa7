import type pg from 'pg';
import type { StoredEvent } from '#libs/event-store';
import type { Projector } from '#libs/projections';

/** Counts how often each event reaches it: a second delivery of an event would show as 2. */
export class LedgerProjector implements Projector {
  readonly name = 'ledger';
  async apply(tx: pg.PoolClient, events: StoredEvent[]): Promise<void> {
    await tx.query(
      `INSERT INTO test_ledger (event_id, times) SELECT unnest($1::uuid[]), 1
       ON CONFLICT (event_id) DO UPDATE SET times = test_ledger.times + 1`,
      [events.map((e) => e.id)],
    );
  }
  async reset(tx: pg.PoolClient): Promise<void> {
    await tx.query('TRUNCATE test_ledger');
  }
}

export const LEDGER_DDL = 'CREATE TABLE IF NOT EXISTS test_ledger (event_id uuid PRIMARY KEY, times int NOT NULL)';
