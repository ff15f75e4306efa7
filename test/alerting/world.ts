import type { INestApplicationContext } from '@nestjs/common';
import type pg from 'pg';
import { AlertsRuntime } from '../../apps/worker/src/alerts/alerts-runtime.js';
import { bootstrapWorker } from '../../apps/worker/src/bootstrap.js';
import type { AlertsOptions } from '../../apps/worker/src/alerts/alerts.module.js';
import { Registry } from 'prom-client';
import { buildAlerting } from '../../apps/worker/src/alerts/alerts.module.js';
import { DeliveryRepository, SecretSealer, SubscriptionRepository, type DeliveryProcessor, type DeliveryRecord } from '#libs/alerting';
import { MetricsService } from '#libs/platform';
import { createPool } from '#libs/db';
import { upcast } from '#libs/domain';
import { EventStore } from '#libs/event-store';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { BusinessClock } from '#libs/clock';
import { flushPrefix, REDIS_URL, testPrefix, TestSmtpServer, TestWebhookReceiver, waitFor } from './support.js';

/**
 * Everything an alerting scenario runs against, all real: a PostgreSQL database of its own,
 * Redis under a prefix of its own, worker processes' Nest contexts, an SMTP server and an HTTP
 * receiver. The business clock is the deployment's (`BusinessClock`: real time plus an offset in
 * PostgreSQL): the test moves it through its own instance, and each worker follows through its
 * own, as separate processes do.
 */
export class AlertWorld {
  db!: TestDatabase;
  pool!: pg.Pool;
  store!: EventStore;
  smtp = new TestSmtpServer();
  receiver = new TestWebhookReceiver();
  workers: INestApplicationContext[] = [];
  subscriptions!: SubscriptionRepository;
  deliveries!: DeliveryRepository;
  readonly prefix: string;
  clock!: BusinessClock;
  private workerClocks = new Map<INestApplicationContext, BusinessClock>();
  /** What `processor()` opened, closed by `stop()`. */
  private standalone: { close: () => Promise<void> }[] = [];

  constructor(
    readonly label: string,
    /** Where the business clock starts; null: real time. */
    private readonly startAt: Date | null,
    private readonly overrides: Partial<AlertsOptions> = {},
  ) {
    this.prefix = testPrefix(label);
  }

  async start(workers: number): Promise<void> {
    this.db = await createTestDatabase(this.label);
    this.clock = await BusinessClock.start({ connectionString: this.db.url });
    if (this.startAt) await this.clock.set(this.startAt);
    this.pool = createPool(this.db.url);
    this.store = new EventStore(this.pool, { upcast, notifyChannel: 'mw_events' });
    this.subscriptions = new SubscriptionRepository(this.pool, new SecretSealer());
    this.deliveries = new DeliveryRepository(this.pool);
    await this.smtp.start();
    await this.receiver.start();
    for (let i = 0; i < workers; i++) await this.startWorker();
  }

  /** The alerting configuration of this world's workers (and of `processor()`). */
  private alertsOptions(): AlertsOptions {
    return {
      redisUrl: REDIS_URL,
      redisPrefix: this.prefix,
      smtpUrl: this.smtp.url,
      publicUrl: 'https://watch.example.org',
      // The receiver listens on loopback, which the SSRF guard refuses unless allowed.
      webhookAllowedHosts: ['127.0.0.1'],
      notifyBackfillDays: 7,
      changePollMs: 200,
      ...this.overrides,
    };
  }

  async startWorker(): Promise<INestApplicationContext> {
    const clock = await BusinessClock.start({ connectionString: this.db.url });
    const w = await bootstrapWorker({ databaseUrl: this.db.url, alerts: this.alertsOptions() }, { clock });
    this.workers.push(w);
    this.workerClocks.set(w, clock);
    return w;
  }

  async stopWorkers(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.workerClocks.values()].map((c) => c.close()));
    this.workerClocks.clear();
    this.workers = [];
  }

  /** Moves the business clock (as PUT /api/clock does) and waits until every worker follows. */
  async setClock(instant: Date): Promise<void> {
    await this.clock.set(instant);
    await waitFor('the workers to follow the clock', () =>
      [...this.workerClocks.values()].every((c) => Math.abs(c.now().getTime() - this.clock.now().getTime()) < 1000),
    );
  }

  /**
   * A DeliveryProcessor of the test's own, outside any worker, so that a test can call `process`
   * itself: wired as a worker wires it (buildAlerting), on this world's database, business clock,
   * SMTP server and receiver; retries are enqueued under its Redis prefix, for no worker.
   */
  processor(options: Partial<AlertsOptions> = {}): DeliveryProcessor {
    const alerting = buildAlerting({ ...this.alertsOptions(), ...options }, this.pool, this.clock, new MetricsService(new Registry()));
    this.standalone.push({
      close: async () => {
        alerting.mailer.close();
        await alerting.queue.close();
        for (const c of alerting.connections) c.disconnect();
      },
    });
    return alerting.processor;
  }

  runtime(i = 0): AlertsRuntime {
    return this.workers[i].get(AlertsRuntime);
  }

  /** Sweeps in every worker (as their triggers would) and waits for them. */
  async sweep(): Promise<void> {
    for (let i = 0; i < this.workers.length; i++) await this.runtime(i).sweepNow();
  }

  async rows(where = 'true'): Promise<DeliveryRecord[]> {
    const { rows } = await this.pool.query<{ id: string }>(`SELECT id FROM deliveries WHERE ${where} ORDER BY due_at, id`);
    return Promise.all(rows.map(async (r) => (await this.deliveries.get(r.id))!));
  }

  /** Waits until nothing due is left to send: no pending row due by the clock (alerts waiting for their digest aside), none leased. */
  async settled(): Promise<void> {
    await this.sweep();
    await waitFor('due deliveries to be processed', async () => {
      const { rows } = await this.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending' AND NOT in_digest AND (due_at <= $1 OR locked_until > now())
           AND (next_attempt_at IS NULL OR next_attempt_at <= now())`,
        [this.clock.now()],
      );
      return rows[0].n === 0;
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.standalone.map((p) => p.close()));
    await this.stopWorkers();
    await this.clock.close();
    await this.receiver.stop();
    await this.smtp.stop();
    await this.pool.end();
    await this.db.drop();
    await flushPrefix(this.prefix); // leave the shared Redis as it was
  }
}
