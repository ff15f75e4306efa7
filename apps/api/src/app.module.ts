import { type DynamicModule, Global, Module } from '@nestjs/common';
import { PrismaClient } from '#libs/db';
import { EventStore } from '#libs/event-store';
import { AgendaItemQueries, DecisionQueries, MandateQueries, MeetingQueries, ProjectionRunner } from '#libs/projections';
import { BUSINESS_CLOCK, CONFIG, EVENT_STORE, LOGGER, MetricsService, PG_POOL, PRISMA, PROJECTIONS, REDIS } from '#libs/platform';
import { AuthModule } from './auth/auth.module.js';
import { ClockModule } from './clock/clock.module.js';
import { EventsModule } from './events/events.module.js';
import { FactsModule } from './facts/facts.module.js';
import { HealthModule } from './health/health.module.js';
import { ImportsModule } from './imports/imports.module.js';
import { KeysModule } from './keys/keys.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { CalendarModule } from './calendar/calendar.module.js';
import { DeliveriesModule } from './deliveries/deliveries.module.js';
import { SubscriberLinksModule } from './subscriptions/subscriber-links.module.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';
import { RateLimitModule } from './platform/rate-limit.js';
import type { ApiRuntime } from './runtime.js';

/** The process's shared resources, injectable everywhere by the tokens of #libs/platform. */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(rt: ApiRuntime): DynamicModule {
    const providers = [
      { provide: CONFIG, useValue: rt.config },
      { provide: PG_POOL, useValue: rt.pool },
      { provide: REDIS, useValue: rt.redis },
      { provide: BUSINESS_CLOCK, useValue: rt.clock },
      { provide: LOGGER, useValue: rt.logger },
      { provide: MetricsService, useValue: rt.metrics },
      { provide: PRISMA, useValue: rt.prisma },
      { provide: EVENT_STORE, useValue: rt.store },
      { provide: PROJECTIONS, useValue: rt.projections },
      // The same objects under the class tokens that #libs/persistence provides in the worker, so
      // a module written for either process works in both, on one pool.
      { provide: PrismaClient, useValue: rt.prisma },
      { provide: EventStore, useValue: rt.store },
      { provide: ProjectionRunner, useValue: rt.projections },
      { provide: MandateQueries, useValue: new MandateQueries(rt.prisma, rt.store, rt.pool) },
      { provide: MeetingQueries, useValue: new MeetingQueries(rt.prisma) },
      { provide: DecisionQueries, useValue: new DecisionQueries(rt.prisma) },
      { provide: AgendaItemQueries, useValue: new AgendaItemQueries(rt.prisma) },
    ];
    return { module: RuntimeModule, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
export class AppModule {
  static forRoot(rt: ApiRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [RuntimeModule.forRoot(rt), RateLimitModule, AuthModule, KeysModule, ClockModule, EventsModule, FactsModule, ImportsModule, HealthModule, MetricsModule, SubscriptionsModule, DeliveriesModule, SubscriberLinksModule, CalendarModule],
    };
  }
}
