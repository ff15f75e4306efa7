import { Controller, Delete, Get, HttpCode, Inject, Module, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type pg from 'pg';
import { z } from 'zod';
import {
  CalendarFeed,
  DeliveryRepository,
  SecretSealer,
  SubscriptionRepository,
  WebhookUrlGuard,
  WebhookUrlRefused,
  WEBHOOK_TYPES,
  type DeliveryRecord,
  type SubscriptionRecord,
} from '#libs/alerting';
import type { BusinessClock } from '#libs/clock';
import type { AppConfig } from '#libs/config';
import { BUSINESS_CLOCK, CONFIG, PG_POOL } from '#libs/platform';
import { roleRank } from '../auth/api-key.js';
import { Actor, Roles } from '../auth/decorators.js';
import { ApiError, notFound, unprocessable } from '../platform/errors.js';
import { decodeCursor, pageQuery, pageSchema, toPage } from '../platform/pagination.js';
import { ApiZodBody, ApiZodQuery, ApiZodResponse, ZodBody, ZodQuery } from '../platform/zod.js';
import { createdSubscriptionView, createSubscriptionBody, deliveryView, patchSubscriptionBody } from './subscription-schemas.js';

const cursorKey = z.object({ createdAt: z.string(), id: z.uuid() });

/** Subscriptions and deliveries seen through the API: the caller's own, or everyone's for admins. */
export class SubscriptionAccess {
  constructor(
    readonly subscriptions: SubscriptionRepository,
    readonly deliveries: DeliveryRepository,
    readonly config: AppConfig,
  ) {}

  owner(actor: Actor): string | undefined {
    return roleRank(actor.role) >= roleRank('admin') ? undefined : actor.id;
  }

  /** The subscription if the caller may see it; 404 otherwise (no hint that it exists). */
  async visible(id: string, actor: Actor): Promise<SubscriptionRecord> {
    const sub = await this.subscriptions.get(id);
    const owner = this.owner(actor);
    if (!sub || (owner !== undefined && sub.ownerKeyId !== owner)) throw notFound(`No subscription ${id}`);
    return sub;
  }

  view(s: SubscriptionRecord) {
    return {
      id: s.id,
      channel: s.channel,
      address: s.address,
      url: s.url,
      scope: s.scope,
      leadDays: s.leadDays,
      timezone: s.timezone,
      notify: s.notify,
      digest: s.digest,
      status: s.status,
      disabledReason: s.disabledReason,
      calendarUrl: `${this.config.publicUrl}/calendar/${s.calendarToken}.ics`,
      ownerKeyId: s.ownerKeyId,
      previousSecretValidUntil: s.previousSecretExpiresAt && s.previousSecretExpiresAt > new Date() ? s.previousSecretExpiresAt.toISOString() : null,
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
    };
  }
}

export function deliveryJson(d: DeliveryRecord) {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    kind: d.kind,
    mandateId: d.mandateId,
    targetDate: d.targetDate,
    leadDays: d.leadDays,
    dueAt: d.dueAt.toISOString(),
    status: d.status,
    cancelReason: d.cancelReason,
    attempts: d.attempts,
    lastError: d.lastError,
    late: d.late,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    sentAt: d.sentAt?.toISOString() ?? null,
    payload: d.payload as unknown as Record<string, unknown>,
    inDigest: d.inDigest,
    digestId: d.digestId,
    createdAt: d.createdAt.toISOString(),
  };
}

@ApiTags('subscriptions')
@ApiBearerAuth()
@Roles('editor')
@Controller('api/subscriptions')
export class SubscriptionsController {
  constructor(
    private readonly access: SubscriptionAccess,
    private readonly guard: WebhookUrlGuard,
    @Inject(BUSINESS_CLOCK) private readonly clock: BusinessClock,
  ) {}

  private async checkUrl(url: string): Promise<void> {
    try {
      await this.guard.check(url);
    } catch (err) {
      if (err instanceof WebhookUrlRefused) throw unprocessable('WEBHOOK_URL_REFUSED', `The webhook URL ${err.message}`, [{ path: 'url', message: err.message }]);
      throw err;
    }
  }

  /** Double opt-in: an email with the confirmation link, sent by the worker like any delivery. */
  private async sendConfirmation(subscription: SubscriptionRecord): Promise<void> {
    const confirmUrl = `${this.access.config.publicUrl}/confirm/${subscription.confirmToken}`;
    const now = this.clock.now();
    await this.access.deliveries.createOneOff(subscription.id, 'subscription_confirmation', now, (id) => ({
      type: WEBHOOK_TYPES.subscription_confirmation,
      timestamp: now.toISOString(),
      data: { deliveryId: id, subscriptionId: subscription.id, confirmUrl },
    }));
  }

  @Post()
  @ApiOperation({
    summary: 'Subscribe an email address or a webhook endpoint',
    description:
      'Email subscriptions made with a non-admin key get a confirmation email first (status `pending_confirmation`). Webhook responses include the `whsec_` secret, only here.',
  })
  @ApiZodBody(createSubscriptionBody)
  @ApiZodResponse(201, createdSubscriptionView, 'Created')
  async create(@ZodBody(createSubscriptionBody) body: z.output<typeof createSubscriptionBody>, @Actor() actor: Actor) {
    if (body.channel === 'webhook') await this.checkUrl(body.url);
    if (body.channel === 'webhook' && body.digest) throw unprocessable('DIGEST_EMAIL_ONLY', 'A digest is for email subscriptions only', [{ path: 'digest', message: 'must be null for a webhook' }]);
    const needsConfirmation = body.channel === 'email' && roleRank(actor.role) < roleRank('admin');
    const { subscription, secret } = await this.access.subscriptions.create({
      channel: body.channel,
      address: body.channel === 'email' ? body.address : null,
      url: body.channel === 'webhook' ? body.url : null,
      scope: body.scope,
      leadDays: body.leadDays,
      timezone: body.timezone,
      notify: body.notify,
      digest: body.digest,
      status: needsConfirmation ? 'pending_confirmation' : 'active',
      ownerKeyId: actor.id,
    });
    if (needsConfirmation) await this.sendConfirmation(subscription);
    return { ...this.access.view(subscription), ...(secret ? { secret } : {}) };
  }

  // Reads need only a viewer (as every read): a key sees its own subscriptions, which a viewer,
  // who cannot create any, does not have; an admin sees everyone's.
  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: "The caller's subscriptions (an admin sees everyone's)" })
  @ApiZodQuery(pageQuery)
  @ApiZodResponse(200, pageSchema(createdSubscriptionView.omit({ secret: true })))
  async list(@ZodQuery(pageQuery) query: z.output<typeof pageQuery>, @Actor() actor: Actor) {
    const after = decodeCursor(query.cursor, cursorKey);
    const rows = await this.access.subscriptions.list({ owner: this.access.owner(actor), after, limit: query.limit + 1 });
    return toPage(rows, query.limit, (s) => ({ createdAt: s.createdAt.toISOString(), id: s.id }), (s) => this.access.view(s));
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOperation({ summary: 'One subscription' })
  @ApiZodResponse(200, createdSubscriptionView.omit({ secret: true }))
  async get(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => notFound('No such subscription') })) id: string, @Actor() actor: Actor) {
    return this.access.view(await this.access.visible(id, actor));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a subscription (scope, lead days, timezone, kinds, address/url, re-enable)' })
  @ApiZodBody(patchSubscriptionBody)
  @ApiZodResponse(200, createdSubscriptionView.omit({ secret: true }))
  async patch(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => notFound('No such subscription') })) id: string,
    @ZodBody(patchSubscriptionBody) body: z.output<typeof patchSubscriptionBody>,
    @Actor() actor: Actor,
  ) {
    const sub = await this.access.visible(id, actor);
    if (body.url !== undefined && sub.channel !== 'webhook') throw unprocessable('WRONG_CHANNEL', 'Only a webhook subscription has a url', [{ path: 'url', message: 'not a webhook subscription' }]);
    if (body.address !== undefined && sub.channel !== 'email') throw unprocessable('WRONG_CHANNEL', 'Only an email subscription has an address', [{ path: 'address', message: 'not an email subscription' }]);
    if (body.url !== undefined) await this.checkUrl(body.url);
    if (body.status === 'active' && sub.status === 'pending_confirmation' && this.access.owner(actor) !== undefined) {
      throw new ApiError(409, 'CONFIRMATION_REQUIRED', 'The subscriber must confirm through the link in the confirmation email');
    }
    // A new address must be confirmed by its owner (unless an admin changes it): otherwise a
    // key could sign anybody up by editing an address.
    const reconfirm = body.address !== undefined && body.address !== sub.address && this.access.owner(actor) !== undefined;
    const updated = (await this.access.subscriptions.update(id, { ...body, reconfirm }))!;
    if (reconfirm) await this.sendConfirmation(updated);
    return this.access.view(updated);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription and its delivery history' })
  async remove(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => notFound('No such subscription') })) id: string, @Actor() actor: Actor) {
    await this.access.visible(id, actor);
    await this.access.subscriptions.delete(id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'New webhook secret; the old one keeps signing (second signature) for 24 h' })
  @ApiZodResponse(200, z.object({ secret: z.string(), previousSecretValidUntil: z.string() }))
  async rotate(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => notFound('No such subscription') })) id: string, @Actor() actor: Actor) {
    const sub = await this.access.visible(id, actor);
    if (sub.channel !== 'webhook') throw unprocessable('WRONG_CHANNEL', 'Only webhook subscriptions have a secret');
    const rotated = await this.access.subscriptions.rotateSecret(id);
    return { secret: rotated!.secret, previousSecretValidUntil: rotated!.previousSecretValidUntil.toISOString() };
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a test message (`subscription.test`) now' })
  @ApiZodResponse(202, deliveryView, 'Accepted: the delivery is queued')
  async test(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => notFound('No such subscription') })) id: string, @Actor() actor: Actor) {
    const sub = await this.access.visible(id, actor);
    if (sub.status !== 'active') throw new ApiError(409, 'SUBSCRIPTION_NOT_ACTIVE', `The subscription is ${sub.status}: nothing can be sent to it`);
    const now = this.clock.now();
    const d = await this.access.deliveries.createOneOff(sub.id, 'subscription_test', now, (deliveryId) => ({
      type: WEBHOOK_TYPES.subscription_test,
      timestamp: now.toISOString(),
      data: { deliveryId, subscriptionId: sub.id, consoleUrl: this.access.config.publicUrl },
    }));
    return deliveryJson(d);
  }
}

@Module({
  controllers: [SubscriptionsController],
  providers: [
    {
      provide: SubscriptionAccess,
      inject: [PG_POOL, CONFIG],
      useFactory: (pool: pg.Pool, config: AppConfig) =>
        new SubscriptionAccess(new SubscriptionRepository(pool, new SecretSealer(config.secretsKey)), new DeliveryRepository(pool), config),
    },
    { provide: WebhookUrlGuard, inject: [CONFIG], useFactory: (config: AppConfig) => new WebhookUrlGuard(config.webhookAllowedHosts) },
    { provide: CalendarFeed, inject: [PG_POOL, CONFIG], useFactory: (pool: pg.Pool, config: AppConfig) => new CalendarFeed(pool, { publicUrl: config.publicUrl }) },
  ],
  exports: [SubscriptionAccess, CalendarFeed],
})
export class SubscriptionsModule {}
