import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { z } from 'zod';
import { PG_POOL } from '#libs/platform';
import { MANDATES_CHECKPOINT } from '#libs/projections';
import { conflict, notFound } from '../platform/errors.js';
import { decodeCursor, type Page, toPage } from '../platform/pagination.js';
import type { Actor } from './decorators.js';
import { generateApiKey, hashSecret, parseApiKey, type Role, secretMatches } from './api-key.js';

export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  secret_sha256: string;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const view = (r: ApiKeyRow): ApiKeyView => ({
  id: r.id,
  name: r.name,
  role: r.role,
  createdAt: r.created_at.toISOString(),
  createdBy: r.created_by,
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

const keyCursor = z.tuple([z.iso.datetime(), z.string()]);

/** `last_used_at` is bookkeeping, not security: write it at most once a minute per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiKeysService {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async create(name: string, role: Role, createdBy: string | null): Promise<ApiKeyView & { key: string }> {
    const { id, secret, key } = generateApiKey();
    const { rows } = await this.pool.query<ApiKeyRow>(
      `INSERT INTO api_keys (id, name, role, secret_sha256, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [id, name, role, hashSecret(secret), createdBy],
    );
    return { ...view(rows[0]), key };
  }

  /**
   * The actor of a bearer token, or null. Looked up on every request (no cache), so a revoked
   * key is refused from the next request on, in every replica. With `mandatesVersion`, the
   * `mandates` projection's checkpoint comes back in the same statement (a cached read's version:
   * one round trip to PostgreSQL for a cache hit instead of two). A prepared statement: it runs
   * on every request, and parsing and planning it each time cost more than running it.
   */
  async authenticate(token: string, opts: { mandatesVersion?: boolean } = {}): Promise<(Actor & { mandatesVersion?: string | null }) | null> {
    const parsed = parseApiKey(token);
    if (!parsed) return null;
    const { rows } = await this.pool.query<Pick<ApiKeyRow, 'id' | 'name' | 'role' | 'secret_sha256' | 'last_used_at'> & { mandates_version: string | null }>({
      name: opts.mandatesVersion ? 'mw_api_key_with_mandates_version' : 'mw_api_key',
      text: `SELECT id, name, role, secret_sha256, last_used_at${opts.mandatesVersion ? `, ${MANDATES_CHECKPOINT} AS mandates_version` : ''}
               FROM api_keys WHERE id = $1 AND revoked_at IS NULL`,
      values: [parsed.id],
    });
    const row = rows[0];
    if (!row || !secretMatches(parsed.secret, row.secret_sha256)) return null;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
      this.pool.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [row.id]).catch(() => undefined);
    }
    const actor: Actor = { id: row.id, name: row.name, role: row.role };
    return opts.mandatesVersion ? { ...actor, mandatesVersion: row.mandates_version } : actor;
  }

  async list(limit: number, cursor?: string): Promise<Page<ApiKeyView>> {
    const after = decodeCursor(cursor, keyCursor);
    const { rows } = await this.pool.query<ApiKeyRow>(
      `SELECT * FROM api_keys
        WHERE ($1::timestamptz IS NULL OR (created_at, id) > ($1::timestamptz, $2::text))
        ORDER BY created_at, id LIMIT $3`,
      [after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    return toPage(rows, limit, (r) => [r.created_at.toISOString(), r.id], view);
  }

  async get(id: string): Promise<ApiKeyView> {
    const { rows } = await this.pool.query<ApiKeyRow>(`SELECT * FROM api_keys WHERE id = $1`, [id]);
    if (!rows[0]) throw notFound(`No API key ${id}`);
    return view(rows[0]);
  }

  /** Revokes a key (idempotent). The last active admin key cannot be revoked: nobody could administer the deployment any more. */
  async revoke(id: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Lock the active admin keys so two concurrent revocations cannot remove the last two.
      const admins = await client.query<{ id: string }>(`SELECT id FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL FOR UPDATE`);
      const { rows } = await client.query<ApiKeyRow>(`SELECT * FROM api_keys WHERE id = $1 FOR UPDATE`, [id]);
      const key = rows[0];
      if (!key) throw notFound(`No API key ${id}`);
      if (!key.revoked_at) {
        if (key.role === 'admin' && admins.rows.length === 1) {
          throw conflict('LAST_ADMIN_KEY', 'This is the last active admin key; create another admin key before revoking it');
        }
        await client.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [id]);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
