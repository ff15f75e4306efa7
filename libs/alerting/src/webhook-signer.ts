import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the
 * base64-decoded part of the `whsec_` secret; several space-separated while a rotated secret is
 * still valid, so receivers holding either secret verify.
 */
export class WebhookSigner {
  sign(secrets: string[], messageId: string, timestampSeconds: number, body: string): string {
    return secrets.map((secret) => `v1,${this.signOne(secret, messageId, timestampSeconds, body)}`).join(' ');
  }

  private signOne(secret: string, messageId: string, timestampSeconds: number, body: string): string {
    const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
    return createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64');
  }
}
