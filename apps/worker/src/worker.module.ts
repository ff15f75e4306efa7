import { Module, type DynamicModule } from '@nestjs/common';
import { PersistenceModule, ProjectionsModule } from '#libs/persistence';

export interface WorkerOptions {
  databaseUrl: string;
}

/**
 * The worker process: keeps the projections up to date (and, later, runs the alert queues).
 * Any number of replicas may run; each projection batch is taken by one of them at a time.
 */
@Module({})
export class WorkerModule {
  static forRoot(options: WorkerOptions): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PersistenceModule.forRoot({ databaseUrl: options.databaseUrl, applicationName: 'mandate-watch-worker' }),
        ProjectionsModule.forRoot({ run: true }),
      ],
    };
  }
}
