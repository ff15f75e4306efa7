import type pg from 'pg';
import type { StoredEvent } from '#libs/event-store';

/**
 * A projection: turns events into read-model rows. The runner calls `apply` with a batch of
 * events in global-feed order inside the transaction that also moves the projection's
 * checkpoint, so rows and checkpoint always agree.
 */
export interface Projector {
  readonly name: string;
  apply(tx: pg.PoolClient, events: StoredEvent[]): Promise<void>;
  /** Tables this projection writes (vacuumed and analysed after a rebuild). */
  readonly tables?: readonly string[];
  /** Removes every row of this projection (before a rebuild from the start). */
  reset(tx: pg.PoolClient): Promise<void>;
}
