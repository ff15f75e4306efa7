import { randomBytes } from 'node:crypto';
import { bootApi, type BootedApi } from '../../api/support.js';

export { requester, type Requester } from '../../api/support.js';

export const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A fresh key in the product's format (`mw_<10 base32>_<base64url secret>`), e.g. for ADMIN_API_KEY. */
export function makeApiKey(): string {
  const id = Array.from(randomBytes(10), (b) => BASE32[b & 31]).join('');
  return `mw_${id}_${randomBytes(32).toString('base64url')}`;
}

/** A real API in this process on a given PostgreSQL and Redis (the test's own instances). */
export async function startApiOn(opts: { label: string; databaseUrl: string; redisUrl: string; env?: Record<string, string>; adminKey?: string }): Promise<BootedApi> {
  return bootApi(`res-${opts.label}`, {
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    REDIS_PREFIX: `mwres-${opts.label}-${process.pid}`,
    ADMIN_API_KEY: opts.adminKey ?? makeApiKey(),
    ...opts.env,
  });
}
