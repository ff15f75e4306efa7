import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type pg from 'pg';
import {
  DELIVERY_QUEUE,
  SWEEP_JOB,
  SWEEP_QUEUE,
  SWEEP_SCHEDULER_ID,
  type AlertingClock,
  type DeliverJobData,
  type DeliveryProcessor,
  type ExpiryScheduler,
  type Mailer,
  type SweepReport,
} from '#libs/alerting';
import { SweepLoop } from './sweep-loop.js';

export interface AlertsRuntimeOptions {
  redisUrl: string;
  /** BullMQ key prefix (REDIS_PREFIX): deployments and test files sharing a Redis stay apart. */
  redisPrefix: string;
  sweepEveryMs: number;
  /** How often the process looks for changes to subscriptions and projections (cheap query). */
  changePollMs: number;
  concurrency: number;
}

/**
 * The alert queues of one worker process: the delivery queue's worker, the periodic sweep (a
 * BullMQ job scheduler, so one sweep per period across all replicas), and immediate sweeps when
 * the business clock moves or the projections / subscriptions change.
 */
export class AlertsRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Alerts');
  private sweepQueue!: Queue;
  private workers: Worker[] = [];
  private loop!: SweepLoop<SweepReport>;
  private pollTimer?: NodeJS.Timeout;
  private lastSignature: string | null = null;
  private unsubscribeClock?: () => void;

  constructor(
    private readonly options: AlertsRuntimeOptions,
    private readonly pool: pg.Pool,
    private readonly clock: AlertingClock,
    private readonly scheduler: ExpiryScheduler,
    private readonly processor: DeliveryProcessor,
    private readonly mailer: Mailer,
    private readonly deliveryQueue: Queue<DeliverJobData>,
    /** Connections made for this process (the delivery queue's included), closed at shutdown. */
    private readonly connections: Redis[],
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { redisUrl, redisPrefix: prefix } = this.options;
    const connection = () => {
      const c = new Redis(redisUrl, { maxRetriesPerRequest: null });
      this.connections.push(c);
      return c;
    };
    this.loop = new SweepLoop(
      () => this.scheduler.sweep(),
      (err) => this.logger.error(`alert sweep failed: ${(err as Error).message}`),
    );
    const deliveryWorker = new Worker<DeliverJobData>(DELIVERY_QUEUE, async (job) => this.processor.process(job.data.deliveryId), {
      connection: connection(),
      prefix,
      concurrency: this.options.concurrency,
    });
    this.sweepQueue = new Queue(SWEEP_QUEUE, { connection: connection(), prefix });
    const sweepWorker = new Worker(SWEEP_QUEUE, async () => summary(await this.loop.request()), { connection: connection(), prefix, concurrency: 1 });
    for (const w of [deliveryWorker, sweepWorker]) w.on('error', (err) => this.logger.error(`queue worker: ${err.message}`));
    // A handler that threw (PostgreSQL unreachable, a statement aborted): BullMQ retries the job.
    deliveryWorker.on('failed', (job, err) => this.logger.warn(`delivery job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${err.message}`));
    this.workers = [deliveryWorker, sweepWorker];
    await this.sweepQueue.upsertJobScheduler(SWEEP_SCHEDULER_ID, { every: this.options.sweepEveryMs }, { name: SWEEP_JOB, opts: { removeOnComplete: 100, removeOnFail: 100 } });

    this.unsubscribeClock = this.clock.onChange(() => this.loop.kick());
    this.pollTimer = setInterval(() => void this.pollForChanges(), this.options.changePollMs);
    this.pollTimer.unref();
    this.loop.kick(); // catch up at start: whatever was missed while no worker ran
    this.logger.log(
      `alerts running: queues ${DELIVERY_QUEUE} and ${SWEEP_QUEUE} (Redis prefix ${prefix}), sweep every ${this.options.sweepEveryMs / 1000} s and on changes, ${this.options.concurrency} deliveries at a time`,
    );
  }

  /** Runs a sweep now and waits for it (tests, the demo). */
  sweepNow(): Promise<SweepReport> {
    return this.loop.request();
  }

  /**
   * Sweeps when something the schedule depends on changed: the mandates projection moved on, or
   * subscriptions/deliveries were changed through the API (which bumps a revision).
   */
  private async pollForChanges(): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ sig: string }>(
        `SELECT concat_ws('/', (SELECT revision FROM alert_scheduler_state WHERE id = 1),
            (SELECT transaction_id::text || '.' || position FROM projection_checkpoints WHERE name = 'mandates')) AS sig`,
      );
      const sig = rows[0]?.sig ?? '';
      if (sig !== this.lastSignature) this.loop.kick();
      this.lastSignature = sig;
    } catch (err) {
      this.logger.warn(`change poll failed: ${(err as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.pollTimer);
    this.unsubscribeClock?.();
    await this.loop?.stop();
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([this.deliveryQueue?.close(), this.sweepQueue?.close()]);
    await Promise.allSettled(this.connections.map((c) => c.quit()));
    this.mailer.close();
  }
}

const summary = (r: SweepReport) => ({ businessNow: r.businessNow.toISOString(), planned: r.planned, cancelled: r.cancelled, enqueued: r.enqueued });
