import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { ApiError } from './errors.js';

export const JSON_BODY_LIMIT = '1mb';
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Paths that read bodies other than JSON themselves (imports: text/PDF/CSV up to 10 MB; the
 * one-click unsubscribe POST is form-encoded). The JSON parser and the 415 check leave them alone.
 */
export const RAW_BODY_PATHS = ['/api/imports', '/unsubscribe'];
const isRawBodyPath = (p: string) => RAW_BODY_PATHS.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Structured request logs with a request id: a sane incoming `x-request-id` is kept (tracing across services), else one is made; echoed in the response. */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    // Client errors are the client's business (info); server errors are ours.
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
    serializers: {
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
        headers: {
          'user-agent': req.headers['user-agent'],
          'content-type': req.headers['content-type'],
          // Only whether one was sent: the value is redacted (REDACT_PATHS) in any case.
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        },
        remoteAddress: req.remoteAddress,
      }),
    },
  });
}

export function securityHeaders(opts: { https: boolean }) {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        // Swagger UI (served at /api/docs) loads its own scripts and inline styles from this origin.
        'script-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'https:'],
        // Over plain http (local runs) this would send the console's asset requests to https.
        'upgrade-insecure-requests': opts.https ? [] : null,
      },
    },
    strictTransportSecurity: opts.https,
  });
}

/** Authenticated answers must not be kept by shared caches or the browser's back/forward cache. */
export function noStoreForApi() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/api' || req.path.startsWith('/api/')) res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

const hasBody = (req: Request) => Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

/** 415 for a body that is not JSON, before anything tries to parse it. */
export function requireJsonBodies() {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (hasBody(req) && !['GET', 'HEAD', 'OPTIONS'].includes(req.method) && !isRawBodyPath(req.path) && !req.is(JSON_TYPES)) {
      const given = req.headers['content-type'] ?? 'none';
      return next(new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Send JSON (Content-Type: application/json); got ${given}`));
    }
    next();
  };
}

export function jsonBodies() {
  const parse = express.json({ limit: JSON_BODY_LIMIT, type: JSON_TYPES, strict: true });
  return (req: Request, res: Response, next: NextFunction) => (isRawBodyPath(req.path) ? next() : parse(req, res, next));
}

/** Paths the single-page console must never shadow: their 404s stay JSON 404s. */
const SERVER_PREFIXES = ['/api', '/health', '/metrics', '/calendar', '/unsubscribe', '/confirm'];

/**
 * The console's built files from apps/console/dist, and index.html for any other GET (client-side
 * routes such as /mandates/minusma), when the console has been built.
 */
export function consoleStatic(distDir: string): express.RequestHandler | null {
  const indexHtml = path.join(distDir, 'index.html');
  if (!existsSync(indexHtml)) return null;
  const files = express.static(distDir, {
    index: false,
    setHeaders: (res, file) => {
      // Vite puts a content hash into asset names: cache them for good; never cache index.html.
      res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const isServerPath = (p: string) => SERVER_PREFIXES.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isServerPath(req.path)) return next();
    files(req, res, () => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(indexHtml, (err) => (err ? next(err) : undefined));
    });
  };
}
