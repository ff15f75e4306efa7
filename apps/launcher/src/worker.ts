import { ConfigError, loadConfig } from '#libs/config';
import { createLogger } from '#libs/platform';
import { prepareInfrastructure } from './infrastructure.js';
import { RedisUnavailableError } from './local-redis.js';
import { exitWithMessage, onShutdownSignal } from './process.js';
import { startWorker } from './worker-loader.js';

/** `npm run start:worker`: one worker replica (start as many as you like; they share the work). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) exitWithMessage(err.message);
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, name: 'worker' });
  let infra;
  try {
    infra = await prepareInfrastructure(config, logger);
  } catch (err) {
    if (err instanceof RedisUnavailableError) exitWithMessage(err.message);
    throw err;
  }
  const worker = await startWorker(infra.config, logger);
  onShutdownSignal(logger, async () => {
    await worker.close();
    await infra.stop();
  });
  logger.info('worker running');
}

main().catch((err) => {
  process.stderr.write(`Mandate Watch worker failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
