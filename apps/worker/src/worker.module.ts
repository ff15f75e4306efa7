import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AlertingClock } from '#libs/alerting';
import { PersistenceModule, ProjectionsModule } from '#libs/persistence';
import { BUSINESS_CLOCK, BusinessClockModule } from '#libs/platform';
import { AlertsModule, type AlertsOptions } from './alerts/alerts.module.js';

export interface WorkerOptions {
  databaseUrl: string;
  /** Alerting runs when given (it needs Redis and the business clock). */
  alerts?: AlertsOptions;
  /** CLOCK_START as configured (the business clock's anchor). */
  clockStartAnchor?: string;
  /** A business clock made by the caller (tests); by default the worker starts its own. */
  clock?: AlertingClock;
}

/** A clock the caller owns (and closes), under the same token as BusinessClockModule's. */
@Global()
@Module({})
class GivenClockModule {
  static forRoot(clock: AlertingClock): DynamicModule {
    return { module: GivenClockModule, providers: [{ provide: BUSINESS_CLOCK, useValue: clock }], exports: [BUSINESS_CLOCK] };
  }
}

/**
 * The worker process: keeps the projections up to date and runs the alert queues.
 * Any number of replicas may run; each projection batch is taken by one of them at a time, each
 * delivery by one of them at a time.
 */
@Module({})
export class WorkerModule {
  static forRoot(options: WorkerOptions): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PersistenceModule.forRoot({ databaseUrl: options.databaseUrl, applicationName: 'mandate-watch-worker' }),
        ProjectionsModule.forRoot({ run: true }),
        ...(options.alerts
          ? [
              options.clock ? GivenClockModule.forRoot(options.clock) : BusinessClockModule.forRoot({ databaseUrl: options.databaseUrl, startAnchor: options.clockStartAnchor }),
              AlertsModule.forRoot(options.alerts),
            ]
          : []),
      ],
    };
  }
}
