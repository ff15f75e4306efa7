import { Controller, Get, Inject, Module, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
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

  @Get(':file')
  @ApiOperation({ summary: "iCalendar feed (RFC 5545) of a subscription's upcoming expiries: one all-day event each" })
  @ApiParam({ name: 'file', description: '`<calendar token>.ics` (the subscription\'s calendarUrl)' })
  @ApiProduces('text/calendar')
  async ics(@Param('file') file: string, @Res() res: Response) {
    const m = /^([A-Za-z0-9_-]{16,64})\.ics$/.exec(file);
    const sub = m ? await this.access.subscriptions.findByToken('calendar', m[1]) : null;
    if (!sub) throw notFound('No such calendar');
    const body = await this.feed.render(sub, this.clock.now());
    res.type('text/calendar; charset=utf-8').setHeader('Cache-Control', 'private, max-age=300');
    res.send(body);
  }
}

@Module({ imports: [SubscriptionsModule], controllers: [CalendarController] })
export class CalendarModule {}
