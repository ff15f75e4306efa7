import type { Logger } from 'pino';
import { ConfigError, loadConfig, type AppConfig } from '#libs/config';
import { createLogger } from '#libs/platform';
import { prepareInfrastructure, type Infrastructure } from './infrastructure.js';
import { RedisUnavailableError } from './local-redis.js';
import { exitWithMessage, onShutdownSignal, ShutdownSequence } from './process.js';

/**
 * What every entry point does first: read the configuration, make the logger, handle
 * SIGINT/SIGTERM (stopping what has started, last first, then exit 0), and get PostgreSQL/Redis
 * ready (local ones when not configured) with the migrations applied. Problems an operator must
 * fix (a wrong variable, no Redis) end the process with one readable message.
 */
export async function prepareEntry(
  name: string,
  opts: { redis?: boolean } = {},
): Promise<{ config: AppConfig; logger: Logger; infra: Infrastructure; shutdown: ShutdownSequence }> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) exitWithMessage(err.message);
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, name });
  for (const warning of config.warnings) logger.warn(warning);
  // Signals are handled from here on: whatever has started by then is stopped in order.
  const shutdown = new ShutdownSequence(logger);
  onShutdownSignal(logger, () => shutdown.run());
  try {
    return { config, logger, infra: await prepareInfrastructure(config, logger, shutdown, { redis: opts.redis }), shutdown };
  } catch (err) {
    await shutdown.run();
    if (err instanceof RedisUnavailableError) exitWithMessage(err.message);
    throw err;
  }
}

/** The last resort of an entry point: the error on stderr, exit 1. */
export function failed(what: string) {
  return (err: unknown): never => {
    process.stderr.write(`${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  };
}
