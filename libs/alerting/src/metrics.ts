import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { MetricsService } from '#libs/platform';
import { DELIVERY_QUEUE, SWEEP_QUEUE } from './constants.js';

/**
 * Alerting's figures for `/metrics`, read at scrape time, the same from whichever API or worker
 * process is scraped: deliveries by status and the due backlog (PostgreSQL), and the depth of
 * each BullMQ queue (Redis).
 */
export function addAlertingCollectors(metrics: MetricsService, sources: { pool: pg.Pool; redis?: Redis; redisPrefix?: string }): void {
  metrics.addCollector(() => collectDeliveryMetrics(sources.pool, metrics));
  const { redis, redisPrefix } = sources;
  if (redis) metrics.addCollector(() => collectQueueMetrics(redis, redisPrefix ?? 'mw', metrics));
}

async function collectDeliveryMetrics(pool: pg.Pool, metrics: MetricsService): Promise<void> {
  const { rows } = await pool.query<{ status: string; n: number; due: number }>(
    `SELECT status, count(*)::int AS n, count(*) FILTER (WHERE status = 'pending' AND due_at <= now())::int AS due FROM deliveries GROUP BY status`,
  );
  for (const status of ['pending', 'sent', 'failed', 'cancelled']) metrics.deliveries.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
  metrics.deliveriesDue.set(rows.reduce((n, r) => n + r.due, 0));
}

/** Queue depth, read with BullMQ's key layout (`<prefix>:<queue>:<state>`) (one Redis command per state). */
async function collectQueueMetrics(redis: Redis, prefix: string, metrics: MetricsService): Promise<void> {
  for (const queue of [DELIVERY_QUEUE, SWEEP_QUEUE]) {
    const key = (state: string) => `${prefix}:${queue}:${state}`;
    const [waiting, active, delayed, failed, prioritized] = await Promise.all([
      redis.llen(key('wait')),
      redis.llen(key('active')),
      redis.zcard(key('delayed')),
      redis.zcard(key('failed')),
      redis.zcard(key('prioritized')),
    ]);
    metrics.queueJobs.set({ queue, state: 'waiting' }, waiting + prioritized);
    metrics.queueJobs.set({ queue, state: 'active' }, active);
    metrics.queueJobs.set({ queue, state: 'delayed' }, delayed);
    metrics.queueJobs.set({ queue, state: 'failed' }, failed);
  }
}
