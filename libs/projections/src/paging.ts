/** Keyset pagination cursors for read-model lists: opaque base64url of the last row's sort key. */
export function encodeKeyCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export class InvalidListCursorError extends Error {
  override readonly name = 'InvalidListCursorError';
}

export function decodeKeyCursor(cursor: string | null | undefined, arity: number): string[] | null {
  if (!cursor) return null;
  try {
    if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw new Error();
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(key) || key.length !== arity || !key.every((k) => typeof k === 'string')) throw new Error();
    return key;
  } catch {
    throw new InvalidListCursorError('cursor is not one this API returned');
  }
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export const isoDay = (d: Date | string | null | undefined): string | null =>
  d == null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);
