import type { Logger } from 'pino';
import type { AppConfig } from '#libs/config';
import { migrate } from '#libs/db';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { ensureRedis } from './local-redis.js';

export interface Infrastructure {
  /** The config with databaseUrl and redisUrl filled in. */
  config: AppConfig & { databaseUrl: string };
  /** Stops what this process started (embedded PostgreSQL, local redis-server), nothing else. */
  stop(): Promise<void>;
}

/**
 * PostgreSQL and Redis for an entry point: the configured ones, or local ones under DATA_DIR
 * when DATABASE_URL / REDIS_URL are not set (so that `npm start` works on a fresh clone).
 * Migrations are applied (under an advisory lock: any number of processes may start at once).
 */
export async function prepareInfrastructure(config: AppConfig, logger: Logger, opts: { migrate?: boolean; redis?: boolean } = {}): Promise<Infrastructure> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err) => logger.warn({ err }, 'while stopping'));
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres(config.dataDir, logger);
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    let redisUrl = config.redisUrl;
    if (opts.redis !== false) {
      const redis = await ensureRedis({ url: config.redisUrl, explicit: config.redisUrlExplicit, dataDir: config.dataDir }, logger);
      stops.push(redis.stop);
      redisUrl = redis.url;
    }
    if (opts.migrate !== false) {
      const result = await migrate(databaseUrl);
      if (result.applied.length) logger.info({ applied: result.applied }, 'database migrations applied');
    }
    return { config: { ...config, databaseUrl, redisUrl }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
