import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AlertingClock } from '#libs/alerting';
import { PinoNestLogger } from '#libs/platform';
import type { AlertsOptions } from './alerts/alerts.module.js';
import { WorkerModule } from './worker.module.js';

/**
 * What a worker reads: the deployment's AppConfig (from #libs/config) has every field; tests
 * give `alerts` directly. Alerting runs when `alerts` or `redisUrl` is given.
 */
export interface WorkerConfig {
  databaseUrl: string;
  redisUrl?: string;
  redisPrefix?: string;
  smtpUrl?: string;
  mailFrom?: string;
  publicUrl?: string;
  dataDir?: string;
  notifyBackfillDays?: number;
  webhookAllowedHosts?: string[];
  dkim?: { domain: string; selector: string; privateKey: string };
  clockStartAnchor?: string;
  /** SECRETS_KEY (validated by #libs/config). */
  secretsKey?: string;
  /** WORKER_METRICS_PORT: the worker's own Prometheus `/metrics` (unset: none). */
  workerMetricsPort?: number;
  alerts?: AlertsOptions;
}

export interface WorkerExtras {
  logger?: Logger;
  /** A business clock the caller owns (tests); by default the worker starts its own on PostgreSQL. */
  clock?: AlertingClock;
}

/** Starts a worker in this process (the launcher and `npm run start:worker` both use this). */
export async function bootstrapWorker(config: WorkerConfig, extras: WorkerExtras = {}): Promise<INestApplicationContext> {
  const alerts: AlertsOptions | undefined =
    config.alerts ??
    (config.redisUrl
      ? {
          redisUrl: config.redisUrl,
          redisPrefix: config.redisPrefix,
          smtpUrl: config.smtpUrl,
          mailFrom: config.mailFrom,
          publicUrl: config.publicUrl,
          dataDir: config.dataDir,
          notifyBackfillDays: config.notifyBackfillDays,
          webhookAllowedHosts: config.webhookAllowedHosts,
          dkim: config.dkim,
          secretsKey: config.secretsKey,
        }
      : undefined);
  const logger: LoggerService | false = extras.logger ? new PinoNestLogger(extras.logger.child({ component: 'worker' })) : false;
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forRoot({ databaseUrl: config.databaseUrl, alerts, clockStartAnchor: config.clockStartAnchor, clock: extras.clock, metricsPort: config.workerMetricsPort }),
    { bufferLogs: false, ...(logger ? { logger } : {}) },
  );
  app.enableShutdownHooks();
  await app.init();
  return app;
}
