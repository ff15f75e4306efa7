import type { Logger } from 'pino';
import { ConfigError, loadConfig, type AppConfig } from '#libs/config';
import { createLogger } from '#libs/platform';
import { prepareInfrastructure, type Infrastructure } from './infrastructure.js';
import { RedisUnavailableError } from './local-redis.js';
import { exitWithMessage } from './process.js';

/**
 * What every entry point does first: read the configuration, make the logger, and get
 * PostgreSQL/Redis ready (local ones when not configured) with the migrations applied. Problems
 * an operator must fix (a wrong variable, no Redis) end the process with one readable message.
 */
export async function prepareEntry(name: string, opts: { redis?: boolean } = {}): Promise<{ config: AppConfig; logger: Logger; infra: Infrastructure }> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) exitWithMessage(err.message);
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, name });
  for (const warning of config.warnings) logger.warn(warning);
  try {
    return { config, logger, infra: await prepareInfrastructure(config, logger, { redis: opts.redis }) };
  } catch (err) {
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
