import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, createPrisma, type PrismaClient } from '#libs/db';
import { FixedClock, upcast } from '#libs/domain';
import { EventStore } from '#libs/event-store';
import { ImportService } from '#libs/imports';
import { allProjectors, MandateQueries, ProjectionRunner } from '#libs/projections';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const SEED = 'libs/importers/samples/repertoire-2020-mali-haiti.zh.txt';
const PRESS_2531 = 'libs/importers/test-fixtures/press-releases/sc14235-minusma-2531.txt';

let db: TestDatabase;
let pool: pg.Pool;
let prisma: PrismaClient;
let store: EventStore;
let runner: ProjectionRunner;
let imports: ImportService;

const eventCount = async () => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0].n;

beforeAll(async () => {
  db = await createTestDatabase('imports');
  pool = createPool(db.url);
  prisma = createPrisma(pool);
  store = new EventStore(pool, { upcast });
  runner = new ProjectionRunner(pool, store, allProjectors(store));
  imports = new ImportService(pool, store, new FixedClock(new Date('2026-11-26T12:00:00Z')), {
    afterAppend: async (cp) => void (await runner.waitFor(cp)),
  });
});
afterAll(async () => {
  await prisma.$disconnect();
  await pool.end();
  await db.drop();
});

describe('ImportService', () => {
  it('a dry run writes nothing to the event log', async () => {
    const seed = await readFile(SEED, 'utf8');
    const dry = await imports.run({ body: seed, dryRun: true, actor: 'test' });
    expect(dry.format).toBe('repertoire');
    expect(dry.events.length).toBeGreaterThan(20);
    expect(dry.events.every((e) => e.status === 'new')).toBe(true);
    expect(dry.appended).toBe(0);
    expect(await eventCount()).toBe(0);
    expect((await imports.get(dry.id))?.dryRun).toBe(true);
  });

  it('imports the seed atomically with provenance, and a second time appends nothing', async () => {
    const seed = await readFile(SEED, 'utf8');
    const first = await imports.run({ body: seed, dryRun: false, actor: 'key-1' });
    const kinds = first.facts.reduce<Record<string, number>>((acc, f) => ({ ...acc, [f.kind]: (acc[f.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ videoconference: 8, meeting: 5, decision: 3, mandate_extended: 4, report_request: 1 });
    // The mandates the document extends get their identity from the catalogue.
    expect(first.events.filter((e) => e.origin === 'catalogue').map((e) => e.data.mandateId).sort()).toEqual(['binuh', 'mali-panel-of-experts', 'mali-sanctions', 'minusma']);
    expect(first.appended).toBe(first.events.length);
    expect(await eventCount()).toBe(first.appended);

    const ext = await store.readStream('mandate-minusma');
    const extension = ext.events.find((e) => e.type === 'MandateExtended')!;
    expect(extension.metadata).toMatchObject({ actor: 'key-1', source: { importId: first.id, documentSha256: first.documentSha256, format: 'repertoire' } });
    const src = extension.metadata.source as { start: number; end: number; quote: string };
    expect(seed.slice(src.start, src.end)).toBe(src.quote);

    const second = await imports.run({ body: seed, dryRun: false, actor: 'key-1' });
    expect(second.appended).toBe(0);
    expect(second.duplicates).toBe(first.events.length);
    expect(await eventCount()).toBe(first.appended);

    const upcoming = await new MandateQueries(prisma, store, pool).upcoming({ asOf: '2021-06-01', within: 130 });
    expect(upcoming.items.map((i) => [i.mandate.id, i.mandate.names.en !== undefined, i.expiresOn, i.daysLeft])).toEqual([
      ['minusma', true, '2021-06-30', 29],
      ['mali-sanctions', true, '2021-08-31', 91],
      ['mali-panel-of-experts', true, '2021-09-30', 121],
    ]);
    expect(upcoming.items[0].mandate.acronym).toBe('MINUSMA');
  });

  it('the English press release of the same resolution appends no duplicate extension', async () => {
    const before = await eventCount();
    const press = await readFile(PRESS_2531, 'utf8');
    const r = await imports.run({ body: press, dryRun: false, actor: 'key-2' });
    expect(r.format).toBe('press-release');
    const ext = r.events.filter((e) => e.type === 'MandateExtended');
    expect(ext.map((e) => [e.data.mandateId, e.data.until, e.status])).toEqual([['minusma', '2021-06-30', 'duplicate']]);
    expect((await store.readStream('mandate-minusma')).events.filter((e) => e.type === 'MandateExtended')).toHaveLength(1);
    expect(await eventCount()).toBe(before + r.appended);
  });

  it('a fact contradicting the record is a conflict warning, not appended', async () => {
    const press = (await readFile(PRESS_2531, 'utf8')).replace(/30 June 2021/g, '31 July 2021');
    const before = await eventCount();
    const r = await imports.run({ body: press, dryRun: false, actor: 'key-2' });
    expect(r.events.find((e) => e.type === 'MandateExtended')?.status).toBe('conflict');
    expect(r.warnings.some((w) => w.code === 'CONFLICT' && w.message.includes('2021-07-31'))).toBe(true);
    expect(await eventCount()).toBe(before + r.appended);
    expect((await new MandateQueries(prisma, store, pool).get('minusma', { asOf: '2021-06-01' }))?.expiresOn).toBe('2021-06-30');
  });
});
