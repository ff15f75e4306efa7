import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key.js';

export interface AdminKeyBootstrap {
  /** env: ADMIN_API_KEY upserted; generated: a new key written to `file`; existing: an admin key was already there (in `file` when that holds a working one). */
  source: 'env' | 'generated' | 'existing';
  id: string | null;
  file?: string;
  /** Only when generated now: the caller may show it on a terminal, never through the logger. */
  key?: string;
}

const BOOTSTRAP_LOCK = 7_243_911_003;

/**
 * Makes sure an admin can get in. ADMIN_API_KEY is authoritative: upserted as an admin key (and
 * un-revoked). Without it, a key is generated only when no active admin key exists (first start,
 * or every admin key revoked), and written to `<dataDir>/admin-key` with mode 0600.
 */
export async function bootstrapAdminKey(pool: pg.Pool, opts: { adminApiKey?: string; dataDir: string }): Promise<AdminKeyBootstrap> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [BOOTSTRAP_LOCK]);
    if (opts.adminApiKey) {
      const parsed = parseApiKey(opts.adminApiKey);
      if (!parsed) throw new Error('ADMIN_API_KEY has the wrong format'); // loadConfig already checked
      await client.query(
        `INSERT INTO api_keys (id, name, role, secret_sha256, created_by) VALUES ($1, 'admin (ADMIN_API_KEY)', 'admin', $2, 'bootstrap')
         ON CONFLICT (id) DO UPDATE SET role = 'admin', secret_sha256 = EXCLUDED.secret_sha256, revoked_at = NULL`,
        [parsed.id, hashSecret(parsed.secret)],
      );
      return { source: 'env', id: parsed.id };
    }
    const existing = await client.query<{ id: string }>(`SELECT id FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL ORDER BY created_at LIMIT 1`);
    const file = path.join(opts.dataDir, 'admin-key');
    // The file may belong to another database (or be gone): point at it only if it holds a key that works here.
    if (existing.rows[0]) return { source: 'existing', id: existing.rows[0].id, file: (await fileKeyWorks(client, file)) ? file : undefined };
    const { id, secret, key } = generateApiKey();
    await mkdir(opts.dataDir, { recursive: true });
    await writeFile(file, `${key}\n`, { mode: 0o600 });
    await chmod(file, 0o600); // `mode` only applies when the file is created
    await client.query(`INSERT INTO api_keys (id, name, role, secret_sha256, created_by) VALUES ($1, 'admin (generated at first start)', 'admin', $2, 'bootstrap')`, [
      id,
      hashSecret(secret),
    ]);
    return { source: 'generated', id, file, key };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [BOOTSTRAP_LOCK]).catch(() => undefined);
    client.release();
  }
}

async function fileKeyWorks(client: pg.PoolClient, file: string): Promise<boolean> {
  const parsed = parseApiKey((await readFile(file, 'utf8').catch(() => '')).trim());
  if (!parsed) return false;
  const { rows } = await client.query<{ secret_sha256: string }>(`SELECT secret_sha256 FROM api_keys WHERE id = $1 AND role = 'admin' AND revoked_at IS NULL`, [parsed.id]);
  return !!rows[0] && secretMatches(parsed.secret, rows[0].secret_sha256);
}
