import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { WEBHOOK_TIMEOUT_MS } from './constants.js';
import type { WebhookSigner } from './webhook-signer.js';
import { WebhookUrlRefused, type WebhookUrlGuard } from './webhook-url-guard.js';

export interface WebhookMessage {
  url: string;
  /** Current secret first, then the previous one while the rotation overlap lasts. */
  secrets: string[];
  /** The alert's stable id: the same on every resend. */
  messageId: string;
  body: string;
}

export type WebhookOutcome =
  | { ok: true; status: number }
  /** `gone`: the receiver answered 410 (the endpoint asks to be disabled). */
  | { ok: false; status: number | null; gone: boolean; error: string };

/**
 * POSTs one Standard Webhooks message. The URL is checked again (SSRF guard) right before the
 * connection and the socket goes to the checked address; redirects are not followed (3xx counts
 * as a failure); 10 s timeout for the whole exchange.
 */
export class WebhookSender {
  /**
   * Connections are kept alive between messages to the same endpoint (a fan-out sends thousands).
   * A kept socket was connected to an address the guard had accepted, and every message is
   * checked again before it is sent, so reuse cannot reach an address the guard refuses. Idle
   * sockets are closed after 4 s, before the usual 5 s of servers, which would race with a send.
   */
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, timeout: 4_000 }),
    'https:': new https.Agent({ keepAlive: true, timeout: 4_000 }),
  };

  constructor(
    private readonly guard: WebhookUrlGuard,
    private readonly signer: WebhookSigner,
    private readonly timeoutMs = WEBHOOK_TIMEOUT_MS,
  ) {}

  async send(message: WebhookMessage): Promise<WebhookOutcome> {
    let target;
    try {
      target = await this.guard.check(message.url);
    } catch (err) {
      if (err instanceof WebhookUrlRefused) return { ok: false, status: null, gone: false, error: `URL refused: ${err.message}` };
      throw err;
    }
    // Real time, not the business clock: receivers compare it with their own clock.
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'MandateWatch-Webhooks/1',
      'webhook-id': message.messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': this.signer.sign(message.secrets, message.messageId, timestamp, message.body),
    };
    const pinned: LookupFunction = (_host, options, callback) => {
      if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const secure = target.url.protocol === 'https:';
    const transport = secure ? https : http;
    return new Promise<WebhookOutcome>((resolveOutcome) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const resolve = (o: WebhookOutcome) => {
        clearTimeout(timer);
        resolveOutcome(o);
      };
      const req = transport.request(
        target.url,
        { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(message.body) }, lookup: pinned, agent: this.agents[secure ? 'https:' : 'http:'] },
        (res) => {
          const status = res.statusCode ?? 0;
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (text.length < 500) text += chunk;
          });
          res.on('end', () => {
            if (status >= 200 && status < 300) resolve({ ok: true, status });
            else {
              const what = status >= 300 && status < 400 ? `redirect ${status} not followed` : `HTTP ${status}`;
              resolve({ ok: false, status, gone: status === 410, error: `${what}${text ? `: ${text.slice(0, 200)}` : ''}` });
            }
          });
          res.on('error', (err) => resolve({ ok: false, status, gone: false, error: err.message }));
        },
      );
      // A deadline for the whole exchange (socket timeouts only measure idleness).
      timer = setTimeout(() => req.destroy(new Error(`no answer within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
      req.on('error', (err) => resolve({ ok: false, status: null, gone: false, error: err.message }));
      req.end(message.body);
    });
  }
}
