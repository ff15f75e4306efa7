import type pg from 'pg';
import { PROJECTION_TABLES } from '#libs/projections';

/** All rows of every read model, in key order (volatile bookkeeping columns left out). */
export async function snapshotReadModels(pool: pg.Pool): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const tables of Object.values(PROJECTION_TABLES)) {
    for (const { table, key } of tables) {
      const r = await pool.query(`SELECT * FROM ${table} ORDER BY ${key}`);
      out[table] = r.rows.map((row) => {
        const { updated_at: _ignored, ...rest } = row as Record<string, unknown>;
        return rest;
      });
    }
  }
  return out;
}
