import { randomUUID } from 'node:crypto';

/**
 * A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, then the random bits
 * of a version 4 UUID from Node's pooled generator. New ids sort after older ones, so inserting
 * them touches the right edge of a B-tree (the unique index on `events.id`) instead of a random
 * page per id. Within one millisecond their order is random, which RFC 9562 allows.
 *
 * Built on `crypto.randomUUID` because it draws from a pool of random bytes: ~0.5 µs per id here,
 * against ~2–3 µs for the `uuid` package's `v7()` (one `getRandomValues` call per id), which
 * was a tenth of a batched append's whole cost per event.
 */
export function uuidv7(now = Date.now()): string {
  const v4 = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx
  const ms = now.toString(16).padStart(12, '0');
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${v4.slice(15)}`;
}
