import { Controller, Get, Inject, Module, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CalendarFeed } from '#libs/alerting';
import type { BusinessClock } from '#libs/clock';
import { BUSINESS_CLOCK } from '#libs/platform';
import { Public } from '../auth/decorators.js';
import { notFound } from '../platform/errors.js';
import { SubscriptionAccess, SubscriptionsModule } from '../subscriptions/subscriptions.module.js';

@ApiTags('subscriptions')
@Public()
@Controller('calendar')
export class CalendarController {
  constructor(
    private readonly access: SubscriptionAccess,
    private readonly feed: CalendarFeed,
    @Inject(BUSINESS_CLOCK) private readonly clock: BusinessClock,
  ) {}

  @Get(':token.ics')
  @ApiOperation({
    summary: "iCalendar feed (RFC 5545) of a subscription's upcoming expiries",
    description: 'One all-day event per upcoming expiry of the mandates in scope; its UID names the mandate and the date, so an extension replaces the event. No API key: the token in the subscription\'s `calendarUrl` is the credential.',
  })
  @ApiParam({ name: 'token', description: "The calendar token from the subscription's calendarUrl" })
  @ApiResponse({ status: 200, description: 'The feed', content: { 'text/calendar': { schema: { type: 'string' } } } })
  async ics(@Param('token') token: string, @Res() res: Response) {
    const sub = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await this.access.subscriptions.findByToken('calendar', token) : null;
    if (!sub) throw notFound('No such calendar');
    const body = await this.feed.render(sub, this.clock.now());
    res.type('text/calendar; charset=utf-8').setHeader('Cache-Control', 'private, max-age=300');
    res.send(body);
  }
}

@Module({ imports: [SubscriptionsModule], controllers: [CalendarController] })
export class CalendarModule {}
