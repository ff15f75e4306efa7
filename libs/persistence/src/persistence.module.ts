import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type pg from 'pg';
import { createPool, createPrisma, PrismaClient } from '#libs/db';
import { upcast } from '#libs/domain';
import { EventStore } from '#libs/event-store';
import { EVENT_STORE, EVENTS_CHANNEL, PG_POOL, PRISMA } from '#libs/platform';

// One token per resource for both processes: the API's RuntimeModule provides the same ones.
export { EVENTS_CHANNEL, PG_POOL };

export interface PersistenceOptions {
  databaseUrl: string;
  poolMax?: number;
  applicationName?: string;
}

class PoolCloser implements OnApplicationShutdown {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly prisma: PrismaClient,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.prisma.$disconnect().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}

/**
 * The process's PostgreSQL access: one pg pool, Prisma Client on it (read models), and the
 * event store (raw SQL on the same pool).
 */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: PG_POOL,
          useFactory: () => createPool(options.databaseUrl, { max: options.poolMax ?? 10, applicationName: options.applicationName }),
        },
        { provide: PrismaClient, inject: [PG_POOL], useFactory: (pool: pg.Pool) => createPrisma(pool) },
        {
          provide: EventStore,
          inject: [PG_POOL],
          useFactory: (pool: pg.Pool) => new EventStore(pool, { upcast, notifyChannel: EVENTS_CHANNEL }),
        },
        // The symbol tokens of #libs/platform name the same objects (what the API's modules inject).
        { provide: PRISMA, useExisting: PrismaClient },
        { provide: EVENT_STORE, useExisting: EventStore },
        { provide: PoolCloser, inject: [PG_POOL, PrismaClient], useFactory: (pool: pg.Pool, prisma: PrismaClient) => new PoolCloser(pool, prisma) },
      ],
      exports: [PG_POOL, PrismaClient, EventStore, PRISMA, EVENT_STORE],
    };
  }
}
