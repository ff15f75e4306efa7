import { hashCode } from './hash.js';
import type pg from 'pg';
import { compareFeedPositions, decodeCursor, encodeCursor, type EventStore, type FeedPosition } from '#libs/event-store';
import type { Projector } from './projector.js';

export interface ProjectionRunnerOptions {
  batchSize?: number;
  /**
   * Events per batch of a rebuild (default max(batchSize, 50,000)): a rebuild reads the feed once
   * for all projections, and larger batches fold more events into each read-model row written
   * (bench, 1M events over 5,000 mandates: 20 rewrites of each mandate row instead of 50 at
   * 20,000, PostgreSQL CPU 29-31 -> 23-24 µs/event). A batch of 50,000 keeps Node busy for well
   * under a second between two statements of its transaction, far from the 15 s idle timeout.
   */
  rebuildBatchSize?: number;
  /**
   * VACUUM (ANALYZE) the rebuilt projections' tables at the end of a rebuild (default true): a
   * rebuild rewrites each mandate row once per batch, leaving hundreds of thousands of dead rows
   * and stale statistics that mislead the planner (bench: a 553k-row estimate for 5,000
   * mandates made every "upcoming" query pay 1.5 s of JIT compilation).
   */
  vacuumAfterRebuild?: boolean;
  /** Safety-net poll while running (notifications are the normal wake-up). */
  pollIntervalMs?: number;
  /** Channel the event store NOTIFYs on. */
  channel?: string;
  onError?: (err: unknown, projector: string) => void;
  onBatch?: (projector: string, count: number) => void;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs projectors over the global feed. Any number of processes may run one: each batch of a
 * projection happens in a transaction that first takes `pg_try_advisory_xact_lock` for it, so
 * one process at a time advances it and the lock cannot outlive the transaction (a session
 * lock would leak through the pool). Wakes on NOTIFY, polls as a safety net, catches up after
 * downtime from its checkpoint.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly rebuildBatchSize: number;
  private listener: pg.Client | null = null;
  private running = false;
  private dirty = false;
  private loop: Promise<void> | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private wakeUp: (() => void) | null = null;
  private ensured = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: EventStore,
    readonly projectors: Projector[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2000;
    this.rebuildBatchSize = options.rebuildBatchSize ?? Math.max(this.batchSize, 50_000);
  }

  private async ensureCheckpoints(): Promise<void> {
    if (this.ensured) return;
    await this.pool.query(
      `INSERT INTO projection_checkpoints (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING`,
      [this.projectors.map((p) => p.name)],
    );
    this.ensured = true;
  }

  /**
   * Projects one batch. Returns how many events were read (0: up to date), or null when
   * another process holds this projection right now.
   */
  async runBatch(projector: Projector): Promise<number | null> {
    return this.runBatchTogether([projector]);
  }

  /** Projects everything readable now, for every projector (or one). Returns events read. */
  async catchUp(only?: string): Promise<number> {
    let total = 0;
    for (const p of this.projectors) {
      if (only && p.name !== only) continue;
      for (;;) {
        const n = await this.runBatch(p);
        if (!n) break;
        total += n;
      }
    }
    return total;
  }

  async checkpoints(): Promise<Record<string, FeedPosition>> {
    await this.ensureCheckpoints();
    const r = await this.pool.query<{ name: string; tx: string; position: string }>(
      'SELECT name, transaction_id::text AS tx, position::text AS position FROM projection_checkpoints WHERE name = ANY($1::text[])',
      [this.projectors.map((p) => p.name)],
    );
    return Object.fromEntries(r.rows.map((row) => [row.name, { transactionId: row.tx, position: row.position }]));
  }

  /**
   * Read-your-writes: resolves once every projection has passed `checkpoint` (an append's
   * result), projecting itself when no other process is. False if `timeoutMs` ran out.
   */
  async waitFor(checkpoint: string, timeoutMs = 10_000): Promise<boolean> {
    const target = decodeCursor(checkpoint);
    const deadline = Date.now() + timeoutMs;
    let pause = 5;
    for (;;) {
      const cps = await this.checkpoints();
      const behind = this.projectors.filter((p) => !cps[p.name] || compareFeedPositions(cps[p.name], target) < 0);
      if (behind.length === 0) return true;
      if (Date.now() > deadline) return false;
      let progressed = false;
      for (const p of behind) {
        const n = await this.runBatch(p);
        if (n) progressed = true;
      }
      if (!progressed) {
        // Either another process holds the projection, or an older transaction is still open
        // (the event is not readable yet): look again shortly.
        await delay(pause);
        pause = Math.min(pause * 2, 50);
      }
    }
  }

  /** Events not yet projected by the slowest projection (for the lag metric). */
  async lag(): Promise<number> {
    const cps = Object.values(await this.checkpoints());
    if (cps.length === 0) return 0;
    const slowest = cps.reduce((a, b) => (compareFeedPositions(a, b) <= 0 ? a : b));
    const r = await this.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM events WHERE (transaction_id, position) > ($1::xid8, $2::bigint)',
      [slowest.transactionId, slowest.position],
    );
    return r.rows[0].n;
  }

  /** Rebuilds one projection (or all) from the start of the feed. */
  async rebuild(only?: string): Promise<number> {
    await this.ensureCheckpoints();
    // What each projector carries from one batch to the next (see RebuildCarry), from its empty tables on.
    const carries = new Map<string, RebuildCarry>();
    for (const p of this.projectors) {
      if (only && p.name !== only) continue;
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        // Wait for whoever is projecting it to finish its batch, then hold it while resetting.
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, hashCode(p.name)]);
        await p.reset(client);
        const cp = await client.query<{ writer: string }>(
          `UPDATE projection_checkpoints SET transaction_id = '0'::xid8, position = 0, updated_at = now() WHERE name = $1 RETURNING xmin::text AS writer`,
          [p.name],
        );
        await client.query('COMMIT');
        carries.set(p.name, { writer: cp.rows[0].writer, memory: new Map() });
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    }
    // Every reset projection now starts from the same checkpoint: read the feed once for all of
    // them. If one is taken by another process meanwhile, the rest goes projection by projection.
    const selected = this.projectors.filter((p) => !only || p.name === only);
    let total = 0;
    const ahead = new ReadAhead(this.store, this.pool);
    try {
      for (;;) {
        const n = await this.runBatchTogether(selected, this.rebuildBatchSize, ahead, carries);
        if (!n) break;
        total += n * selected.length;
      }
    } finally {
      await ahead.discard();
    }
    total += await this.catchUp(only);
    if (this.options.vacuumAfterRebuild ?? true) {
      for (const table of new Set(selected.flatMap((p) => p.tables ?? []))) {
        // Outside any transaction (VACUUM refuses one); a failure only costs the optimisation.
        await this.pool.query(`VACUUM (ANALYZE) ${table}`).catch(() => undefined);
      }
    }
    return total;
  }

  /**
   * One batch for several projections that stand at the same checkpoint: the events are read
   * once and applied by each in the same transaction, which moves all their checkpoints. Returns
   * the events read, 0 when up to date, or null when a projection is held by another process or
   * the checkpoints differ (then one projection at a time). `runBatch` is the case of one.
   *
   * With `ahead` (a rebuild), the next page of the feed is read on another connection while
   * this batch is applied, and the next call uses it if its checkpoint is where that read
   * started: PostgreSQL reads and Node parses batch n+1 while batch n is written.
   *
   * With `carries` (a rebuild), each projector gets its carry-over memory when the checkpoint row
   * was last written by the transaction that last used that memory, and loses it otherwise.
   */
  async runBatchTogether(projectors: Projector[], limit = this.batchSize, ahead?: ReadAhead, carries?: Map<string, RebuildCarry>): Promise<number | null> {
    if (projectors.length === 0) return 0;
    await this.ensureCheckpoints();
    const names = projectors.map((p) => p.name);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const lock = await client.query<{ ok: boolean }>(
        'SELECT bool_and(pg_try_advisory_xact_lock($1, h)) AS ok FROM unnest($2::int[]) AS h',
        [LOCK_SPACE, projectors.map((p) => hashCode(p.name))],
      );
      if (!lock.rows[0].ok) {
        await client.query('ROLLBACK');
        return null;
      }
      const cps = await client.query<{ name: string; tx: string; position: string; writer: string }>(
        'SELECT name, transaction_id::text AS tx, position::text AS position, xmin::text AS writer FROM projection_checkpoints WHERE name = ANY($1::text[])',
        [names],
      );
      if (new Set(cps.rows.map((r) => `${r.tx}.${r.position}`)).size !== 1) {
        await client.query('ROLLBACK');
        return null;
      }
      const carried = new Map<string, RebuildCarry>();
      for (const row of cps.rows) {
        const carry = carries?.get(row.name);
        if (carry && carry.writer === row.writer) carried.set(row.name, carry);
        else carries?.delete(row.name); // someone else moved it (or reset it) since: start over from the tables
      }
      // Read before any write: this transaction gets its id only at its first write, so it does
      // not hold back the gap-safe horizon of its own read.
      const from: FeedPosition = { transactionId: cps.rows[0].tx, position: cps.rows[0].position };
      const rows = (await ahead?.take(from, limit)) ?? (await this.store.readAllWithPositions(from, limit, client));
      if (rows.length === 0) {
        await client.query('ROLLBACK');
        return 0;
      }
      ahead?.start(rows[rows.length - 1].at, limit);
      const events = rows.map((r) => r.event);
      for (const p of projectors) await p.apply(client, events, carried.get(p.name)?.memory);
      const last = rows[rows.length - 1].at;
      const moved = await client.query<{ name: string; writer: string }>(
        'UPDATE projection_checkpoints SET transaction_id = $2::xid8, position = $3, updated_at = now() WHERE name = ANY($1::text[]) RETURNING name, xmin::text AS writer',
        [names, last.transactionId, last.position],
      );
      await client.query('COMMIT');
      // Committed: the memory now matches the rows this transaction wrote.
      for (const row of moved.rows) {
        const carry = carried.get(row.name);
        if (carry) carry.writer = row.writer;
      }
      for (const p of projectors) this.options.onBatch?.(p.name, rows.length);
      return rows.length;
    } catch (err) {
      // The memory may hold this batch's changes: whether they were committed is not known (a
      // failed COMMIT may have succeeded on the server), so the next batch reads the tables.
      for (const name of names) carries?.delete(name);
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Keeps the projections up to date until `stop()`: LISTEN for appends, poll as a safety net. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.ensureCheckpoints();
    await this.listen();
    this.pollTimer = setInterval(() => this.kick(), this.options.pollIntervalMs ?? 1000);
    this.pollTimer.unref();
    this.store.onAppended(() => this.kick());
    this.dirty = true;
    this.loop = this.run();
  }

  kick(): void {
    this.dirty = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.wakeUp?.();
    await this.loop;
    const l = this.listener;
    this.listener = null;
    await l?.end().catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (!this.dirty) {
        await new Promise<void>((resolve) => (this.wakeUp = resolve));
        this.wakeUp = null;
        continue;
      }
      this.dirty = false;
      for (const p of this.projectors) {
        if (!this.running) break;
        try {
          for (;;) {
            const n = await this.runBatch(p);
            if (n === null) {
              // Another replica holds it; make sure what woke us gets projected by someone.
              this.dirty = true;
              await delay(50);
              break;
            }
            if (n === 0 || !this.running) break;
          }
        } catch (err) {
          this.options.onError?.(err, p.name);
          this.dirty = true;
          await delay(500);
        }
      }
    }
  }

  private async listen(): Promise<void> {
    const channel = this.options.channel ?? 'mw_events';
    const cfg = (this.pool as unknown as { options: pg.ClientConfig }).options;
    const client = new (await import('pg')).default.Client({ ...cfg });
    client.on('notification', () => this.kick());
    client.on('error', () => {
      // Reconnect after a lost connection; polling covers the gap.
      if (this.listener === client) {
        this.listener = null;
        setTimeout(() => this.running && this.listen().catch(() => undefined), 1000).unref();
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
      this.listener = client;
    } catch {
      await client.end().catch(() => undefined);
      setTimeout(() => this.running && this.listen().catch(() => undefined), 1000).unref();
    }
  }
}

/**
 * A projector's carry-over memory during a rebuild (what it would otherwise read back from its
 * tables at each batch) and the transaction that last wrote its checkpoint row together with
 * the rows the memory describes. The memory starts empty with the reset that empties the tables.
 * A batch uses it only if the checkpoint row's `xmin` is still that transaction: any other
 * writer of the checkpoint (another process's batch, a reset) gives the row a new `xmin`, and a
 * transaction that did not commit leaves the older one. (`xmin` is a 32-bit transaction id: a
 * repeat would take 4 billion transactions during one rebuild.)
 */
export interface RebuildCarry {
  writer: string;
  memory: Map<string, unknown>;
}

type FeedRows = Awaited<ReturnType<EventStore['readAllWithPositions']>>;

/**
 * One page of the feed read in advance, outside the batch's transaction. The feed is gap-safe
 * and its order never changes once read, so a page read from position p is exactly what a read
 * from p inside the next batch would return, or a prefix of it (fewer rows when an older
 * transaction was still open): the next batch uses it only when its checkpoint is still p, and
 * reads for itself when the page came back empty or failed.
 */
export class ReadAhead {
  private pending: { from: FeedPosition; limit: number; rows: Promise<FeedRows | null> } | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly pool: pg.Pool,
  ) {}

  start(from: FeedPosition, limit: number): void {
    void this.discard();
    this.pending = { from, limit, rows: this.store.readAllWithPositions(from, limit, this.pool).catch(() => null) };
  }

  /** The page read from `from` (up to `limit` rows), or null to read it now. */
  async take(from: FeedPosition, limit: number): Promise<FeedRows | null> {
    const p = this.pending;
    this.pending = null;
    if (!p || p.limit > limit || compareFeedPositions(p.from, from) !== 0) {
      await p?.rows;
      return null;
    }
    const rows = await p.rows;
    return rows && rows.length > 0 ? rows : null;
  }

  /** Waits for a read still running and forgets it. */
  async discard(): Promise<void> {
    const p = this.pending;
    this.pending = null;
    await p?.rows;
  }
}

// Advisory lock keyspace of projections (two-int form: space, hash of the projection's name).
const LOCK_SPACE = 71_002;

export { encodeCursor };
