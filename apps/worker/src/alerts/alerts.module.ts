import path from 'node:path';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type pg from 'pg';
import {
  CalendarFeed,
  DEFAULT_DELIVERY_CONCURRENCY,
  DEFAULT_LEASE_MS,
  DEFAULT_SWEEP_EVERY_MS,
  DELIVERY_QUEUE,
  DeliveryProcessor,
  DeliveryQueue,
  DeliveryRepository,
  ExpiryScheduler,
  Mailer,
  SecretSealer,
  SubscriptionRepository,
  WebhookSender,
  WebhookSigner,
  WebhookUrlGuard,
  type AlertingClock,
  type DeliverJobData,
  type HostResolver,
} from '#libs/alerting';
import { PG_POOL } from '#libs/persistence';
import { BUSINESS_CLOCK, MetricsService } from '#libs/platform';
import { AlertsRuntime } from './alerts-runtime.js';

/** The configuration alerting reads (a subset of the deployment's AppConfig) plus test knobs. */
export interface AlertsOptions {
  redisUrl: string;
  redisPrefix?: string;
  smtpUrl?: string;
  mailFrom?: string;
  publicUrl?: string;
  dataDir?: string;
  notifyBackfillDays?: number;
  webhookAllowedHosts?: string[];
  dkim?: { domain: string; selector: string; privateKey: string };
  /** SECRETS_KEY: seals webhook secrets at rest when set. */
  secretsKey?: string;
  sweepEveryMs?: number;
  changePollMs?: number;
  leaseMs?: number;
  concurrency?: number;
  /** DNS for the SSRF guard (tests inject one). */
  resolver?: HostResolver;
  webhookTimeoutMs?: number;
  /** Told when a sent message's "sent" mark failed and is retried (besides the log line). */
  onMarkRetry?: (deliveryId: string, error: Error) => void;
}

/** Alerting's parts, wired as a worker process uses them. */
export interface Alerting {
  subscriptions: SubscriptionRepository;
  deliveries: DeliveryRepository;
  scheduler: ExpiryScheduler;
  processor: DeliveryProcessor;
  mailer: Mailer;
  queue: Queue<DeliverJobData>;
  connections: Redis[];
}
const ALERTING = Symbol('ALERTING');

/** Builds alerting's parts (a worker's, or a test's own processor); `connections` are the caller's to close. */
export function buildAlerting(o: AlertsOptions, pool: pg.Pool, clock: AlertingClock, metrics: MetricsService): Alerting {
  const logger = new Logger('Alerts');
  const publicUrl = (o.publicUrl ?? 'http://localhost:3000').replace(/\/+$/, '');
  const connection = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue<DeliverJobData>(DELIVERY_QUEUE, { connection, prefix: o.redisPrefix ?? 'mw' });
  const deliveryQueue = new DeliveryQueue(queue);
  const subscriptions = new SubscriptionRepository(pool, new SecretSealer(o.secretsKey));
  const deliveries = new DeliveryRepository(pool);
  const mailer = new Mailer({
    smtpUrl: o.smtpUrl,
    outboxDir: path.join(path.resolve(o.dataDir ?? '.data'), 'outbox'),
    from: o.mailFrom ?? 'Mandate Watch <alerts@localhost>',
    dkim: o.dkim,
  });
  const sender = new WebhookSender(new WebhookUrlGuard(o.webhookAllowedHosts ?? [], o.resolver), new WebhookSigner(), o.webhookTimeoutMs);
  const scheduler = new ExpiryScheduler(pool, clock, subscriptions, deliveries, deliveryQueue, { backfillDays: o.notifyBackfillDays ?? 7, publicUrl });
  const processor = new DeliveryProcessor(clock, deliveries, subscriptions, mailer, sender, deliveryQueue, {
    publicUrl,
    leaseMs: o.leaseMs ?? DEFAULT_LEASE_MS,
    // Never the message or the secret: ids, kinds and the error text only.
    onOutcome: (outcome, d, detail) => {
      if (outcome !== 'skipped') metrics.deliveryOutcomes.inc({ outcome });
      // A line per message sent costs CPU in a fan-out: at debug (outcomes are counted in metrics).
      if (outcome === 'sent') logger.debug(`delivery ${d.id} (${d.kind}${d.mandateId ? ` ${d.mandateId}` : ''}) sent, attempt ${d.attempts}`);
      else logger.warn(`delivery ${d.id} (${d.kind}) ${outcome}${detail ? `: ${detail}` : ''}`);
    },
    onMarkRetry: (id, err) => {
      logger.warn(`delivery ${id} sent; marking it sent failed (${err.message}), retrying`);
      o.onMarkRetry?.(id, err);
    },
  });
  return { subscriptions, deliveries, scheduler, processor, mailer, queue, connections: [connection] };
}

/** Alerting in a worker process: the schedule, the delivery queue and its senders. */
@Module({})
export class AlertsModule {
  static forRoot(options: AlertsOptions): DynamicModule {
    return {
      module: AlertsModule,
      providers: [
        // The business clock comes from the worker (BusinessClockModule, or a clock a test gives).
        {
          provide: ALERTING,
          inject: [PG_POOL, BUSINESS_CLOCK, MetricsService],
          useFactory: (pool: pg.Pool, clock: AlertingClock, metrics: MetricsService) => buildAlerting(options, pool, clock, metrics),
        },
        { provide: SubscriptionRepository, inject: [ALERTING], useFactory: (a: Alerting) => a.subscriptions },
        { provide: DeliveryRepository, inject: [ALERTING], useFactory: (a: Alerting) => a.deliveries },
        { provide: ExpiryScheduler, inject: [ALERTING], useFactory: (a: Alerting) => a.scheduler },
        { provide: DeliveryProcessor, inject: [ALERTING], useFactory: (a: Alerting) => a.processor },
        {
          provide: CalendarFeed,
          useFactory: (pool: pg.Pool) => new CalendarFeed(pool, { publicUrl: options.publicUrl ?? 'http://localhost:3000' }),
          inject: [PG_POOL],
        },
        {
          provide: AlertsRuntime,
          inject: [ALERTING, PG_POOL, BUSINESS_CLOCK],
          useFactory: (a: Alerting, pool: pg.Pool, clock: AlertingClock) =>
            new AlertsRuntime(
              {
                redisUrl: options.redisUrl,
                redisPrefix: options.redisPrefix ?? 'mw',
                sweepEveryMs: options.sweepEveryMs ?? DEFAULT_SWEEP_EVERY_MS,
                changePollMs: options.changePollMs ?? 1000,
                concurrency: options.concurrency ?? DEFAULT_DELIVERY_CONCURRENCY,
              },
              pool,
              clock,
              a.scheduler,
              a.processor,
              a.mailer,
              a.queue,
              a.connections,
            ),
        },
      ],
      exports: [SubscriptionRepository, DeliveryRepository, ExpiryScheduler, DeliveryProcessor, AlertsRuntime],
    };
  }
}
