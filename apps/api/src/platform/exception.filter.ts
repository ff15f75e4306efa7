import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { toApiError } from './errors.js';

type LoggedRequest = Request & { log?: Logger; id?: unknown };

function send(err: unknown, req: LoggedRequest, res: Response, fallbackLogger: Logger): void {
  const { error, internal } = toApiError(err, { method: req.method, url: req.originalUrl ?? req.url });
  const log = req.log ?? fallbackLogger;
  if (internal) log.error({ err }, 'unhandled error');
  else if (error.status === 503) log.warn({ err: { message: (err as Error)?.message, code: (err as { code?: string })?.code } }, 'dependency unavailable');
  if (res.headersSent) {
    // Too late for an error body (e.g. a stream failed midway): cut the connection.
    res.destroy();
    return;
  }
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status).json(error.body());
}

/** Errors thrown by controllers, guards, pipes and the unknown-route handler. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    send(exception, http.getRequest<LoggedRequest>(), http.getResponse<Response>(), this.logger);
  }
}

/** Errors raised by plain Express middleware (body parser, content-type check) before Nest routes. */
export function expressErrorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => send(err, req as LoggedRequest, res, logger);
}
