import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/**
 * Secrets never reach the logs: authorization headers, cookies and any `key`/`secret` field
 * (API keys, webhook secrets) a log call might carry, a level or two deep.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'key',
  'secret',
  'adminApiKey',
  '*.key',
  '*.secret',
  '*.adminApiKey',
  '*.*.key',
  '*.*.secret',
];

export function createLogger(options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
    name: options.name ?? 'mandate-watch',
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    },
    // Synchronous: lines stay in order with plain stdout writes, and none is lost at process.exit.
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** Nest's start-up chatter (one line per module and route): debug, not info. */
const CHATTY_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/** Nest's own messages (module init, shutdown) as structured pino lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    if (context && CHATTY_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, stackOrContext?: string, context?: string) {
    this.logger.error({ context: context ?? stackOrContext, stack: context ? stackOrContext : undefined }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string) {
    this.logger.fatal({ context }, String(message));
  }
}
