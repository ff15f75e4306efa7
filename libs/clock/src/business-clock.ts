import pg from 'pg';
import type { Clock } from '#libs/domain';

export const CLOCK_CHANNEL = 'mw_clock';

export interface BusinessClockOptions {
  connectionString: string;
  /** CLOCK_START as given: the clock is set from it only when it differs from the stored anchor. */
  startAnchor?: string;
  /** Safety net besides LISTEN/NOTIFY (a notification sent while reconnecting is lost). */
  refreshIntervalMs?: number;
  onError?: (err: Error) => void;
}

export type ClockListener = (event: { now: Date; offsetMs: number; previousOffsetMs: number }) => void;

/**
 * The deployment's one business clock: real time plus an offset kept in PostgreSQL
 * (`business_clock`). Every process holds the offset in memory (so `now()` is synchronous and
 * cheap), LISTENs on `mw_clock` for moves made by any process, and re-reads the row
 * periodically. Instants the outside world checks (webhook timestamps, recordedAt, retries) must
 * use real time, not this.
 */
export class BusinessClock implements Clock {
  private offset = 0;
  private readonly listeners = new Set<ClockListener>();
  private listenClient?: pg.Client;
  private refreshTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private closed = false;
  private readonly pool: pg.Pool;

  private constructor(private readonly options: BusinessClockOptions) {
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: 2, application_name: 'mandate-watch-clock' });
    this.pool.on('error', () => undefined);
    // Checked-out clients too (see createPool): a restart of PostgreSQL must not be an uncaught exception.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  /** Initialises the row (honouring CLOCK_START), reads the offset and starts listening. */
  static async start(options: BusinessClockOptions): Promise<BusinessClock> {
    const clock = new BusinessClock(options);
    try {
      await clock.initialise();
      await clock.listen();
    } catch (err) {
      await clock.close();
      throw err;
    }
    clock.refreshTimer = setInterval(() => void clock.refresh().catch((e) => clock.reportError(e)), options.refreshIntervalMs ?? 5_000);
    clock.refreshTimer.unref();
    return clock;
  }

  now(): Date {
    return new Date(Date.now() + this.offset);
  }

  get offsetMs(): number {
    return this.offset;
  }

  /** Is the business clock real time (never moved, or moved back to real time)? */
  get isRealTime(): boolean {
    return this.offset === 0;
  }

  /** Moves the clock for every process of the deployment. */
  async set(now: Date): Promise<void> {
    const offsetMs = now.getTime() - Date.now();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`UPDATE business_clock SET offset_ms = $1, updated_at = now() WHERE id = 1`, [offsetMs]);
      // Delivered at commit, to every listener including this process's own.
      await client.query(`SELECT pg_notify($1, $2)`, [CLOCK_CHANNEL, String(offsetMs)]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    this.apply(offsetMs);
  }

  /** Back to real time (offset 0). */
  async reset(): Promise<void> {
    await this.set(new Date());
    // set() measured "now" twice: make it exactly 0, not a millisecond or so off.
    await this.pool.query(`UPDATE business_clock SET offset_ms = 0 WHERE id = 1`);
    await this.pool.query(`SELECT pg_notify($1, '0')`, [CLOCK_CHANNEL]);
    this.apply(0);
  }

  /** Called after the clock moved (by any process). Returns an unsubscribe function. */
  onChange(listener: ClockListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the offset from PostgreSQL. */
  async refresh(): Promise<void> {
    const { rows } = await this.pool.query<{ offset_ms: string }>(`SELECT offset_ms FROM business_clock WHERE id = 1`);
    if (rows[0]) this.apply(Number(rows[0].offset_ms));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.refreshTimer);
    clearTimeout(this.reconnectTimer);
    this.listeners.clear();
    const listenClient = this.listenClient;
    this.listenClient = undefined;
    await listenClient?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  private async initialise(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO business_clock (id, offset_ms) VALUES (1, 0) ON CONFLICT (id) DO NOTHING`);
      const { rows } = await client.query<{ offset_ms: string; start_anchor: string | null }>(
        `SELECT offset_ms, start_anchor FROM business_clock WHERE id = 1 FOR UPDATE`,
      );
      const stored = rows[0];
      const anchor = this.options.startAnchor ?? null;
      let offsetMs = Number(stored.offset_ms);
      // A new CLOCK_START (or its removal) resets the clock; the same value again keeps the clock
      // where it has run to (or was moved to), so a restart never jumps it back.
      if (stored.start_anchor !== anchor) {
        offsetMs = anchor ? new Date(anchor).getTime() - Date.now() : 0;
        await client.query(`UPDATE business_clock SET offset_ms = $1, start_anchor = $2, updated_at = now() WHERE id = 1`, [offsetMs, anchor]);
        await client.query(`SELECT pg_notify($1, $2)`, [CLOCK_CHANNEL, String(offsetMs)]);
      }
      await client.query('COMMIT');
      this.offset = offsetMs;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString, application_name: 'mandate-watch-clock-listen' });
    client.on('notification', (msg) => {
      if (msg.channel !== CLOCK_CHANNEL) return;
      const offsetMs = Number(msg.payload);
      if (Number.isFinite(offsetMs)) this.apply(offsetMs);
    });
    const lost = (err?: Error) => {
      if (this.closed || this.listenClient !== client) return;
      this.listenClient = undefined;
      if (err) this.reportError(err);
      client.end().catch(() => undefined);
      this.scheduleReconnect(1_000);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    await client.connect();
    await client.query(`LISTEN ${CLOCK_CHANNEL}`);
    this.listenClient = client;
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.closed) return;
    this.reconnectTimer = setTimeout(async () => {
      try {
        await this.listen();
        await this.refresh(); // moves made while we were not listening
      } catch (err) {
        this.reportError(err as Error);
        this.scheduleReconnect(Math.min(delayMs * 2, 30_000));
      }
    }, delayMs);
    this.reconnectTimer.unref();
  }

  private apply(offsetMs: number): void {
    if (this.closed || offsetMs === this.offset) return;
    const previousOffsetMs = this.offset;
    this.offset = offsetMs;
    const event = { now: this.now(), offsetMs, previousOffsetMs };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.reportError(err as Error);
      }
    }
  }

  private reportError(err: Error): void {
    this.options.onError?.(err);
  }
}
