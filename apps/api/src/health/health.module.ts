import { Controller, Get, Inject, Module } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { PG_POOL, REDIS } from '#libs/platform';
import { Public } from '../auth/decorators.js';
import { ApiError } from '../platform/errors.js';

const CHECK_TIMEOUT_MS = 2_000;

async function check(name: string, probe: () => Promise<unknown>) {
  const started = process.hrtime.bigint();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { name, status: 'up' as const, latencyMs: Number((process.hrtime.bigint() - started) / 1_000_000n) };
  } catch (err) {
    return { name, status: 'down' as const, error: (err as Error).message || String(err) };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis answer (503 with details when not)' })
  async ready() {
    const checks = await Promise.all([check('postgres', () => this.pool.query('SELECT 1')), check('redis', () => this.redis.ping())]);
    const down = checks.filter((c) => c.status === 'down');
    if (down.length) {
      throw new ApiError(503, 'NOT_READY', `Not ready: ${down.map((c) => c.name).join(' and ')} unavailable`, checks, { 'Retry-After': '5' });
    }
    return { status: 'ready', checks };
  }
}

@Module({ controllers: [HealthController] })
export class HealthModule {}
