/** BullMQ names shared by every process (queue names are also Redis key parts: no `:`). */
export const DELIVERY_QUEUE = 'mw-deliveries';
export const DELIVER_JOB = 'deliver';
export const SWEEP_QUEUE = 'mw-alert-sweeps';
export const SWEEP_JOB = 'sweep';
/** The one job scheduler (BullMQ `upsertJobScheduler`) that triggers the periodic sweep. */
export const SWEEP_SCHEDULER_ID = 'alert-sweep';

/** Delays before each webhook attempt after a failure (Standard Webhooks' usual schedule). */
export const WEBHOOK_RETRY_DELAYS_MS = [0, 5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000];
/** Transient SMTP failures (4xx replies, connection errors) are retried on a shorter schedule. */
export const EMAIL_RETRY_DELAYS_MS = [0, 30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000];
/** A webhook endpoint that has failed for this long (real time) without a success is disabled. */
export const WEBHOOK_DISABLE_AFTER_MS = 5 * 24 * 3_600_000;
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Rows are created this far ahead of their due time (further ones are planned by later sweeps). */
export const PLANNING_HORIZON_DAYS = 60;
/** Rows due within this much time are handed to BullMQ as (delayed) jobs by each sweep. */
export const ENQUEUE_LOOKAHEAD_MS = 90_000;
/** How long a worker holds a delivery while sending; must exceed the slowest send. */
export const DEFAULT_LEASE_MS = 120_000;
export const DEFAULT_SWEEP_EVERY_MS = 30_000;
/**
 * Deliveries one worker process sends at a time. Each waits on PostgreSQL, Redis and the remote
 * end most of its time, so one process keeps many in flight (benchmark: bench/fanout.ts). 100
 * rather than 50: larger coalesced claims and "sent" marks cut PostgreSQL's CPU per webhook by
 * about a third (2,000 webhooks: 979/s at 50, 1,150-1,350/s at 100, same run conditions).
 */
export const DEFAULT_DELIVERY_CONCURRENCY = 100;
/** Longest wait for an SMTP server's connection, greeting or reply (well within DEFAULT_LEASE_MS). */
export const SMTP_TIMEOUT_MS = 30_000;
/** SMTP connections a worker process keeps open to the relay (nodemailer pool). */
export const SMTP_POOL_SIZE = 10;

/** Kinds of deliveries made on request rather than planned from the projections. */
export const ONE_OFF_KINDS = ['subscription_test', 'subscription_confirmation'] as const;
