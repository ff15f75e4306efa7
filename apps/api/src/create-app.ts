import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { projectRoot } from '#libs/config';
import { PinoNestLogger } from '#libs/platform';
import { AppModule } from './app.module.js';
import { httpMetricsMiddleware } from './metrics/metrics.module.js';
import { serveOpenApi } from './openapi.js';
import { expressErrorHandler, ApiExceptionFilter } from './platform/exception.filter.js';
import { consoleStatic, jsonBodies, noStoreForApi, requestLogging, requireJsonBodies, securityHeaders } from './platform/http-pipeline.js';
import { closeRuntime, type ApiRuntime } from './runtime.js';

export interface ApiApp {
  app: INestApplication;
  runtime: ApiRuntime;
  /** Listens on config.port (0 = any free port) on every interface, IPv6 and IPv4, unless a host is given; resolves to the port bound. */
  listen(host?: string): Promise<number>;
  /** Stops taking connections, lets running requests finish, then releases the runtime. */
  close(): Promise<void>;
}

/**
 * The HTTP application on a runtime. Order matters: request id and logging first (so every
 * later error is logged with its id), then security headers, the JSON-only check and the body
 * parser with their error handler, the console's files, and Nest's routes last.
 */
export async function createApiApp(runtime: ApiRuntime, options: { consoleDist?: string } = {}): Promise<ApiApp> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime), {
    bodyParser: false,
    logger: new PinoNestLogger(runtime.logger.child({ component: 'nest' })),
  });
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.use(requestLogging(runtime.logger));
  app.use(httpMetricsMiddleware(runtime.metrics));
  app.use(securityHeaders({ https: runtime.config.publicUrl.startsWith('https:') }));
  app.use(noStoreForApi());
  app.use(requireJsonBodies());
  app.use(jsonBodies());
  const consoleFiles = consoleStatic(options.consoleDist ?? path.join(projectRoot(), 'apps/console/dist'));
  if (consoleFiles) app.use(consoleFiles);
  // Errors of the middleware above (Nest's routes below have the exception filter).
  app.use(expressErrorHandler(runtime.logger));
  app.useGlobalFilters(new ApiExceptionFilter(runtime.logger));
  serveOpenApi(app);
  await app.init();

  let closed = false;
  return {
    app,
    runtime,
    async listen(host?: string) {
      if (host) await app.listen(runtime.config.port, host);
      else await app.listen(runtime.config.port);
      const address = app.getHttpServer().address();
      return typeof address === 'object' && address ? address.port : runtime.config.port;
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await closeRuntime(runtime);
    },
  };
}
