import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_KEY_PATTERN } from '#libs/config';

export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const roleRank = (role: Role): number => ROLES.indexOf(role);

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * API keys are `mw_<id>_<secret>`: the id (10 base32 characters, 50 bits) finds the row, the
 * secret (256 random bits, base64url) is checked against its stored SHA-256. A slow hash buys
 * nothing for secrets this long, and would cost tens of ms per request.
 */
export function generateApiKey(): { id: string; secret: string; key: string } {
  const bytes = randomBytes(10);
  const id = Array.from(bytes, (b) => BASE32[b & 31]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: `mw_${id}_${secret}` };
}

export function parseApiKey(key: string): { id: string; secret: string } | null {
  const m = API_KEY_PATTERN.exec(key);
  return m ? { id: m[1], secret: m[2] } : null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(secret: string, storedSha256Hex: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(storedSha256Hex, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
