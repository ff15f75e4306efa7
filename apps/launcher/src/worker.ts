import { failed, prepareEntry } from './entry.js';
import { startWorker } from './worker-loader.js';

/** `npm run start:worker`: one worker replica (start as many as you like; they share the work). */
async function main(): Promise<void> {
  const { logger, infra, shutdown } = await prepareEntry('worker');
  const worker = await startWorker(infra.config, logger);
  shutdown.add('worker', () => worker.close());
  logger.info('worker running');
}

main().catch(failed('Mandate Watch worker failed to start'));
