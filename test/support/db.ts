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

/**
 * A database of a fixed name, cloned from the migrations' template unless it exists (`created`
 * says which). Its name carries the migrations' hash, so a changed schema never reuses an old one.
 * For benchmark fixtures kept between runs; `drop()` removes it.
 */
export async function namedDatabase(label: string): Promise<TestDatabase & { created: boolean }> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const template = await ensureTemplate(admin);
    const name = `mw_${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}_${template.slice('mw_template_'.length)}`;
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount! > 0;
    if (!exists) await cloneTemplate(admin, template, name);
    return { name, url: urlFor(name), created: !exists, drop: () => dropDatabase(name) };
  } finally {
    await admin.end();
  }
}

async function cloneTemplate(admin: pg.Client, template: string, name: string): Promise<void> {
  // CREATE DATABASE … TEMPLATE fails while another session is connected to the template.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      return;
    } catch (err) {
      if (attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function dropDatabase(name: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const template = await ensureTemplate(admin);
    const name = `mw_${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await cloneTemplate(admin, template, name);
    return { name, url: urlFor(name), drop: () => dropDatabase(name) };
  } finally {
    await admin.end();
  }
}
