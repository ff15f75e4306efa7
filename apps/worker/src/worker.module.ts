import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { PersistenceModule, ProjectionsModule } from '#libs/persistence';
import { AlertsModule, type AlertsOptions } from './alerts/alerts.module.js';

export interface WorkerOptions {
  databaseUrl: string;
  /** Alerting runs when given (it needs Redis and the business clock). */
  alerts?: AlertsOptions;
  /** Releases what the bootstrap made for this worker (its business clock). */
  onShutdown?: () => Promise<void>;
}

class ShutdownHook implements OnApplicationShutdown {
  constructor(private readonly run?: () => Promise<void>) {}
  async onApplicationShutdown(): Promise<void> {
    await this.run?.();
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
        ...(options.alerts ? [AlertsModule.forRoot(options.alerts)] : []),
      ],
      providers: [{ provide: ShutdownHook, useFactory: () => new ShutdownHook(options.onShutdown) }],
    };
  }
}
