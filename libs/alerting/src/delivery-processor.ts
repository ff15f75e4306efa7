import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertingClock } from './clock.js';
import { EMAIL_RETRY_DELAYS_MS, WEBHOOK_DISABLE_AFTER_MS, WEBHOOK_RETRY_DELAYS_MS } from './constants.js';
import { daysBetween, DIGEST_KIND } from '#libs/domain';
import { renderAlertEmail, renderDigestEmail, type RenderedEmail } from './alert-email.js';
import type { DeliveryQueue } from './delivery-queue.js';
import type { AlertPayload } from './payload.js';
import type { DeliveryRecord, DeliveryRepository } from './delivery-repository.js';
import { Coalescer } from './coalescer.js';
import { MailError, type Mailer } from './mailer.js';
import type { SendingJson, SendingSubscription, SubscriptionRecord, SubscriptionRepository } from './subscription-repository.js';
import type { WebhookSender } from './webhook-sender.js';

export type DeliveryOutcome = 'sent' | 'skipped' | 'retrying' | 'failed' | 'cancelled';

export interface DeliveryProcessorOptions {
  publicUrl: string;
  /** How long a worker holds a delivery while it sends (a crashed worker releases it then). */
  leaseMs: number;
  onOutcome?: (outcome: DeliveryOutcome, delivery: DeliveryRecord, detail?: string) => void;
  /** A sent message's first "sent" mark failed and is being retried. */
  onMarkRetry?: (deliveryId: string, error: Error) => void;
}

/** ±10 % so that retries of many deliveries to one failing endpoint spread out. */
const withJitter = (ms: number) => Math.round(ms * (0.9 + Math.random() * 0.2));

/**
 * Sends one delivery: takes it in PostgreSQL (pending, due by the business clock, not held by
 * another worker), sends it with its stable id, then records the outcome. Two workers cannot both
 * take it; a worker killed mid-send leaves a lease that expires, after which the same message
 * (same id, same body) is sent again — the only duplicate the contract allows.
 */
export class DeliveryProcessor {
  constructor(
    private readonly clock: AlertingClock,
    private readonly deliveries: DeliveryRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly mailer: Mailer,
    private readonly webhooks: WebhookSender,
    private readonly queue: DeliveryQueue,
    private readonly options: DeliveryProcessorOptions,
  ) {}

  /**
   * Claims made while one is in flight go together in one statement, which also reads each
   * delivery's subscription (and its signing secrets); the business clock is read per statement,
   * right before it runs. Likewise "sent" marks: each send still waits for its own commit.
   */
  private readonly claims = new Coalescer((ids: string[]) =>
    this.deliveries.claimMany<SendingJson | null>(ids, this.clock.now(), this.options.leaseMs, this.subscriptions.sendingJsonSql('c.subscription_id')),
  );
  private readonly sentMarks = new Coalescer(async (ids: string[]) => {
    await this.deliveries.markSentMany(ids);
    return ids.map(() => undefined);
  });

  async process(deliveryId: string): Promise<DeliveryOutcome> {
    const claimed = await this.claims.run(deliveryId);
    if (!claimed) return 'skipped';
    const delivery = claimed.delivery;
    const outcome = await this.send(delivery, this.subscriptions.sendingFromJson(claimed.extra));
    this.options.onOutcome?.(outcome.outcome, delivery, outcome.detail);
    return outcome.outcome;
  }

  private async send(delivery: DeliveryRecord, sub: SendingSubscription | null): Promise<{ outcome: DeliveryOutcome; detail?: string }> {
    const confirming = delivery.kind === 'subscription_confirmation' && sub?.status === 'pending_confirmation';
    if (!sub || (sub.status !== 'active' && !confirming)) {
      const reason = `subscription is ${sub?.status ?? 'deleted'}`;
      await this.deliveries.markCancelled(delivery.id, reason);
      if (delivery.kind === DIGEST_KIND) await this.deliveries.settleDigestItems(delivery.id, 'cancelled', reason);
      return { outcome: 'cancelled', detail: reason };
    }
    if (delivery.kind === DIGEST_KIND) return this.sendDigest(delivery, sub);
    return sub.channel === 'email' ? this.sendEmail(delivery, sub) : this.sendWebhook(delivery, sub);
  }

  private unsubscribeUrl(sub: SubscriptionRecord): string {
    return `${this.options.publicUrl}/unsubscribe/${sub.unsubscribeToken}`;
  }

  /** A weekly digest: one email listing every alert it carries (none: nothing is sent). */
  private async sendDigest(delivery: DeliveryRecord, sub: SubscriptionRecord): Promise<{ outcome: DeliveryOutcome; detail?: string }> {
    const items = await this.deliveries.digestItems(delivery.id);
    if (items.length === 0) {
      await this.deliveries.markCancelled(delivery.id, 'nothing to send: no alert for this week');
      return { outcome: 'cancelled', detail: 'empty digest' };
    }
    // Days left as on the day the digest is read, not the day each alert fell due.
    const readOn = delivery.payload.data.weekOf ?? delivery.dueAt.toISOString().slice(0, 10);
    const asOfDigest = (p: AlertPayload): AlertPayload => {
      const target = p.data.report?.dueOn ?? p.data.mandate?.expiresOn;
      return p.data.daysLeft === undefined || !target ? p : { ...p, data: { ...p.data, daysLeft: daysBetween(readOn, target) } };
    };
    const payload = { ...delivery.payload, data: { ...delivery.payload.data, items: items.map((i) => asOfDigest(i.payload)) } };
    await this.deliveries.setPayload(delivery.id, payload);
    const email = renderDigestEmail(payload, { unsubscribeUrl: this.unsubscribeUrl(sub) }, { late: delivery.late });
    const result = await this.sendEmail(delivery, sub, email);
    if (result.outcome === 'sent' || result.outcome === 'failed') await this.deliveries.settleDigestItems(delivery.id, result.outcome, result.detail);
    return result;
  }

  private async sendEmail(delivery: DeliveryRecord, sub: SubscriptionRecord, rendered?: RenderedEmail): Promise<{ outcome: DeliveryOutcome; detail?: string }> {
    const unsubscribeUrl = this.unsubscribeUrl(sub);
    const email = rendered ?? renderAlertEmail(delivery.payload, { unsubscribeUrl }, { late: delivery.late });
    try {
      await this.mailer.send({ to: sub.address!, ...email, deliveryId: delivery.id, unsubscribeUrl });
    } catch (err) {
      if (!(err instanceof MailError)) throw err;
      if (err.permanent) {
        await this.deliveries.markFailed(delivery.id, `SMTP: ${err.message}`);
        return { outcome: 'failed', detail: err.message };
      }
      return this.retryOrFail(delivery, EMAIL_RETRY_DELAYS_MS, `SMTP: ${err.message}`);
    }
    await this.recordSent(delivery.id);
    return { outcome: 'sent' };
  }

  private async sendWebhook(delivery: DeliveryRecord, sub: SendingSubscription): Promise<{ outcome: DeliveryOutcome; detail?: string }> {
    const result = await this.webhooks.send({ url: sub.url!, secrets: sub.signingSecrets, messageId: delivery.id, body: JSON.stringify(delivery.payload) });
    if (result.ok) {
      await this.recordSent(delivery.id);
      // Only an endpoint that was failing has a failure clock to stop (saves a query per message).
      if (sub.failingSince) await this.subscriptions.noteWebhookSuccess(sub.id);
      return { outcome: 'sent' };
    }
    if (result.gone) {
      await this.deliveries.markFailed(delivery.id, `${result.error} — endpoint disabled`);
      await this.subscriptions.disable(sub.id, `the endpoint answered 410 Gone (delivery ${delivery.id})`);
      return { outcome: 'failed', detail: result.error };
    }
    const { disabled } = await this.subscriptions.noteWebhookFailure(sub.id, WEBHOOK_DISABLE_AFTER_MS, result.error);
    if (disabled) {
      await this.deliveries.markFailed(delivery.id, `${result.error} — endpoint disabled after 5 days of failures`);
      return { outcome: 'failed', detail: result.error };
    }
    return this.retryOrFail(delivery, WEBHOOK_RETRY_DELAYS_MS, result.error);
  }

  /**
   * A message that went out must be recorded as sent. A failed mark (PostgreSQL aborted it, the
   * connection dropped) is retried alone until it commits: given up, it would leave the row
   * pending and leased, and once the lease ran out the same message would be sent again. Retries
   * stop at half the lease, well before that can happen; then the job fails (and is logged).
   */
  private async recordSent(id: string): Promise<void> {
    try {
      await this.sentMarks.run(id);
      return;
    } catch (err) {
      this.options.onMarkRetry?.(id, err as Error);
    }
    const giveUpAt = Date.now() + this.options.leaseMs / 2;
    for (let wait = 50; ; wait = Math.min(wait * 2, 2_000)) {
      await sleep(wait);
      try {
        await this.deliveries.markSent(id);
        return;
      } catch (err) {
        if (Date.now() + wait >= giveUpAt) throw new Error(`sent, but could not be marked sent: ${(err as Error).message}`);
      }
    }
  }

  /** After attempt n (1-based) the next waits delays[n]; when the schedule is used up, it failed. */
  private async retryOrFail(delivery: DeliveryRecord, delays: number[], error: string): Promise<{ outcome: DeliveryOutcome; detail?: string }> {
    if (delivery.attempts >= delays.length) {
      await this.deliveries.markFailed(delivery.id, `${error} (gave up after ${delivery.attempts} attempts)`);
      return { outcome: 'failed', detail: error };
    }
    const nextAttemptAt = new Date(Date.now() + withJitter(delays[delivery.attempts]));
    await this.deliveries.scheduleRetry(delivery.id, nextAttemptAt, error);
    await this.queue.enqueue([{ id: delivery.id, attempts: delivery.attempts, dueAt: delivery.dueAt, nextAttemptAt }], this.clock.now());
    return { outcome: 'retrying', detail: error };
  }
}
