import type { Clock } from '#libs/domain';

/**
 * What alerting needs from the deployment's business clock (`BusinessClock` in #libs/clock has
 * this shape): the business now, and a hook called after any process moved it.
 */
export interface AlertingClock extends Clock {
  onChange(listener: () => void): () => void;
}
