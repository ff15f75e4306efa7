import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A random opaque token for links (unsubscribe, confirm, calendar): 192 bits, URL-safe. */
export function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const SEALED_PREFIX = 'sealed.v1.';

/**
 * Webhook secrets must be readable to sign with, so they cannot be hashed. With a key
 * (SECRETS_KEY) they are stored sealed with AES-256-GCM; without one they are stored as they are
 * (and still never logged nor returned after creation/rotation).
 */
export class SecretSealer {
  private readonly key: Buffer | null;

  constructor(secretsKey?: string) {
    this.key = secretsKey ? createHash('sha256').update(secretsKey).digest() : null;
  }

  seal(plain: string): string {
    if (!this.key) return plain;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
  }

  open(stored: string): string {
    if (!stored.startsWith(SEALED_PREFIX)) return stored;
    if (!this.key) throw new Error('a webhook secret is sealed but SECRETS_KEY is not set');
    const [iv, tag, body] = stored.slice(SEALED_PREFIX.length).split('.').map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}
