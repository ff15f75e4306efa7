import { Controller, Get, HttpCode, Module, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Actor, Roles } from '../auth/decorators.js';
import { ApiError, notFound } from '../platform/errors.js';
import { decodeCursor, pageQuery, pageSchema, toPage } from '../platform/pagination.js';
import { ApiZodQuery, ApiZodResponse, ZodQuery } from '../platform/zod.js';
import { deliveryView } from '../subscriptions/subscription-schemas.js';
import { deliveryJson, SubscriptionAccess, SubscriptionsModule } from '../subscriptions/subscriptions.module.js';

const cursorKey = z.object({ createdAt: z.string(), id: z.uuid() });

const deliveriesQuery = pageQuery.extend({
  subscription: z.uuid().optional().describe('Only this subscription\'s deliveries'),
  status: z.enum(['pending', 'sent', 'failed', 'cancelled']).optional(),
});

@ApiTags('subscriptions')
@ApiBearerAuth()
@Roles('editor')
@Controller('api/deliveries')
export class DeliveriesController {
  constructor(private readonly access: SubscriptionAccess) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'Deliveries of the caller\'s subscriptions (an admin sees all), newest first' })
  @ApiZodQuery(deliveriesQuery)
  @ApiZodResponse(200, pageSchema(deliveryView))
  async list(@ZodQuery(deliveriesQuery) query: z.output<typeof deliveriesQuery>, @Actor() actor: Actor) {
    const before = decodeCursor(query.cursor, cursorKey);
    const rows = await this.access.deliveries.list({
      subscriptionId: query.subscription,
      status: query.status,
      owner: this.access.owner(actor),
      before,
      limit: query.limit + 1,
    });
    return toPage(rows, query.limit, (d) => ({ createdAt: d.createdAt.toISOString(), id: d.id }), deliveryJson);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a failed (or cancelled) delivery again, under the same id' })
  @ApiZodResponse(200, deliveryView)
  async retry(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => notFound('No such delivery') })) id: string, @Actor() actor: Actor) {
    const d = await this.access.deliveries.get(id);
    if (!d) throw notFound(`No delivery ${id}`);
    await this.access.visible(d.subscriptionId, actor).catch(() => {
      throw notFound(`No delivery ${id}`);
    });
    if (d.status !== 'failed' && d.status !== 'cancelled') throw new ApiError(409, 'NOT_RETRYABLE', `The delivery is ${d.status}; only failed or cancelled ones can be retried`);
    const retried = await this.access.deliveries.retry(id);
    if (!retried) throw new ApiError(409, 'NOT_RETRYABLE', 'The delivery changed meanwhile; look again');
    await this.access.subscriptions.bumpRevision();
    return deliveryJson(retried);
  }
}

@Module({ imports: [SubscriptionsModule], controllers: [DeliveriesController] })
export class DeliveriesModule {}
