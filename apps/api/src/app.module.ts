import { type DynamicModule, Global, Module } from '@nestjs/common';
import { BUSINESS_CLOCK, CONFIG, EVENT_STORE, LOGGER, MetricsService, PG_POOL, PRISMA, PROJECTIONS, REDIS } from '#libs/platform';
import { AuthModule } from './auth/auth.module.js';
import { ClockModule } from './clock/clock.module.js';
import { EventsModule } from './events/events.module.js';
import { FactsModule } from './facts/facts.module.js';
import { HealthModule } from './health/health.module.js';
import { KeysModule } from './keys/keys.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
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
    ];
    return { module: RuntimeModule, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
export class AppModule {
  static forRoot(rt: ApiRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [RuntimeModule.forRoot(rt), AuthModule, KeysModule, ClockModule, EventsModule, FactsModule, HealthModule, MetricsModule],
    };
  }
}
