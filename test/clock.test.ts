import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessClock } from '#libs/clock';
import { createTestDatabase, type TestDatabase } from './support/db.js';

/** Two BusinessClock instances on one database stand for two processes of a deployment. */
describe('BusinessClock', () => {
  let db: TestDatabase;
  const clocks: BusinessClock[] = [];
  const start = async (startAnchor?: string) => {
    const c = await BusinessClock.start({ connectionString: db.url, startAnchor });
    clocks.push(c);
    return c;
  };
  const storedOffset = async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query('SELECT offset_ms, start_anchor FROM business_clock');
    await c.end();
    return { offsetMs: Number(rows[0].offset_ms), anchor: rows[0].start_anchor as string | null };
  };

  beforeAll(async () => {
    db = await createTestDatabase('clock');
  });
  afterAll(async () => {
    await Promise.all(clocks.map((c) => c.close()));
    await db.drop();
  });

  it('runs on real time when nothing was configured', async () => {
    const clock = await start();
    expect(clock.isRealTime).toBe(true);
    expect(clock.offsetMs).toBe(0);
    await clock.close();
  });

  it('starts at CLOCK_START and does not jump back when restarted with the same value', async () => {
    const first = await start('2021-06-01T00:00:00Z');
    const before = first.now().getTime();
    // 2021-06-01 plus the few milliseconds since start: far in the past relative to real time.
    expect(before).toBeGreaterThanOrEqual(Date.parse('2021-06-01T00:00:00Z'));
    expect(before).toBeLessThan(Date.parse('2021-06-02T00:00:00Z'));
    await first.set(new Date('2021-07-15T00:00:00Z'));
    await first.close();

    const restarted = await start('2021-06-01T00:00:00Z');
    expect(restarted.now().getTime()).toBeGreaterThanOrEqual(Date.parse('2021-07-15T00:00:00Z'));
    expect((await storedOffset()).anchor).toBe('2021-06-01T00:00:00Z');

    // A different CLOCK_START is a new start: the clock jumps there.
    const moved = await start('2030-01-01T00:00:00Z');
    expect(moved.now().toISOString().slice(0, 10)).toBe('2030-01-01');
    await restarted.close();
    await moved.close();
  });

  it('agrees across processes after one of them moves it, and tells listeners', async () => {
    const a = await start('2025-01-01T00:00:00Z');
    const b = await start('2025-01-01T00:00:00Z');
    const changed = new Promise<{ now: Date; offsetMs: number }>((resolve) => b.onChange(resolve));
    const target = new Date('2026-03-01T09:00:00Z');
    await a.set(target);
    const event = await changed;
    expect(event.offsetMs).toBe(a.offsetMs);
    expect(b.offsetMs).toBe(a.offsetMs);
    expect(b.now().getTime()).toBeGreaterThanOrEqual(target.getTime());
    expect(b.now().toISOString().slice(0, 10)).toBe('2026-03-01');
    expect((await storedOffset()).offsetMs).toBe(a.offsetMs);

    const reset = new Promise<{ offsetMs: number }>((resolve) => {
      const off = b.onChange((e) => {
        if (e.offsetMs === 0) {
          off();
          resolve(e);
        }
      });
    });
    await a.reset();
    await reset;
    expect(a.isRealTime && b.isRealTime).toBe(true);
  });

  it('re-listens after losing its connection, and catches up on what it missed', async () => {
    const a = await start('2025-01-01T00:00:00Z');
    // Periodic refresh out of the way: only the reconnect can bring the move to b.
    const b = await BusinessClock.start({ connectionString: db.url, startAnchor: '2025-01-01T00:00:00Z', refreshIntervalMs: 3_600_000 });
    clocks.push(b);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'mandate-watch-clock-listen'`,
    );
    await admin.end();
    expect(killed.rowCount).toBeGreaterThanOrEqual(1);
    const changed = new Promise<{ offsetMs: number }>((resolve) => b.onChange(resolve));
    await a.set(new Date('2027-07-07T07:07:07Z'));
    expect((await changed).offsetMs).toBe(a.offsetMs);
  });

  it('picks up a move it missed through the periodic refresh', async () => {
    const a = await start('2025-01-01T00:00:00Z');
    // A move made directly in the database (no NOTIFY), as if the notification had been lost.
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query('UPDATE business_clock SET offset_ms = offset_ms + 86400000');
    await c.end();
    const before = a.offsetMs;
    await a.refresh();
    expect(a.offsetMs - before).toBe(86_400_000);
  });
});
