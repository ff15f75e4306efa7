import { InvalidAppendError } from './errors.js';

/**
 * A feed position is the pair (transaction id, position): the global order of events. Cursors
 * are opaque to clients: base64url of "<xid>.<position>".
 */
export interface FeedPosition {
  transactionId: string;
  position: string;
}

export const FEED_START: FeedPosition = { transactionId: '0', position: '0' };

export function encodeCursor(p: FeedPosition): string {
  return Buffer.from(`${p.transactionId}.${p.position}`, 'utf8').toString('base64url');
}

export class InvalidCursorError extends InvalidAppendError {}

export function decodeCursor(cursor: string | null | undefined): FeedPosition {
  if (!cursor) return FEED_START;
  const raw = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const m = /^(\d{1,20})\.(\d{1,19})$/.exec(raw);
  if (!m) throw new InvalidCursorError('cursor is not one this API returned');
  return { transactionId: m[1], position: m[2] };
}

/** Compares feed positions: negative when a is earlier. */
export function compareFeedPositions(a: FeedPosition, b: FeedPosition): number {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  if (ta !== tb) return ta < tb ? -1 : 1;
  const pa = BigInt(a.position);
  const pb = BigInt(b.position);
  return pa === pb ? 0 : pa < pb ? -1 : 1;
}
