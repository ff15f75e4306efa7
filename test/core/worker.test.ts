import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplicationContext } from '@nestjs/common';
import { createPool } from '#libs/db';
import { EventStore } from '#libs/event-store';
import { MandateQueries } from '#libs/projections';
import { bootstrapWorker } from '../../apps/worker/src/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let workers: INestApplicationContext[] = [];

beforeAll(async () => {
  db = await createTestDatabase('worker');
  workers = [await bootstrapWorker({ databaseUrl: db.url }), await bootstrapWorker({ databaseUrl: db.url })];
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await db.drop();
});

describe('worker', () => {
  it('two worker replicas keep the projections current on their own', async () => {
    const pool = createPool(db.url);
    const writer = new EventStore(pool, { notifyChannel: 'mw_events' });
    await writer.appendToStream(
      'mandate-binuh',
      [{ type: 'MandateExtended', data: { mandateId: 'binuh', until: '2021-10-15', decision: 'S/RES/2547 (2020)', adoptedOn: '2020-10-15', paragraphs: [], period: null }, occurredOn: '2020-10-15' }],
      { expectedVersion: 'no_stream' },
    );
    const queries = workers[0].get(MandateQueries);
    let items: unknown[] = [];
    for (let i = 0; i < 100 && items.length === 0; i++) {
      items = (await queries.upcoming({ asOf: '2021-10-01', within: 30 })).items;
      if (items.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(items).toEqual([expect.objectContaining({ expiresOn: '2021-10-15', daysLeft: 14 })]);
    await pool.end();
  });
});
