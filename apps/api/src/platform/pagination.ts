import { z } from 'zod';
import { ApiError } from './errors.js';

/**
 * Lists are `{ items, next }`: `next` is an opaque cursor (base64url JSON of the last item's
 * sort key) or null on the last page. Pages are fetched with `limit + 1` rows to know whether
 * there is a next one without a count.
 */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export const limitParam = z
  .string()
  .regex(/^\d+$/, { message: 'must be a whole number' })
  .transform(Number)
  .pipe(z.number().int().min(1, { message: 'must be at least 1' }).max(MAX_LIMIT, { message: `must be at most ${MAX_LIMIT}` }))
  .default(DEFAULT_LIMIT)
  .describe(`Page size (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`);

export const cursorParam = z.string().max(2000).optional().describe('`next` of the previous page');

/** Add to a list endpoint's query schema: `pageQuery.extend({ type: … })`. */
export const pageQuery = z.object({ limit: limitParam, cursor: cursorParam });

export interface Page<T> {
  items: T[];
  next: string | null;
}

export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The decoded sort key, or 400 INVALID_CURSOR for anything a client made up or mangled. */
export function decodeCursor<S extends z.ZodType>(cursor: string | undefined, schema: S): z.output<S> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    /* fall through */
  }
  throw new ApiError(400, 'INVALID_CURSOR', 'The cursor is not one this list returned', [{ path: 'cursor', message: 'is not a valid cursor' }]);
}

/** Builds a page from `limit + 1` fetched rows. */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => unknown, map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return { items: pageRows.map(map), next: hasMore ? encodeCursor(keyOf(pageRows[pageRows.length - 1])) : null };
}

export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next: z.string().nullable() });
