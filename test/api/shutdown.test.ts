import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support.js';

/** Graceful shutdown: a request in flight when the app closes still gets its answer. */
describe('shutdown', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi('shutdown');
  });
  afterAll(async () => t?.close());

  it('drains requests in flight, then stops', async () => {
    // Hold the API keys table: the next authenticated request blocks in PostgreSQL, in flight.
    const locker = new pg.Client({ connectionString: t.db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE');
    const inFlight = t.request('GET', '/api/me');
    // Wait (on a condition, not a delay) until that request is waiting for the lock.
    for (;;) {
      const { rows } = await locker.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      if (rows[0].n > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    let closed = false;
    const closing = t.api.close().then(() => (closed = true));
    // While closing, the server takes no new connections…
    await expect(fetch(`${t.base}/health`)).rejects.toThrow();
    expect(closed).toBe(false);
    // …and the request in flight completes once PostgreSQL answers.
    await locker.query('COMMIT');
    await locker.end();
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(r.json.role).toBe('admin');
    await closing;
    expect(closed).toBe(true);
  });
});
