import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { defaultMigrationsDir, migrate } from '#libs/db';

/**
 * Each test file gets a database of its own, cloned from a template that has the migrations
 * applied (cloning takes ~100 ms; migrating each time would take longer). The template's name
 * carries a hash of the migrations, so a changed migration makes a new template.
 */
export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function urlFor(database: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

async function migrationsHash(): Promise<string> {
  const dir = await defaultMigrationsDir();
  const h = createHash('sha256');
  for (const name of (await readdir(dir)).sort()) {
    if (name.endsWith('.toml')) continue;
    h.update(name).update(await readFile(path.join(dir, name, 'migration.sql')));
  }
  return h.digest('hex').slice(0, 12);
}

async function ensureTemplate(admin: pg.Client): Promise<string> {
  const name = `mw_template_${await migrationsHash()}`;
  await admin.query('SELECT pg_advisory_lock(4242001)');
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name}_building"`).catch(async () => {
        await admin.query(`DROP DATABASE IF EXISTS "${name}_building"`);
        await admin.query(`CREATE DATABASE "${name}_building"`);
      });
      await migrate(urlFor(`${name}_building`));
      await admin.query(`ALTER DATABASE "${name}_building" RENAME TO "${name}"`);
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(4242001)');
  }
  return name;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const template = await ensureTemplate(admin);
    const name = `mw_${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    // CREATE DATABASE … TEMPLATE fails while another session is connected to the template.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        break;
      } catch (err) {
        if (attempt > 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return {
      name,
      url: urlFor(name),
      async drop() {
        const c = new pg.Client({ connectionString: ADMIN_URL });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } finally {
          await c.end();
        }
      },
    };
  } finally {
    await admin.end();
  }
}
