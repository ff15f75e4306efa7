import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, migrate } from '#libs/db';
import { ADMIN_URL } from './support/db.js';

describe('migration runner', () => {
  const name = `mw_migrate_${process.pid}`;
  const url = (() => {
    const u = new URL(ADMIN_URL);
    u.pathname = `/${name}`;
    return u.toString();
  })();
  const admin = new pg.Client({ connectionString: ADMIN_URL });

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('applies every migration once, recorded as prisma migrate deploy records them, even when run concurrently', async () => {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    const [a, b] = await Promise.all([migrate(url), migrate(url)]);
    expect([...a.applied, ...b.applied].sort()).toEqual([...a.applied, ...a.alreadyApplied].sort());
    expect(a.applied.length + b.applied.length).toBeGreaterThan(0);
    const again = await migrate(url);
    expect(again.applied).toEqual([]);

    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const rows = (await c.query('SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name')).rows;
    await c.end();
    const dir = await defaultMigrationsDir();
    for (const r of rows) {
      const sql = await readFile(path.join(dir, r.migration_name, 'migration.sql'));
      expect(r.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(r.finished_at).not.toBeNull();
      expect(r.applied_steps_count).toBe(1);
    }
  });
});
