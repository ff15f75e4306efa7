import type { Logger } from 'pino';
import type { AppConfig } from '#libs/config';
import { migrate } from '#libs/db';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { ensureRedis } from './local-redis.js';
import type { ShutdownSequence } from './process.js';

export interface Infrastructure {
  /** The config with databaseUrl and redisUrl filled in. */
  config: AppConfig & { databaseUrl: string };
}

/**
 * PostgreSQL and Redis for an entry point: the configured ones, or local ones under DATA_DIR
 * when DATABASE_URL / REDIS_URL are not set (so that `npm start` works on a fresh clone).
 * Migrations are applied (under an advisory lock: any number of processes may start at once).
 * What it starts is added to `shutdown` at once, so a signal during start-up stops it too.
 */
export async function prepareInfrastructure(
  config: AppConfig,
  logger: Logger,
  shutdown: ShutdownSequence,
  opts: { migrate?: boolean; redis?: boolean } = {},
): Promise<Infrastructure> {
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres(config.dataDir, logger, (stop) => shutdown.add('embedded PostgreSQL', stop));
    databaseUrl = pg.url;
  }
  let redisUrl = config.redisUrl;
  if (opts.redis !== false) {
    const redis = await ensureRedis({ url: config.redisUrl, explicit: config.redisUrlExplicit, dataDir: config.dataDir }, logger);
    shutdown.add('local Redis', redis.stop);
    redisUrl = redis.url;
  }
  if (opts.migrate !== false) {
    const result = await migrate(databaseUrl);
    if (result.applied.length) logger.info({ applied: result.applied }, 'database migrations applied');
  }
  return { config: { ...config, databaseUrl, redisUrl } };
}
