import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type pg from 'pg';
import { PrismaClient } from '#libs/db';
import { EventStore } from '#libs/event-store';
import { AgendaItemQueries, allProjectors, DecisionQueries, MandateQueries, MeetingQueries, ProjectionRunner } from '#libs/projections';
import { EVENTS_CHANNEL, PG_POOL, PROJECTIONS } from '#libs/platform';

export interface ProjectionsOptions {
  /** Keep the projections up to date in the background (workers). API processes only catch up on demand. */
  run: boolean;
}

class ProjectionLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projections');
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly run: boolean,
  ) {}
  async onApplicationBootstrap(): Promise<void> {
    if (!this.run) return;
    await this.runner.start();
    this.logger.log(`projections running: ${this.runner.projectors.map((p) => p.name).join(', ')}`);
  }
  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}

/** The projection runner and the read-model queries. */
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionsOptions): DynamicModule {
    const logger = new Logger('Projections');
    return {
      module: ProjectionsModule,
      global: true,
      providers: [
        {
          provide: ProjectionRunner,
          inject: [PG_POOL, EventStore],
          useFactory: (pool: pg.Pool, store: EventStore) =>
            new ProjectionRunner(pool, store, allProjectors(store), {
              channel: EVENTS_CHANNEL,
              onError: (err, name) => logger.error(`projection ${name} failed: ${(err as Error).message}`),
            }),
        },
        { provide: PROJECTIONS, useExisting: ProjectionRunner },
        {
          provide: ProjectionLifecycle,
          inject: [ProjectionRunner],
          useFactory: (runner: ProjectionRunner) => new ProjectionLifecycle(runner, options.run),
        },
        {
          provide: MandateQueries,
          inject: [PrismaClient, EventStore, PG_POOL],
          useFactory: (p: PrismaClient, s: EventStore, pool: pg.Pool) => new MandateQueries(p, s, pool),
        },
        { provide: MeetingQueries, inject: [PrismaClient], useFactory: (p: PrismaClient) => new MeetingQueries(p) },
        { provide: DecisionQueries, inject: [PrismaClient], useFactory: (p: PrismaClient) => new DecisionQueries(p) },
        { provide: AgendaItemQueries, inject: [PrismaClient], useFactory: (p: PrismaClient) => new AgendaItemQueries(p) },
      ],
      exports: [ProjectionRunner, PROJECTIONS, MandateQueries, MeetingQueries, DecisionQueries, AgendaItemQueries],
    };
  }
}
