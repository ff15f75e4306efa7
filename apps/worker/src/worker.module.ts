import { Global, Module, type DynamicModule } from '@nestjs/common';
import type pg from 'pg';
import type { AlertingClock } from '#libs/alerting';
import { PersistenceModule, PG_POOL, ProjectionsModule } from '#libs/persistence';
import { BUSINESS_CLOCK, BusinessClockModule, MetricsService } from '#libs/platform';
import { ProjectionRunner } from '#libs/projections';
import { AlertsModule, type AlertsOptions } from './alerts/alerts.module.js';
import { WorkerMetricsServer } from './metrics.js';

export interface WorkerOptions {
  databaseUrl: string;
  /** Alerting runs when given (it needs Redis and the business clock). */
  alerts?: AlertsOptions;
  /** CLOCK_START as configured (the business clock's anchor). */
  clockStartAnchor?: string;
  /** A business clock made by the caller (tests); by default the worker starts its own. */
  clock?: AlertingClock;
  /** WORKER_METRICS_PORT: serve Prometheus `/metrics` there (0: a free port); unset: not served. */
  metricsPort?: number;
}

/** The process's metrics (prom-client's global registry, shared with an API in the same process). */
@Global()
@Module({ providers: [{ provide: MetricsService, useFactory: () => new MetricsService() }], exports: [MetricsService] })
class WorkerMetricsModule {}

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
    const metricsPort = options.metricsPort;
    return {
      module: WorkerModule,
      providers:
        metricsPort === undefined
          ? []
          : [
              {
                provide: WorkerMetricsServer,
                inject: [MetricsService, ProjectionRunner, PG_POOL],
                useFactory: (metrics: MetricsService, runner: ProjectionRunner, pool: pg.Pool) =>
                  new WorkerMetricsServer({ port: metricsPort, redisUrl: options.alerts?.redisUrl, redisPrefix: options.alerts?.redisPrefix }, metrics, runner, pool),
              },
            ],
      imports: [
        WorkerMetricsModule,
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
