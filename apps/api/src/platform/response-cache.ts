import type { Request, Response } from 'express';
import { LRUCache } from 'lru-cache';

/** A JSON answer, serialized once: the body's bytes and the ETag Express would have given them. */
export interface CachedAnswer {
  body: Buffer;
  etag: string | undefined;
}

/**
 * Serialized answers of hot read endpoints, in process memory (LRU, bounded in bytes). The
 * caller's key must name everything the answer depends on — the whole query, the defaults it
 * resolved (the business clock's date) and the version of the data read (a projection's
 * checkpoint), or the answer must be one that can never change — so a write is visible on the
 * next read, as without the cache. A hit skips the database read, the row parsing, the
 * `JSON.stringify` and the ETag hash of a 50–60 kB answer; auth, rate limits, logging and metrics
 * run as for any request.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, CachedAnswer>;

  constructor(maxBytes = 32 * 1024 * 1024) {
    this.entries = new LRUCache<string, CachedAnswer>({ maxSize: maxBytes, sizeCalculation: (a) => a.body.length + 64 });
  }

  get(key: string): CachedAnswer | undefined {
    return this.entries.get(key);
  }

  /** Serializes `value` as Express's `res.json` does, with Express's own ETag function. */
  answer(req: Request, value: unknown): CachedAnswer {
    return this.answerFromJson(req, JSON.stringify(value));
  }

  /** An answer whose JSON text is written already (e.g. by PostgreSQL). */
  answerFromJson(req: Request, json: string): CachedAnswer {
    const body = Buffer.from(json, 'utf8');
    const etagFn = req.app.get('etag fn') as ((body: Buffer, encoding?: string) => string) | undefined;
    return { body, etag: etagFn?.(body) };
  }

  set(key: string, answer: CachedAnswer): void {
    this.entries.set(key, answer);
  }

  /** Sends an answer the way `res.json` would (200, JSON content type, ETag, 304 when fresh). */
  send(res: Response, answer: CachedAnswer): void {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    if (answer.etag) res.setHeader('ETag', answer.etag);
    res.send(answer.body);
  }
}
