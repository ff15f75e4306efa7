import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, createPrisma, type PrismaClient } from '#libs/db';
import { factEvent, parseEventData, upcast, type EventType } from '#libs/domain';
import { EventStore } from '#libs/event-store';
import { allProjectors, DecisionQueries, MandateQueries, MeetingQueries, AgendaItemQueries, ProjectionRunner } from '#libs/projections';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { snapshotReadModels } from '../support/projections.js';

let db: TestDatabase;
let pool: pg.Pool;
let prisma: PrismaClient;
let store: EventStore;
let runner: ProjectionRunner;
let mandates: MandateQueries;

beforeAll(async () => {
  db = await createTestDatabase('projections');
  pool = createPool(db.url);
  prisma = createPrisma(pool);
  store = new EventStore(pool, { upcast });
  runner = new ProjectionRunner(pool, store, allProjectors(store));
  mandates = new MandateQueries(prisma, store, pool);
});
afterAll(async () => {
  await prisma.$disconnect();
  await pool.end();
  await db.drop();
});

async function record<T extends Exclude<EventType, 'FactCorrected'>>(type: T, input: unknown, recordedOn?: string) {
  const parsed = parseEventData(type, input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const e = factEvent(type, parsed.data as never);
  const occurredOn = (parsed.data as { adoptedOn?: string; establishedOn?: string; date?: string }).adoptedOn ??
    (parsed.data as { establishedOn?: string }).establishedOn ?? (parsed.data as { date?: string }).date ?? recordedOn ?? null;
  const r = await store.appendToStream(e.streamId, [{ id: e.id, type, data: e.data, occurredOn, metadata: { actor: 'test' } }], { expectedVersion: 'any' });
  expect(await runner.waitFor(r.checkpoint)).toBe(true);
  return { ...r, eventId: e.id };
}

describe('projections', () => {
  it('MINUSMA: established, extended; upcoming and as-of views', async () => {
    await record('MandateEstablished', {
      mandateId: 'minusma',
      acronym: 'MINUSMA',
      names: { en: 'United Nations Multidimensional Integrated Stabilization Mission in Mali', zh: '联合国马里多层面综合稳定团' },
      aliases: ['马里稳定团'],
      type: 'peace_operation',
      agendaItem: 'situation-in-mali',
      establishedOn: '2013-04-25',
      expiresOn: '2020-06-30',
      establishedBy: 'S/RES/2100 (2013)',
    });
    await record('MandateExtended', { mandateId: 'minusma', until: '2021-06-30', decision: 'S/RES/2531(2020)', adoptedOn: '2020-06-29', paragraphs: ['16', '18'] });

    const upcoming = await mandates.upcoming({ asOf: '2021-06-01', within: 60 });
    expect(upcoming.items).toEqual([
      {
        mandate: expect.objectContaining({ id: 'minusma', acronym: 'MINUSMA', type: 'peace_operation' }),
        expiresOn: '2021-06-30',
        daysLeft: 29,
        lastDecision: { symbol: 'S/RES/2531 (2020)', adoptedOn: '2020-06-29' },
      },
    ]);
    expect((await mandates.upcoming({ asOf: '2020-06-01', within: 60 })).items.map((i) => i.expiresOn)).toEqual(['2020-06-30']);
    expect((await mandates.upcoming({ asOf: '2021-07-01', within: 60 })).items).toEqual([]);

    const before = await mandates.get('minusma', { asOf: '2020-01-01' });
    expect(before?.expiresOn).toBe('2020-06-30');
    const now = await mandates.get('minusma', { asOf: '2021-06-01' });
    expect(now?.history.map((h) => h.decision)).toEqual(['S/RES/2100 (2013)', 'S/RES/2531 (2020)']);
    expect(now?.daysLeft).toBe(29);

    for (const q of ['MINUSMA', '马里稳定团', 'United Nations Multidimensional Integrated Stabilization Mission in Mali', 'minusma']) {
      const found = await mandates.list({ asOf: '2021-06-01', q, limit: 10 });
      expect(found.items.map((m) => m.id), q).toEqual(['minusma']);
    }
    expect((await mandates.list({ asOf: '2021-06-01', q: 'unknown', limit: 10 })).items).toEqual([]);
  });

  it('a correction moves the expiry everywhere, and knownAt sees the state before it', async () => {
    const ext = await record('MandateExtended', { mandateId: 'binuh', until: '2021-10-15', decision: 'S/RES/2547 (2020)', adoptedOn: '2020-10-15' });
    const beforeCorrection = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const c = await store.appendToStream(
      'mandate-binuh',
      [{ type: 'FactCorrected', data: { correctsEventId: ext.eventId, fields: { until: '2021-10-16' }, reason: 'typo' }, metadata: { actor: 'test' } }],
      { expectedVersion: 1 },
    );
    await runner.waitFor(c.checkpoint);
    expect((await mandates.get('binuh', { asOf: '2021-01-01' }))?.expiresOn).toBe('2021-10-16');
    expect((await mandates.get('binuh', { asOf: '2021-01-01', knownAt: beforeCorrection }))?.expiresOn).toBe('2021-10-15');
    expect((await mandates.upcoming({ asOf: '2021-10-01', within: 30 })).items.map((i) => [i.mandate.id, i.expiresOn])).toEqual([['binuh', '2021-10-16']]);
  });

  it('meetings, decisions and agenda items', async () => {
    await record('MeetingHeld', {
      meetingId: 's-pv-8703',
      symbol: 'S/PV.8703',
      date: '2020-01-15',
      agendaItem: 'situation-in-mali',
      agendaItemNames: { en: 'The situation in Mali', zh: '马里局势' },
      format: 'briefing',
      subItem: 'Report of the Secretary-General on the situation in Mali (S/2019/983)',
      documents: ['S/2019/983'],
      rule37: ['Mali'],
      rule39: ['Under-Secretary-General for Peace Operations'],
    });
    await record('DecisionAdopted', { symbol: 'S/RES/2531 (2020)', kind: 'resolution', adoptedOn: '2020-06-29', vote: { for: 15, against: 0, abstaining: 0 }, chapterVII: true, agendaItem: 'situation-in-mali' });
    const meetings = await new MeetingQueries(prisma).list({ agendaItem: 'situation-in-mali', limit: 10 });
    expect(meetings.items).toEqual([expect.objectContaining({ id: 's-pv-8703', date: '2020-01-15', documents: ['S/2019/983'], rule37: ['Mali'] })]);
    const decisions = await new DecisionQueries(prisma).list({ from: '2020-06-01', to: '2020-06-30', limit: 10 });
    expect(decisions.items).toEqual([expect.objectContaining({ symbol: 'S/RES/2531 (2020)', chapterVII: true, vote: { for: 15, against: 0, abstaining: 0 } })]);
    const items = await new AgendaItemQueries(prisma).list({ limit: 10 });
    expect(items.items).toEqual([{ id: 'situation-in-mali', names: { en: 'The situation in Mali', zh: '马里局势' }, meetings: 1, decisions: 1, mandates: 1 }]);
  });

  it("upcoming's JSON text (written by PostgreSQL, the API's answer) is upcoming's items, field for field and in order", async () => {
    await record('MandateEstablished', {
      mandateId: 'panel-x',
      names: { en: 'Panel "X" of\nExperts \\ à l’ONU', fr: 'Groupe d’experts', zh: '专家小组' },
      type: 'sanctions_measures',
      expiresOn: '2021-06-20',
    });
    await record('MandateEstablished', { mandateId: 'office-y', acronym: 'OY', names: { en: 'Office Y' }, type: 'peace_operation', agendaItem: 'situation-in-mali', establishedOn: '2019-01-01', expiresOn: '2021-06-25', establishedBy: 'S/RES/2400 (2019)' });
    await record('MandateTerminated', { mandateId: 'office-y', on: '2021-06-10', decision: 'S/RES/2580 (2021)', adoptedOn: '2021-05-01' });
    const queries = [
      { asOf: '2021-06-01', within: 60 },
      { asOf: '2021-06-01', within: 60, type: 'sanctions_measures' },
      { asOf: '2021-06-01', within: 60, agendaItem: 'situation-in-mali' },
      { asOf: '2021-06-01', within: 0 },
      { asOf: '2020-06-01', within: 30 },
      { asOf: '1990-01-01', within: 10 },
    ];
    for (const q of queries) {
      const rows = await mandates.upcoming(q);
      const text = await mandates.upcomingJson(q);
      // Same values and the same key order (JSON.stringify follows it): the API's answer looks as before.
      expect(JSON.stringify(JSON.parse(text.itemsJson)), JSON.stringify(q)).toBe(JSON.stringify(rows.items));
      expect(text.version).toBe(await mandates.upcomingVersion());
    }
    expect(JSON.parse((await mandates.upcomingJson(queries[0])).itemsJson).length).toBeGreaterThan(1);
  });

  it('a rebuild from the start gives the same read models', async () => {
    const before = await snapshotReadModels(pool);
    await runner.rebuild();
    expect(await snapshotReadModels(pool)).toEqual(before);
  });
});
