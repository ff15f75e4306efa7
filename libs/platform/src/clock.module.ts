import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { BusinessClock } from '#libs/clock';
import { BUSINESS_CLOCK } from './tokens.js';

class BusinessClockCloser implements OnApplicationShutdown {
  constructor(@Inject(BUSINESS_CLOCK) private readonly clock: BusinessClock) {}
  async onApplicationShutdown(): Promise<void> {
    await this.clock.close();
  }
}

/**
 * The business clock for a Nest application (the worker): `@Inject(BUSINESS_CLOCK) clock:
 * BusinessClock`, with `clock.onChange(...)` to re-plan when any process moves it. Started
 * before the application's modules (so `now()` is right from the first call), closed on shutdown.
 */
@Global()
@Module({})
export class BusinessClockModule {
  static forRoot(options: { databaseUrl: string; startAnchor?: string; onError?: (err: Error) => void }): DynamicModule {
    return {
      module: BusinessClockModule,
      providers: [
        {
          provide: BUSINESS_CLOCK,
          useFactory: () => BusinessClock.start({ connectionString: options.databaseUrl, startAnchor: options.startAnchor, onError: options.onError }),
        },
        BusinessClockCloser,
      ],
      exports: [BUSINESS_CLOCK],
    };
  }
}
