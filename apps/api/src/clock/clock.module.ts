import { Body, Controller, Get, Inject, Module, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { BusinessClock } from '#libs/clock';
import type { AppConfig } from '#libs/config';
import { BUSINESS_CLOCK, CONFIG } from '#libs/platform';
import { Roles } from '../auth/decorators.js';
import { ApiError } from '../platform/errors.js';
import { ApiZodBody, ApiZodResponse, ZodValidationPipe } from '../platform/zod.js';

const clockView = z.object({
  now: z.string().describe('The business clock, ISO 8601 UTC'),
  controlled: z.boolean().describe('Whether PUT /api/clock is allowed (CLOCK_CONTROL=enabled)'),
  realTime: z.boolean().describe('Whether the business clock is real time (offset 0)'),
});
const setClockBody = z.object({
  now: z.iso
    .datetime({ offset: true, message: 'must be an ISO 8601 instant, e.g. 2021-06-01T09:00:00Z' })
    .nullable()
    .describe('The new business time; null returns to real time'),
});

@ApiTags('clock')
@ApiBearerAuth()
@Controller('api/clock')
export class ClockController {
  constructor(
    @Inject(BUSINESS_CLOCK) private readonly clock: BusinessClock,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  private view() {
    return { now: this.clock.now().toISOString(), controlled: this.config.clockControl, realTime: this.clock.isRealTime };
  }

  @Get()
  @ApiOperation({ summary: 'The business clock that drives asOf defaults and every schedule' })
  @ApiZodResponse(200, clockView)
  get() {
    return this.view();
  }

  @Put()
  @Roles('admin')
  @ApiOperation({ summary: 'Move the business clock for every process (only with CLOCK_CONTROL=enabled)' })
  @ApiZodBody(setClockBody)
  @ApiZodResponse(200, clockView)
  async set(@Body() raw: unknown) {
    if (!this.config.clockControl) {
      throw new ApiError(403, 'CLOCK_CONTROL_DISABLED', 'The business clock can only be moved when CLOCK_CONTROL=enabled (never in production)');
    }
    // Validated after the precondition: with control disabled, no body makes this allowed.
    const body = new ZodValidationPipe(setClockBody, 'body').transform(raw);
    if (body.now === null) await this.clock.reset();
    else await this.clock.set(new Date(body.now));
    return this.view();
  }
}

@Module({ controllers: [ClockController] })
export class ClockModule {}
