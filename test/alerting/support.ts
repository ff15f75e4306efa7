import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';
import { Redis } from 'ioredis';
import { effectiveDateOf, type EventType } from '#libs/domain';
import type { EventStore } from '#libs/event-store';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A BullMQ prefix of its own per test file (several files share one Redis). */
export const testPrefix = (label: string) => `mwt-${label}-${process.pid}-${randomUUID().slice(0, 8)}`;

/** Deletes every key of one prefix (what a flushed Redis looks like to that deployment). */
export async function flushPrefix(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Polls until `check` returns a truthy value (no timed assertions: generous timeout, then fail). */
type Falsy = null | undefined | false | 0 | '';
export async function waitFor<T>(what: string, check: () => Promise<T | Falsy> | T | Falsy, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ReceivedMail {
  mail: ParsedMail;
  raw: string;
}

/** A real SMTP server (smtp-server) that keeps every message it accepts, parsed by mailparser. */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  /** Set to make the server answer each DATA with this (e.g. a 550 to test permanent failures). */
  rejectWith: { code: number; message: string } | null = null;
  /** Per message (raw text, how many DATA commands it is): a reply to refuse it with, or null to accept. */
  refuse: ((raw: string, n: number) => { code: number; message: string } | null) | null = null;
  /** Every DATA command with the reply it got (accepted ones too; 0: the client was gone by then). */
  readonly attempts: { messageId: string | null; code: number }[] = [];
  /** Holds each reply to DATA this long (to stop or kill a worker mid-send). */
  holdMs = 0;
  /** The next this many DATA commands are answered at once, whatever `holdMs` says (lets a few through while the rest is held). */
  letThrough = 0;
  /** DATA commands received and not answered yet. */
  inFlight = 0;
  private readonly closed = new Set<string>();
  /** Per session, the reply being held (run at once when the client disconnects). */
  private readonly held = new Map<string, () => void>();
  private server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onClose: (session) => {
        this.closed.add(session.id);
        // The client went away while a reply was held: it never saw the message accepted.
        this.held.get(session.id)?.();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.inFlight++;
          const release = (run: () => void) => {
            clearTimeout(timer);
            this.held.delete(session.id);
            this.inFlight--;
            run();
          };
          const holdMs = this.letThrough > 0 ? (this.letThrough--, 0) : this.holdMs;
          const timer = setTimeout(() => release(reply), holdMs);
          this.held.set(session.id, () => release(() => reply()));
        });
        const reply = () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const messageId = /^Message-ID:\s*(\S+)/im.exec(raw)?.[1] ?? null;
          if (this.closed.has(session.id)) {
            this.attempts.push({ messageId, code: 0 });
            return callback(new Error('connection closed'));
          }
          const refusal = this.rejectWith ?? this.refuse?.(raw, this.attempts.length + 1) ?? null;
          this.attempts.push({ messageId, code: refusal?.code ?? 250 });
          if (refusal) {
            const err = new Error(refusal.message) as Error & { responseCode: number };
            err.responseCode = refusal.code;
            return callback(err);
          }
          simpleParser(raw)
            .then((mail) => {
              this.received.push({ mail, raw });
              callback();
            })
            .catch(callback);
        };
      },
    });
  }

  async start(): Promise<void> {
    // A client killed mid-session resets its connection: expected here, not a test failure.
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  body: { type: string; timestamp: string; data: Record<string, unknown> & { deliveryId: string } };
  verified: boolean;
  /** The request's path and query. */
  path: string;
  /** The status answered, once answered. */
  status?: number;
  /** Answered 2xx while the sender was still connected: the sender saw it delivered. */
  acknowledged?: boolean;
}

/** A real HTTP receiver that verifies each request with the `standardwebhooks` package. */
export class TestWebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  secret: string | null = null;
  /** Answer with this status (default 204); a function can vary it per request. */
  respond: (n: number) => number = () => 204;
  /** Holds each response this long before answering (to kill a worker mid-send). */
  holdMs = 0;
  /** The next this many requests are answered at once, whatever `holdMs` says (lets a few through while the rest is held). */
  letThrough = 0;
  /** Per request, overrides `respond` / `holdMs` and may add headers (a redirect's Location). */
  plan: ((r: ReceivedWebhook, n: number) => { status: number; holdMs?: number; headers?: Record<string, string> }) | null = null;
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      };
      let verified = false;
      try {
        if (this.secret) {
          new Webhook(this.secret).verify(text, headers);
          verified = true;
        }
      } catch {
        verified = false;
      }
      const entry: ReceivedWebhook = { id: headers['webhook-id'], timestamp: headers['webhook-timestamp'], signature: headers['webhook-signature'], body: JSON.parse(text), verified, path: req.url ?? '' };
      this.received.push(entry);
      const holdMs = this.letThrough > 0 ? (this.letThrough--, 0) : this.holdMs;
      const planned = this.plan?.(entry, this.received.length) ?? { status: this.respond(this.received.length), holdMs };
      const timer = setTimeout(() => {
        entry.status = planned.status;
        // A sender that gave up (timeout) or died has closed the connection: not acknowledged.
        entry.acknowledged = planned.status >= 200 && planned.status < 300 && !req.socket.destroyed;
        res.writeHead(planned.status, planned.headers).end();
      }, planned.holdMs ?? this.holdMs);
      res.on('close', () => {
        if (res.writableEnded) return;
        // The sender went away while the answer was held: nothing was acknowledged.
        clearTimeout(timer);
        entry.status = 0;
        entry.acknowledged = false;
      });
    });
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/mandate-watch`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Appends domain facts the way the API does (one event per stream append, effective date set). */
export async function appendFact(store: EventStore, streamId: string, type: EventType, data: Record<string, unknown>): Promise<void> {
  await store.appendToStream(streamId, [{ type, data, occurredOn: effectiveDateOf(type, data) }], { expectedVersion: 'any' });
}

export const MINUSMA = {
  mandateId: 'minusma',
  acronym: 'MINUSMA',
  names: { en: 'United Nations Multidimensional Integrated Stabilization Mission in Mali' },
  aliases: [],
  type: 'peace_operation',
  agendaItem: 'situation-in-mali',
  establishedOn: '2013-04-25',
  expiresOn: '2014-06-30',
  establishedBy: 'S/RES/2100 (2013)',
};
