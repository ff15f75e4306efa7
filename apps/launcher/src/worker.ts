import { failed, prepareEntry } from './entry.js';
import { onShutdownSignal } from './process.js';
import { startWorker } from './worker-loader.js';

/** `npm run start:worker`: one worker replica (start as many as you like; they share the work). */
async function main(): Promise<void> {
  const { logger, infra } = await prepareEntry('worker');
  const worker = await startWorker(infra.config, logger);
  onShutdownSignal(logger, async () => {
    await worker.close();
    await infra.stop();
  });
  logger.info('worker running');
}

main().catch(failed('Mandate Watch worker failed to start'));
