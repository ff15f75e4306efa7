import pg from 'pg';
import { createPool } from '#libs/db';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';

/** A fresh migrated database for one benchmark (cloned from the test template), dropped after. */
export async function withBenchDatabase<T>(label: string, fn: (db: TestDatabase, pool: pg.Pool) => Promise<T>, poolMax = 20): Promise<T> {
  const db = await createTestDatabase(`bench${label}`);
  const pool = createPool(db.url, { max: poolMax, applicationName: `bench-${label}` });
  try {
    return await fn(db, pool);
  } finally {
    await pool.end().catch(() => undefined);
    await db.drop();
  }
}
