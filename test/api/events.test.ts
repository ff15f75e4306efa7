import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support.js';

const established = (id: string) => ({
  type: 'MandateEstablished',
  data: { mandateId: id, acronym: id.toUpperCase(), names: { en: `Mission ${id}` }, type: 'peace_operation', establishedOn: '2020-01-01', expiresOn: '2020-12-31' },
});

describe('event log endpoints', () => {
  let t: TestApi;
  let editorKey: string;
  let editorId: string;
  let viewerKey: string;

  beforeAll(async () => {
    // The business clock is pinned (noon) so that "today" is known and no test runs across midnight.
    t = await startTestApi('events', { CLOCK_START: '2026-03-01T12:00:00Z' });
    ({ key: editorKey, id: editorId } = (await t.request('POST', '/api/keys', { body: { name: 'editor', role: 'editor' } })).json);
    viewerKey = (await t.request('POST', '/api/keys', { body: { name: 'viewer', role: 'viewer' } })).json.key;
  });
  afterAll(async () => t?.close());

  it('appends (201), and a re-send of the same event ids returns the original result (200) without appending twice', async () => {
    const id = randomUUID();
    const body = { expectedVersion: 'no_stream', events: [{ id, ...established('alpha'), metadata: { actor: 'someone-else', note: 'kept' } }] };
    const first = await t.request('POST', '/api/streams/mandate-alpha/events', { key: editorKey, body });
    expect(first.status).toBe(201);
    expect(first.json).toEqual({ streamId: 'mandate-alpha', version: 1, positions: [expect.any(Number)] });
    const again = await t.request('POST', '/api/streams/mandate-alpha/events', { key: editorKey, body });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);

    const stream = await t.request('GET', '/api/streams/mandate-alpha', { key: viewerKey });
    expect(stream.json.version).toBe(1);
    expect(stream.json.items).toHaveLength(1);
    const [event] = stream.json.items;
    expect(event).toMatchObject({ id, streamId: 'mandate-alpha', version: 1, type: 'MandateEstablished', schemaVersion: 1, occurredOn: '2020-01-01' });
    // The actor is the authenticated key, whatever the client claimed.
    expect(event.metadata).toMatchObject({ actor: editorId, note: 'kept' });
    expect(event.data.aliases).toEqual([]); // defaults of the schema applied
  });

  it('refuses a wrong expected version with 409', async () => {
    const r = await t.request('POST', '/api/streams/mandate-alpha/events', {
      key: editorKey,
      body: { expectedVersion: 0, events: [{ type: 'MandateExtended', data: { mandateId: 'alpha', until: '2021-12-31', decision: 'S/RES/2600 (2020)' } }] },
    });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('WRONG_EXPECTED_VERSION');
    const ok = await t.request('POST', '/api/streams/mandate-alpha/events', {
      key: editorKey,
      body: { expectedVersion: 1, events: [{ type: 'MandateExtended', data: { mandateId: 'alpha', until: '2021-12-31', decision: 'resolution 2600 (2020)' } }] },
    });
    expect(ok.status).toBe(201);
    expect(ok.json.version).toBe(2);
    // Read your writes: the projection has it when the append returns.
    const upcoming = await t.request('GET', '/api/mandates/upcoming?asOf=2021-06-01&within=36500', { key: viewerKey });
    expect(upcoming.json.items.map((i: { mandate: { id: string } }) => i.mandate.id)).toEqual([]); // the 2020 expiry was past then
    // Without adoptedOn the extension takes the business clock's date when it was recorded:
    const today = '2026-03-01';
    const now = await t.request('GET', '/api/mandates/alpha', { key: viewerKey });
    expect(now.json).toMatchObject({ asOf: today, expiresOn: '2021-12-31', lastDecision: { symbol: 'S/RES/2600 (2020)', adoptedOn: today } });
    const before = await t.request('GET', '/api/mandates/alpha?asOf=2021-06-01', { key: viewerKey });
    expect(before.json).toMatchObject({ expiresOn: '2020-12-31', lastDecision: null });
  });

  it('refuses unknown types and invalid data with 400, naming each problem', async () => {
    const r = await t.request('POST', '/api/streams/mandate-beta/events', {
      key: editorKey,
      body: {
        expectedVersion: 'any',
        events: [
          { type: 'MandateRenamed', data: {} },
          { type: 'MandateExtended', data: { mandateId: 'beta', until: 'soon', decision: 'S/RES/1 (1946)' } },
        ],
      },
    });
    expect(r.status).toBe(400);
    expect(r.json.error.details).toEqual([
      { path: 'events.0.type', message: expect.stringContaining('unknown event type "MandateRenamed"') },
      { path: 'events.1.data.until', message: 'must be a date YYYY-MM-DD' },
    ]);
    const noEvents = await t.request('POST', '/api/streams/mandate-beta/events', { key: editorKey, body: { expectedVersion: 'any', events: [] } });
    expect(noEvents.status).toBe(400);
    const badStream = await t.request('POST', '/api/streams/Mandate_Beta/events', { key: editorKey, body: { expectedVersion: 'any', events: [established('beta')] } });
    expect(badStream.status).toBe(400);
    expect(badStream.json.error.details[0].path).toBe('streamId');
  });

  it('refuses a fact in a stream it does not belong to (422)', async () => {
    const r = await t.request('POST', '/api/streams/mandate-gamma/events', { key: editorKey, body: { expectedVersion: 'any', events: [established('delta')] } });
    expect(r.status).toBe(422);
    expect(r.json.error).toMatchObject({ code: 'WRONG_STREAM', details: [{ path: 'events.0', message: expect.stringContaining('mandate-delta') }] });
  });

  it('accepts corrections of an event in its stream', async () => {
    const { items } = (await t.request('GET', '/api/streams/mandate-alpha')).json;
    const correction = { type: 'FactCorrected', data: { correctsEventId: items[1].id, fields: { until: '2022-01-31' }, reason: 'typo' } };
    expect((await t.request('POST', '/api/streams/mandate-zeta/events', { key: editorKey, body: { expectedVersion: 'any', events: [correction] } })).status).toBe(422);
    const r = await t.request('POST', '/api/streams/mandate-alpha/events', { key: editorKey, body: { expectedVersion: 'any', events: [correction] } });
    expect(r.status).toBe(201);
    expect((await t.request('GET', '/api/mandates/alpha')).json.expiresOn).toBe('2022-01-31');
  });

  it('needs the editor role to append', async () => {
    const r = await t.request('POST', '/api/streams/mandate-eta/events', { key: viewerKey, body: { expectedVersion: 'any', events: [established('eta')] } });
    expect(r.status).toBe(403);
  });

  it('reads the global log in order, page by page, filtered by type or stream', async () => {
    for (const id of ['p1', 'p2', 'p3']) {
      await t.request('POST', `/api/streams/mandate-${id}/events`, { key: editorKey, body: { expectedVersion: 'no_stream', events: [established(id)] } });
    }
    const all: { position: number; streamId: string; type: string }[] = [];
    let cursor: string | null = null;
    do {
      const r = await t.request('GET', `/api/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: viewerKey });
      expect(r.status).toBe(200);
      expect(r.json.items.length).toBeLessThanOrEqual(2);
      all.push(...r.json.items);
      cursor = r.json.next;
    } while (cursor);
    expect(all.map((e) => e.streamId)).toEqual(['mandate-alpha', 'mandate-alpha', 'mandate-alpha', 'mandate-p1', 'mandate-p2', 'mandate-p3']);
    expect([...all.map((e) => e.position)].sort((a, b) => a - b)).toEqual(all.map((e) => e.position));

    const extended = await t.request('GET', '/api/events?type=MandateExtended,FactCorrected', { key: viewerKey });
    expect(extended.json.items.map((e: { type: string }) => e.type)).toEqual(['MandateExtended', 'FactCorrected']);
    const one = await t.request('GET', '/api/events?streamId=mandate-p2', { key: viewerKey });
    expect(one.json.items.map((e: { streamId: string }) => e.streamId)).toEqual(['mandate-p2']);

    // Following the log: the tail cursor of the last page sees later events.
    const last = await t.request('GET', '/api/events?limit=500', { key: viewerKey });
    await t.request('POST', '/api/streams/mandate-p4/events', { key: editorKey, body: { expectedVersion: 'no_stream', events: [established('p4')] } });
    const later = await t.request('GET', `/api/events?cursor=${last.json.tail}`, { key: viewerKey });
    expect(later.json.items.map((e: { streamId: string }) => e.streamId)).toEqual(['mandate-p4']);
  });

  it('filters the global log by date (from/to, inclusive: occurredOn, else the UTC date recorded), page by page', async () => {
    for (const date of ['2019-01-10', '2019-02-01', '2019-02-28', '2019-03-01']) {
      const r = await t.request('POST', '/api/meetings', { key: editorKey, body: { symbol: `S/PV.${8400 + Number(date.slice(5, 7)) * 31 + Number(date.slice(8))}`, date, agendaItem: 'situation-in-mali' } });
      expect(r.status).toBe(201);
    }
    const feb: { type: string; occurredOn: string }[] = [];
    let cursor: string | null = null;
    do {
      const r = await t.request('GET', `/api/events?from=2019-02-01&to=2019-02-28&limit=1${cursor ? `&cursor=${cursor}` : ''}`, { key: viewerKey });
      expect(r.status).toBe(200);
      feb.push(...r.json.items);
      cursor = r.json.next;
    } while (cursor);
    expect(feb.map((e) => [e.type, e.occurredOn])).toEqual([
      ['MeetingHeld', '2019-02-01'],
      ['MeetingHeld', '2019-02-28'],
    ]);
    // Every event is filed under exactly one date: the filtered log is the whole log cut by that date.
    const all = (await t.request('GET', '/api/events?limit=500', { key: viewerKey })).json.items as { id: string; type: string; occurredOn?: string | null; recordedAt: string }[];
    const filedOn = (e: (typeof all)[number]) => e.occurredOn ?? e.recordedAt.slice(0, 10);
    const ids = async (query: string) => ((await t.request('GET', `/api/events?limit=500&${query}`, { key: viewerKey })).json.items as typeof all).map((e) => e.id);
    const types = ['MeetingHeld', 'MandateEstablished'];
    expect(await ids(`from=2019-03-01&type=${types.join(',')}`)).toEqual(all.filter((e) => filedOn(e) >= '2019-03-01' && types.includes(e.type)).map((e) => e.id));
    const today = new Date().toISOString().slice(0, 10);
    expect(await ids(`to=${today}`)).toEqual(all.filter((e) => filedOn(e) <= today).map((e) => e.id));
    expect(await ids('from=2019-01-11&to=2019-01-31')).toEqual([]);
    const bad = await t.request('GET', '/api/events?from=1%20March', { key: viewerKey });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].path).toBe('from');
  });

  it('reads one stream page by page, 404 for none', async () => {
    const page1 = await t.request('GET', '/api/streams/mandate-alpha?limit=2');
    expect(page1.json.items.map((e: { version: number }) => e.version)).toEqual([1, 2]);
    const page2 = await t.request('GET', `/api/streams/mandate-alpha?limit=2&cursor=${page1.json.next}`);
    expect(page2.json).toMatchObject({ version: 3, next: null });
    expect(page2.json.items.map((e: { version: number }) => e.version)).toEqual([3]);
    expect((await t.request('GET', '/api/streams/mandate-nothing')).status).toBe(404);
  });
});
