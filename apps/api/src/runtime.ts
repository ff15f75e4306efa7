import type pg from 'pg';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { addAlertingCollectors } from '#libs/alerting';
import { BusinessClock } from '#libs/clock';
import type { AppConfig } from '#libs/config';
import { createPool, createPrisma, type PrismaClient } from '#libs/db';
import { upcast } from '#libs/domain';
import { EventStore } from '#libs/event-store';
import { createLogger, EVENTS_CHANNEL, MetricsService } from '#libs/platform';
import { allProjectors, ProjectionRunner } from '#libs/projections';

/** The shared resources of an API process; created before Nest so that entry points and tests own their lifecycle. */
export interface ApiRuntime {
  config: AppConfig & { databaseUrl: string };
  pool: pg.Pool;
  redis: Redis;
  clock: BusinessClock;
  logger: Logger;
  metrics: MetricsService;
  prisma: PrismaClient;
  store: EventStore;
  /**
   * Not started in the API (the worker keeps projections current); writes call `waitFor`,
   * which projects up to the write itself when no worker has yet (read your writes).
   */
  projections: ProjectionRunner;
}

export function createRedis(url: string, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    // Commands fail fast while Redis is down (→ 503) instead of queueing for ever.
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  });
  redis.on('error', () => undefined); // reconnects by itself; readiness reports it
  return redis;
}

export async function createRuntime(config: AppConfig, logger: Logger = createLogger({ level: config.logLevel, name: 'api' })): Promise<ApiRuntime> {
  if (!config.databaseUrl) throw new Error('databaseUrl is required (the launcher fills it in when DATABASE_URL is unset)');
  const pool = createPool(config.databaseUrl, { applicationName: 'mandate-watch-api' });
  const redis = createRedis(config.redisUrl, 'mandate-watch-api');
  try {
    const clock = await BusinessClock.start({
      connectionString: config.databaseUrl,
      startAnchor: config.clockStartAnchor,
      onError: (err) => logger.warn({ err: { message: err.message } }, 'business clock: listener problem (will reconnect)'),
    });
    const metrics = new MetricsService();
    const prisma = createPrisma(pool);
    const store = new EventStore(pool, { upcast, notifyChannel: EVENTS_CHANNEL });
    store.onAppended(({ count }) => metrics.eventsAppended.inc(count));
    const projections = new ProjectionRunner(pool, store, allProjectors(store), { channel: EVENTS_CHANNEL });
    metrics.addCollector(async () => metrics.projectionLag.set({ projection: 'slowest' }, await projections.lag()));
    metrics.addCollector(async () => {
      const h = await store.horizonStatus();
      metrics.feedHiddenEvents.set(h.hiddenEvents);
      metrics.feedHorizonHolderSeconds.set(h.oldestWriter?.seconds ?? 0);
    });
    addAlertingCollectors(metrics, { pool, redis, redisPrefix: config.redisPrefix });
    return { config: config as ApiRuntime['config'], pool, redis, clock, logger, metrics, prisma, store, projections };
  } catch (err) {
    await pool.end().catch(() => undefined);
    redis.disconnect();
    throw err;
  }
}

export async function closeRuntime(rt: ApiRuntime): Promise<void> {
  await rt.clock.close();
  await rt.prisma.$disconnect().catch(() => undefined);
  await rt.pool.end().catch(() => undefined);
  rt.redis.disconnect();
}
