import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, register as globalRegistry } from 'prom-client';

const registriesWithDefaults = new WeakSet<Registry>();

function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * The process's Prometheus metrics. API and worker in one process share prom-client's global
 * registry, so `/metrics` shows both; creating the service twice (tests start several apps in
 * one process) reuses the registered metrics instead of failing on duplicate names.
 */
export class MetricsService {
  readonly httpRequestDuration: Histogram<'route' | 'method' | 'status'>;
  /** Incremented for every event the process's event store commits. */
  readonly eventsAppended: Counter;
  /** Events in the global log that a projection has not applied yet (set by the projection runner). */
  readonly projectionLag: Gauge<'projection'>;

  /** Committed events the gap-safe feed cannot hand out yet because an older transaction is still open (stays > 0 when a long transaction stalls the projections). */
  readonly feedHiddenEvents: Gauge;
  /** Age of the oldest open transaction that has written, anywhere in the cluster (0 when none, or when the role may not see it). */
  readonly feedHorizonHolderSeconds: Gauge;

  /** Deliveries by status (pending, sent, failed, cancelled): the outcomes, from PostgreSQL (shared by every replica). */
  readonly deliveries: Gauge<'status'>;
  /** Deliveries that are pending and due now (the real backlog, whatever Redis holds). */
  readonly deliveriesDue: Gauge;
  /** BullMQ jobs by queue and state (waiting, active, delayed, failed). */
  readonly queueJobs: Gauge<'queue' | 'state'>;
  /** Send attempts this process finished, by outcome (sent, failed, cancelled, retrying). */
  readonly deliveryOutcomes: Counter<'outcome'>;

  constructor(readonly registry: Registry = globalRegistry) {
    if (!registriesWithDefaults.has(registry)) {
      registriesWithDefaults.add(registry);
      collectDefaultMetrics({ register: registry });
    }
    this.httpRequestDuration = getOrCreate(
      registry,
      'http_request_duration_seconds',
      () =>
        new Histogram({
          name: 'http_request_duration_seconds',
          help: 'HTTP request duration by route pattern, method and status',
          labelNames: ['route', 'method', 'status'] as const,
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers: [registry],
        }),
    );
    this.eventsAppended = getOrCreate(
      registry,
      'mw_events_appended_total',
      () => new Counter({ name: 'mw_events_appended_total', help: 'Events appended to the event store by this process', registers: [registry] }),
    );
    this.projectionLag = getOrCreate(
      registry,
      'mw_projection_lag_events',
      () =>
        new Gauge({ name: 'mw_projection_lag_events', help: 'Events not yet applied by a projection', labelNames: ['projection'] as const, registers: [registry] }),
    );
    this.feedHiddenEvents = getOrCreate(
      registry,
      'mw_feed_hidden_events',
      () => new Gauge({ name: 'mw_feed_hidden_events', help: 'Committed events held back from the feed by an older open transaction', registers: [registry] }),
    );
    this.feedHorizonHolderSeconds = getOrCreate(
      registry,
      'mw_feed_horizon_holder_seconds',
      () =>
        new Gauge({
          name: 'mw_feed_horizon_holder_seconds',
          help: 'Age of the oldest open writing transaction in the PostgreSQL cluster (it holds the feed horizon)',
          registers: [registry],
        }),
    );
    this.deliveries = getOrCreate(
      registry,
      'mw_deliveries',
      () => new Gauge({ name: 'mw_deliveries', help: 'Deliveries by status (outcomes of alerts)', labelNames: ['status'] as const, registers: [registry] }),
    );
    this.deliveriesDue = getOrCreate(
      registry,
      'mw_deliveries_due',
      () => new Gauge({ name: 'mw_deliveries_due', help: 'Pending deliveries whose due time has passed (backlog)', registers: [registry] }),
    );
    this.queueJobs = getOrCreate(
      registry,
      'mw_queue_jobs',
      () => new Gauge({ name: 'mw_queue_jobs', help: 'BullMQ jobs by queue and state (queue depth)', labelNames: ['queue', 'state'] as const, registers: [registry] }),
    );
    this.deliveryOutcomes = getOrCreate(
      registry,
      'mw_delivery_outcomes_total',
      () =>
        new Counter({
          name: 'mw_delivery_outcomes_total',
          help: 'Delivery attempts finished by this process, by outcome (sent, failed, cancelled, retrying)',
          labelNames: ['outcome'] as const,
          registers: [registry],
        }),
    );
    for (const outcome of ['sent', 'failed', 'cancelled', 'retrying']) this.deliveryOutcomes.inc({ outcome }, 0);
  }

  private readonly collectors: (() => Promise<void>)[] = [];

  /** Runs before each scrape (e.g. to read the projection lag from the database). A failing collector skips its metric, not the scrape. */
  addCollector(collect: () => Promise<void>): void {
    this.collectors.push(collect);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async render(): Promise<string> {
    await Promise.all(this.collectors.map((c) => c().catch(() => undefined)));
    return this.registry.metrics();
  }
}

export interface MetricsServer {
  /** The port it listens on (the one given, or the free one picked for 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text format) from `metrics` on a port of its own: for
 * processes without an HTTP API, such as a worker (WORKER_METRICS_PORT). Anything else is 404.
 */
export async function serveMetrics(metrics: MetricsService, port: number, host?: string): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: metrics are at GET /metrics\n');
      return;
    }
    metrics.render().then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : text),
      (err: Error) => res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics unavailable: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
