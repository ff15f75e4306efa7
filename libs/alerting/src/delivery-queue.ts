import type { Queue } from 'bullmq';
import { deliveryJobId } from '#libs/domain';
import { DELIVER_JOB } from './constants.js';
import type { EnqueueableDelivery } from './delivery-repository.js';

export interface DeliverJobData {
  deliveryId: string;
}

/**
 * Hands pending deliveries to BullMQ for timing. Job ids derive from the delivery id and the
 * attempt count, so enqueueing the same attempt twice (two sweeps, two replicas) adds one job;
 * jobs are removed once done, so a later sweep can enqueue the delivery again if it is still
 * pending (the handler re-checks PostgreSQL and the clock, so a spare job does nothing).
 */
export class DeliveryQueue {
  constructor(private readonly queue: Queue<DeliverJobData>) {}

  /** Adds (or re-times) a job per delivery; returns how many were added or re-timed. */
  async enqueue(rows: EnqueueableDelivery[], businessNow: Date): Promise<number> {
    let changed = 0;
    // In chunks, each looked up concurrently (one pipeline of Redis calls rather than a round
    // trip per row) and added at once, so the first jobs run while later chunks are checked.
    for (let i = 0; i < rows.length; i += ENQUEUE_CHUNK) {
      const fresh = await Promise.all(rows.slice(i, i + ENQUEUE_CHUNK).map((row) => this.prepare(row, businessNow, Date.now())));
      const jobs = fresh.filter((j): j is FreshJob => j !== null && j !== 'retimed');
      changed += fresh.filter((j) => j === 'retimed').length + jobs.length;
      if (jobs.length > 0) await this.queue.addBulk(jobs);
    }
    return changed;
  }

  /** The job to add for `row`, 'retimed' when its existing job was re-timed, null when it has one. */
  private async prepare(row: EnqueueableDelivery, businessNow: Date, realNow: number): Promise<FreshJob | 'retimed' | null> {
    // Due time is business time: the wait is the same length in real time. Backoff is real time.
    const delay = Math.max(0, row.dueAt.getTime() - businessNow.getTime(), row.nextAttemptAt ? row.nextAttemptAt.getTime() - realNow : 0);
    const jobId = deliveryJobId(row.id, row.attempts);
    const existing = await this.queue.getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (state === 'failed') {
        // The handler itself failed (e.g. PostgreSQL was down) and BullMQ gave up; the row is
        // still pending, so make room for a new job under the same id.
        await existing.remove().catch(() => undefined);
      } else {
        // A job delayed for a clock that has since moved: re-time it.
        if (state === 'delayed' && Math.abs(existing.timestamp + (existing.delay ?? 0) - (realNow + delay)) > 1000) {
          await existing.changeDelay(delay).catch(() => undefined); // it may have just started
          return 'retimed';
        }
        return null;
      }
    }
    return {
      name: DELIVER_JOB,
      data: { deliveryId: row.id },
      // BullMQ's own retries only cover failures of the handler itself (e.g. PostgreSQL down);
      // send failures are retried through the row's backoff (next_attempt_at).
      opts: { jobId, delay, removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 2000 } },
    };
  }
}

type FreshJob = {
  name: string;
  data: DeliverJobData;
  opts: { jobId: string; delay: number; removeOnComplete: true; removeOnFail: number; attempts: number; backoff: { type: 'exponential'; delay: number } };
};

/** Rows checked and added per step. */
const ENQUEUE_CHUNK = 250;
