import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { addAlertingCollectors } from '#libs/alerting';
import { serveMetrics, type MetricsServer, type MetricsService } from '#libs/platform';
import type { ProjectionRunner } from '#libs/projections';

export interface WorkerMetricsOptions {
  /** WORKER_METRICS_PORT (0: a free port, logged). */
  port: number;
  /** Redis of the alert queues (their depth); unset when the worker runs no alerting. */
  redisUrl?: string;
  redisPrefix?: string;
}

/**
 * The worker's own Prometheus endpoint (`GET /metrics` on WORKER_METRICS_PORT), from the same
 * registry and metric names as the API's: projection lag, queue depth per queue, deliveries by
 * status, and the delivery outcomes this process produced.
 */
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: MetricsServer;
  private redis?: Redis;

  constructor(
    private readonly options: WorkerMetricsOptions,
    private readonly metrics: MetricsService,
    private readonly projections: ProjectionRunner,
    private readonly pool: pg.Pool,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.metrics.addCollector(async () => this.metrics.projectionLag.set({ projection: 'slowest' }, await this.projections.lag()));
    if (this.options.redisUrl) {
      // Fails fast while Redis is down: that scrape just lacks the queue depth.
      this.redis = new Redis(this.options.redisUrl, { connectionName: 'mandate-watch-worker-metrics', maxRetriesPerRequest: 1 });
      this.redis.on('error', () => undefined);
    }
    addAlertingCollectors(this.metrics, { pool: this.pool, redis: this.redis, redisPrefix: this.options.redisPrefix });
    this.server = await serveMetrics(this.metrics, this.options.port);
    this.logger.log(`worker metrics on http://localhost:${this.server.port}/metrics`);
  }

  /** The port it listens on (tests). */
  get port(): number | undefined {
    return this.server?.port;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    this.redis?.disconnect();
  }
}
