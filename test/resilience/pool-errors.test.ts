import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '#libs/db';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { until } from './support/instances.js';

/**
 * Bug found by the PostgreSQL-restart scenario: a pooled client that is checked out (between two
 * statements of a transaction) when its server connection is terminated emitted an 'error'
 * nobody listened to: an uncaught exception, i.e. a crashed API or worker on a database restart.
 */
describe('pool clients whose connection is terminated while checked out', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('poolerr');
  });
  afterAll(async () => db?.drop());

  it('fail their own queries, raise no uncaught error, and the pool carries on', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    const pool = createPool(db.url, { max: 2 });
    const killer = new pg.Client({ connectionString: db.url });
    await killer.connect();
    try {
      const client = await pool.connect();
      await client.query('BEGIN');
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      let ended = false;
      client.once('end', () => (ended = true));
      await killer.query('SELECT pg_terminate_backend($1)', [pid]);
      await until('the client to see its connection end', async () => ended, 10_000, 10);
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release(true);
      // A fresh connection serves the next query.
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0].one).toBe(1);
      expect(uncaught).toEqual([]);
      expect(client.listenerCount('error')).toBeGreaterThan(0);
    } finally {
      process.off('uncaughtException', onUncaught);
      await killer.end();
      await pool.end();
    }
  });
});
