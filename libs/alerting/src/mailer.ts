import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTP_POOL_SIZE, SMTP_TIMEOUT_MS } from './constants.js';

export interface MailerOptions {
  /** `smtp://…` / `smtps://…`; unset → `.eml` files in `outboxDir`. */
  smtpUrl?: string;
  outboxDir: string;
  from: string;
  dkim?: { domain: string; selector: string; privateKey: string };
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The alert's stable id: the Message-ID is `<id@domain>` on every resend. */
  deliveryId: string;
  unsubscribeUrl: string;
}

/** An SMTP failure; `permanent` (5xx reply) means retrying cannot help. */
export class MailError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'MailError';
  }
}

/**
 * Outgoing mail through nodemailer: a pooled SMTP transport, or (no SMTP_URL) `.eml` files under
 * the outbox folder, one per delivery id (a resend overwrites the same file).
 */
export class Mailer {
  private readonly transport: Transporter;
  private readonly toFiles: boolean;
  readonly messageIdDomain: string;

  constructor(private readonly options: MailerOptions) {
    this.toFiles = !options.smtpUrl;
    const dkim = options.dkim ? { domainName: options.dkim.domain, keySelector: options.dkim.selector, privateKey: options.dkim.privateKey } : undefined;
    this.transport = options.smtpUrl
      ? nodemailer.createTransport({
          url: options.smtpUrl,
          pool: true,
          maxConnections: SMTP_POOL_SIZE,
          dkim,
          // nodemailer waits up to 10 minutes for a silent server by default, far past a
          // delivery's lease: a stalled send must fail (and be retried) before another worker may
          // take the delivery and send it again.
          connectionTimeout: SMTP_TIMEOUT_MS,
          greetingTimeout: SMTP_TIMEOUT_MS,
          socketTimeout: SMTP_TIMEOUT_MS,
        } as never)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix', dkim } as never);
    const fromAddress = /<([^>]+)>/.exec(options.from)?.[1] ?? options.from;
    this.messageIdDomain = options.dkim?.domain ?? fromAddress.split('@')[1] ?? 'localhost';
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string; file?: string }> {
    const messageId = `<${mail.deliveryId}@${this.messageIdDomain}>`;
    let info: { message?: Buffer };
    try {
      info = await this.transport.sendMail({
        from: this.options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId,
        headers: {
          'List-Unsubscribe': `<${mail.unsubscribeUrl}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          'Auto-Submitted': 'auto-generated',
        },
      });
    } catch (err) {
      const e = err as Error & { permanent?: boolean; response?: string; responseCode?: number };
      const permanent = e.permanent === true || (typeof e.responseCode === 'number' && e.responseCode >= 500);
      throw new MailError(e.response ?? e.message, permanent);
    }
    if (!this.toFiles) return { messageId };
    await mkdir(this.options.outboxDir, { recursive: true });
    const file = path.join(this.options.outboxDir, `${mail.deliveryId}.eml`);
    await writeFile(`${file}.tmp`, info.message ?? Buffer.alloc(0));
    await rename(`${file}.tmp`, file);
    return { messageId, file };
  }

  close(): void {
    this.transport.close();
  }
}
