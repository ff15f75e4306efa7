import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each in its own transaction,
 * under an advisory lock so that several processes starting at once apply them once. Each is
 * recorded in `_prisma_migrations` the way `prisma migrate deploy` records it (sha256 checksum
 * of the file), so both tools agree about what is applied. The Prisma CLI's native schema engine
 * cannot be downloaded on every machine; this runner needs nothing but the pg driver.
 */
export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

const LOCK_KEY = 7_243_911_002; // any constant shared by all processes of this product

export async function defaultMigrationsDir(): Promise<string> {
  // Works from the sources (libs/db/src) and from the build (dist/libs/db/src).
  const here = path.dirname(new URL(import.meta.url).pathname);
  for (const candidate of [path.resolve(here, '../../../prisma/migrations'), path.resolve(here, '../../../../prisma/migrations')]) {
    try {
      await readdir(candidate);
      return candidate;
    } catch {
      /* try the next */
    }
  }
  throw new Error('prisma/migrations not found');
}

export async function migrate(connectionString: string, migrationsDir?: string): Promise<MigrationResult> {
  const dir = migrationsDir ?? (await defaultMigrationsDir());
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const client = new pg.Client({ connectionString, application_name: 'mandate-watch-migrate' });
  await client.connect();
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
    for (const name of names) {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      if (applied.has(name)) {
        if (applied.get(name) !== checksum) {
          throw new Error(`migration ${name} was changed after it was applied (checksum differs); add a new migration instead`);
        }
        result.alreadyApplied.push(name);
        continue;
      }
      const id = randomUUID();
      await client.query('BEGIN');
      try {
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
          [id, checksum, name],
        );
        await client.query(sql);
        await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${name} failed: ${(err as Error).message}`);
      }
      result.applied.push(name);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
  return result;
}
