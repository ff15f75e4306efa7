import type { Logger } from 'pino';
import type { AppConfig } from '#libs/config';

export interface RunningWorker {
  close(): Promise<void>;
}

/**
 * Starts the worker (apps/worker) in this process. Loaded by path so that the API can be built and
 * run while the worker is not part of the build (then alerts are not sent, and a warning says so).
 */
export async function startWorker(config: AppConfig & { databaseUrl: string }, logger: Logger): Promise<RunningWorker | null> {
  const modulePath = new URL('../../worker/src/bootstrap.js', import.meta.url).href;
  let mod: { bootstrapWorker?: (config: AppConfig, options?: { logger?: Logger }) => Promise<RunningWorker> };
  try {
    mod = await import(modulePath);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('bootstrap')) {
      logger.warn('apps/worker is not built: projections run on demand, but no alerts are sent');
      return null;
    }
    throw err;
  }
  if (!mod.bootstrapWorker) throw new Error('apps/worker/src/bootstrap.js does not export bootstrapWorker');
  return mod.bootstrapWorker(config, { logger });
}
