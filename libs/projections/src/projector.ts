import type pg from 'pg';
import type { StoredEvent } from '#libs/event-store';

/**
 * A projection: turns events into read-model rows. The runner calls `apply` with a batch of
 * events in global-feed order inside the transaction that also moves the projection's
 * checkpoint, so rows and checkpoint always agree.
 */
export interface Projector {
  readonly name: string;
  /**
   * With `carry` (during a rebuild), the projector may keep what it would otherwise read back
   * from its tables at the next batch in this map: the runner hands over the same map only while
   * every batch since the reset to empty tables was its own and committed (see
   * ProjectionRunner.rebuild), and drops it otherwise. Without it, read everything from the tables.
   */
  apply(tx: pg.PoolClient, events: StoredEvent[], carry?: Map<string, unknown>): Promise<void>;
  /** Tables this projection writes (vacuumed and analysed after a rebuild). */
  readonly tables?: readonly string[];
  /** Removes every row of this projection (before a rebuild from the start). */
  reset(tx: pg.PoolClient): Promise<void>;
}
