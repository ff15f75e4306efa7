import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import type { AppConfig } from '#libs/config';
import { CONFIG } from '#libs/platform';
import { ApiError } from './errors.js';

const MINUTE_MS = 60_000;

export type RateLimitBucket = 'auth-failures' | 'imports';

/**
 * Fixed-window limits on what is expensive or what an attacker would repeat: failed
 * authentications per client IP (key guessing) and imports per API key (PDF parsing). The
 * counters are @nestjs/throttler's storage, in this process: with N API replicas behind a load
 * balancer the effective limit is up to N times the configured one. Over the limit → 429
 * `RATE_LIMITED` with `Retry-After` (seconds), in the contract's error format; the client stays
 * blocked for one window.
 */
@Injectable()
export class RateLimiter {
  private readonly limits: Record<RateLimitBucket, number>;

  constructor(
    private readonly storage: ThrottlerStorageService,
    @Inject(CONFIG) config: AppConfig,
  ) {
    this.limits = { 'auth-failures': config.rateLimits.authFailuresPerMinute, imports: config.rateLimits.importsPerMinute };
  }

  /** Counts one hit of `key` in `bucket`; throws 429 when the limit is passed (or the key is blocked). */
  async hit(bucket: RateLimitBucket, key: string): Promise<void> {
    const limit = this.limits[bucket];
    if (!limit) return;
    const record = await this.storage.increment(`${bucket}:${key}`, MINUTE_MS, limit, MINUTE_MS, bucket);
    if (record.isBlocked) {
      const retryAfter = Math.max(1, Math.ceil(record.timeToBlockExpire));
      const what = bucket === 'imports' ? `more than ${limit} imports per minute with this key` : `more than ${limit} failed authentications per minute from this address`;
      throw new ApiError(429, 'RATE_LIMITED', `Too many requests: ${what}; try again in ${retryAfter} s`, undefined, { 'Retry-After': String(retryAfter) });
    }
  }
}

@Global()
@Module({ providers: [ThrottlerStorageService, RateLimiter], exports: [RateLimiter] })
export class RateLimitModule {}
