import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';
import { now } from './harness.js';

/**
 * What a receiver saw: every message by its id (Message-ID / webhook-id), when the last new id
 * arrived, and how many arrived more than once. Cheap on purpose: it shares the 2 cores with the
 * workers it measures.
 */
export class IdCounter {
  readonly seen = new Map<string, number>();
  /** Copies beyond the first, over all ids. */
  extraCopies = 0;
  lastNewAt = 0;

  note(id: string): void {
    const n = this.seen.get(id) ?? 0;
    this.seen.set(id, n + 1);
    if (n > 0) this.extraCopies++;
    else this.lastNewAt = now();
  }

  get distinct(): number {
    return this.seen.size;
  }

  /** Ids received more than once. */
  get duplicatedIds(): number {
    let n = 0;
    for (const c of this.seen.values()) if (c > 1) n++;
    return n;
  }
}

/** A real SMTP server (npm smtp-server) counting messages by their Message-ID header. */
export class CountingSmtpServer {
  readonly ids = new IdCounter();
  /** Messages without a Message-ID (should stay 0). */
  withoutId = 0;
  port = 0;
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // Many pooled connections at once (our pool and the baseline's): no per-IP limit.
    maxClients: 1000,
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('latin1');
        const end = raw.indexOf('\r\n\r\n');
        // The header block, unfolded (a long Message-ID may continue on the next line).
        const header = (end < 0 ? raw : raw.slice(0, end)).replace(/\r\n[ \t]+/g, ' ');
        const id = /^message-id:\s*(\S+)/im.exec(header)?.[1];
        if (id) this.ids.note(id);
        else this.withoutId++;
        callback();
      });
    },
  });

  async start(): Promise<void> {
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

/** A real HTTP receiver counting webhooks by webhook-id and checking each signature (standardwebhooks). */
export class CountingWebhookReceiver {
  readonly ids = new IdCounter();
  unverified = 0;
  port = 0;
  private verifier: Webhook | null = null;
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id'] ?? '');
      try {
        this.verifier!.verify(body, {
          'webhook-id': id,
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        });
      } catch {
        this.unverified++;
      }
      this.ids.note(id);
      res.writeHead(204).end();
    });
  });

  /** Every sender signs with this secret (`whsec_…`). */
  set secret(secret: string) {
    this.verifier = new Webhook(secret);
  }

  async start(): Promise<void> {
    this.server.keepAliveTimeout = 5_000;
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
