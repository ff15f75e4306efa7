import { createHash } from 'node:crypto';

/**
 * Identifier rules. Mandate and agenda-item ids are lowercase slugs; stream ids are
 * `<kind>-<slug>` in `[a-z0-9-]`; event ids of facts derive from the fact's natural key so the
 * same fact recorded twice (from two documents, or the API and an import) is one event.
 */

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const STREAM_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)+$/;

export function isSlug(value: string): boolean {
  return value.length <= 120 && SLUG_PATTERN.test(value);
}

/** `S/RES/2531 (2020)` → `s-res-2531-2020`; `The situation in Mali` → `the-situation-in-mali`. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120)
    .replace(/-+$/g, '');
}

export type StreamKind = 'mandate' | 'decision' | 'meeting' | 'agenda';

export const streamIds = {
  mandate: (mandateId: string) => `mandate-${mandateId}`,
  decision: (symbol: string) => `decision-${slugify(symbol)}`,
  meeting: (meetingId: string) => `meeting-${meetingId}`,
};

/** The kind and key of a stream id, e.g. `mandate-minusma` → { kind: 'mandate', key: 'minusma' }. */
export function parseStreamId(streamId: string): { kind: string; key: string } | null {
  if (!STREAM_ID_PATTERN.test(streamId) || streamId.length > 200) return null;
  const dash = streamId.indexOf('-');
  return { kind: streamId.slice(0, dash), key: streamId.slice(dash + 1) };
}

// RFC 4122 name-based (version 5) UUIDs under a fixed namespace of this product.
const FACT_NAMESPACE = '6f1b8a52-3c1e-4d6b-9a57-0b7f3e2d9c41';

export function uuidV5(name: string, namespace: string = FACT_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Event id of a fact from its natural key (see `naturalKey` in facts.ts). */
export function factEventId(naturalKey: string): string {
  return uuidV5(`fact:${naturalKey}`);
}
