import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from 'pino';
import { PinoNestLogger } from '#libs/platform';
import type { AppConfig } from '#libs/config';
import { bootstrapWorker } from '../../worker/src/bootstrap.js';
import { withoutNewSignalHandlers } from './process.js';

export interface RunningWorker {
  close(): Promise<void>;
}

/**
 * Starts the worker (apps/worker) in this process. The worker enables Nest's shutdown hooks for
 * when it runs on its own; here the launcher owns the signals (it stops the HTTP server, the
 * worker and the local servers in order, then exits 0), so the handlers Nest adds are removed.
 */
export async function startWorker(config: AppConfig & { databaseUrl: string }, logger: Logger): Promise<RunningWorker> {
  // The worker's Nest messages as the same JSON lines as everything else.
  NestLogger.overrideLogger(new PinoNestLogger(logger.child({ component: 'worker' })));
  const worker = await withoutNewSignalHandlers(() => bootstrapWorker(config, { logger }));
  logger.info('worker started');
  return worker;
}
