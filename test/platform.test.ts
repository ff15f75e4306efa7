import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusinessClock } from '#libs/clock';
import { BUSINESS_CLOCK, BusinessClockModule } from '#libs/platform';
import { createTestDatabase, type TestDatabase } from './support/db.js';

@Injectable()
class Scheduler {
  constructor(@Inject(BUSINESS_CLOCK) readonly clock: BusinessClock) {}
}

describe('BusinessClockModule', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('platform');
  });
  afterAll(async () => db.drop());

  it('injects a started business clock and closes it with the application', async () => {
    @Module({ imports: [BusinessClockModule.forRoot({ databaseUrl: db.url, startAnchor: '2021-06-01T00:00:00Z' })], providers: [Scheduler] })
    class WorkerLike {}
    const app = await NestFactory.createApplicationContext(WorkerLike, { logger: false });
    const { clock } = app.get(Scheduler);
    expect(clock.now().toISOString().slice(0, 10)).toBe('2021-06-01');
    await app.close();
    // Closed: the clock's connections leave the database (a backend exits just after its client
    // disconnects, so look until they are gone rather than once).
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    let left = -1;
    for (let attempt = 0; attempt < 250 && left !== 0; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 20));
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'mandate-watch-clock%'`);
      left = rows[0].n;
    }
    await admin.end();
    expect(left).toBe(0);
  });
});
