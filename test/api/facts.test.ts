import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support.js';

const minusma = {
  id: 'minusma',
  acronym: 'MINUSMA',
  names: { en: 'United Nations Multidimensional Integrated Stabilization Mission in Mali', zh: '联合国马里多层面综合稳定团' },
  aliases: ['马里稳定团'],
  type: 'peace_operation',
  agendaItem: 'situation-in-mali',
  establishedOn: '2013-04-25',
  expiresOn: '2014-06-30',
  establishedBy: 'resolution 2100 (2013)',
};

describe('fact endpoints', () => {
  let t: TestApi;
  let editor: string;
  let editorId: string;

  beforeAll(async () => {
    // A pinned business clock: "today" is 2021-06-01 for every default asOf.
    t = await startTestApi('facts', { CLOCK_START: '2021-06-01T12:00:00Z' });
    ({ key: editor, id: editorId } = (await t.request('POST', '/api/keys', { body: { name: 'editor', role: 'editor' } })).json);
  });
  afterAll(async () => t?.close());

  it('establishes a mandate (201, symbols normalised), 409 when it exists', async () => {
    const r = await t.request('POST', '/api/mandates', { key: editor, body: minusma });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ id: 'minusma', acronym: 'MINUSMA', establishedBy: 'S/RES/2100 (2013)', expiresOn: '2014-06-30', status: 'expired', asOf: '2021-06-01' });
    const again = await t.request('POST', '/api/mandates', { key: editor, body: minusma });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('ALREADY_EXISTS');
    const other = await t.request('POST', '/api/mandates', { key: editor, body: { ...minusma, acronym: 'X' } });
    expect(other.status).toBe(409);
    const stream = await t.request('GET', '/api/streams/mandate-minusma');
    expect(stream.json.items).toHaveLength(1);
    expect(stream.json.items[0].metadata.actor).toBe(editorId);
  });

  it('records extensions, visible at once, with history and as-of views', async () => {
    const r = await t.request('POST', '/api/mandates/minusma/extensions', {
      key: editor,
      body: { until: '2020-06-30', decision: 'S/RES/2480(2019)', adoptedOn: '2019-06-28' },
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ expiresOn: '2020-06-30', lastDecision: { symbol: 'S/RES/2480 (2019)', adoptedOn: '2019-06-28' } });
    await t.request('POST', '/api/mandates/minusma/extensions', { key: editor, body: { until: '2021-06-30', decision: 'S/RES/2531 (2020)', adoptedOn: '2020-06-29' } });

    const upcoming = await t.request('GET', '/api/mandates/upcoming?within=60');
    expect(upcoming.json.items).toEqual([
      {
        mandate: expect.objectContaining({ id: 'minusma', acronym: 'MINUSMA', type: 'peace_operation' }),
        expiresOn: '2021-06-30',
        daysLeft: 29,
        lastDecision: { symbol: 'S/RES/2531 (2020)', adoptedOn: '2020-06-29' },
      },
    ]);
    const asOf2020 = await t.request('GET', '/api/mandates/minusma?asOf=2020-01-15');
    expect(asOf2020.json.expiresOn).toBe('2020-06-30');
    expect(asOf2020.json.history.map((h: { until: string; decision: string }) => [h.until, h.decision])).toEqual([
      ['2014-06-30', 'S/RES/2100 (2013)'],
      ['2020-06-30', 'S/RES/2480 (2019)'],
    ]);
    const knownBefore = await t.request('GET', `/api/mandates/minusma?knownAt=${encodeURIComponent('2000-01-01T00:00:00Z')}`);
    expect(knownBefore.json.expiresOn).toBeNull();
  });

  it('re-sending the same extension changes nothing (200); the same decision with another date is a 409', async () => {
    const same = await t.request('POST', '/api/mandates/minusma/extensions', { key: editor, body: { until: '2021-06-30', decision: 'S/RES/2531 (2020)', adoptedOn: '2020-06-29' } });
    expect(same.status).toBe(200);
    const changed = await t.request('POST', '/api/mandates/minusma/extensions', { key: editor, body: { until: '2021-07-31', decision: 'S/RES/2531 (2020)', adoptedOn: '2020-06-29' } });
    expect(changed.status).toBe(409);
    expect(changed.json.error).toMatchObject({ code: 'FACT_CONFLICT', details: [{ path: 'until' }] });
    expect((await t.request('GET', '/api/streams/mandate-minusma')).json.version).toBe(3);
  });

  it('404 for facts about an unknown mandate', async () => {
    const r = await t.request('POST', '/api/mandates/nothing/extensions', { key: editor, body: { until: '2021-06-30', decision: 'S/RES/2531 (2020)' } });
    expect(r.status).toBe(404);
    expect((await t.request('GET', '/api/mandates/nothing')).status).toBe(404);
  });

  it('records a termination', async () => {
    await t.request('POST', '/api/mandates', { key: editor, body: { id: 'unamid', acronym: 'UNAMID', names: { en: 'AU-UN Hybrid Operation in Darfur' }, type: 'peace_operation', expiresOn: '2020-12-31' } });
    const r = await t.request('POST', '/api/mandates/unamid/termination', { key: editor, body: { on: '2020-12-31', decision: 'S/RES/2559 (2020)', adoptedOn: '2020-12-22' } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ status: 'terminated', terminatedOn: '2020-12-31' });
    const terminated = await t.request('GET', '/api/mandates?status=terminated');
    expect(terminated.json.items.map((m: { id: string }) => m.id)).toEqual(['unamid']);
  });

  it('finds mandates by acronym or name in any language', async () => {
    for (const q of ['MINUSMA', '马里稳定团', 'Multidimensional Integrated Stabilization Mission in Mali', 'minusma']) {
      const r = await t.request('GET', `/api/mandates?q=${encodeURIComponent(q)}`);
      expect(r.json.items.map((m: { id: string }) => m.id), q).toEqual(['minusma']);
    }
    const all = await t.request('GET', '/api/mandates?limit=1');
    expect(all.json.items).toHaveLength(1);
    expect((await t.request('GET', `/api/mandates?limit=1&cursor=${all.json.next}`)).json.items[0].id).not.toBe(all.json.items[0].id);
  });

  it('records meetings and decisions, lists them by agenda item and dates', async () => {
    const meeting = await t.request('POST', '/api/meetings', {
      key: editor,
      body: { symbol: 'S/PV.8703', date: '2020-01-15', agendaItem: 'situation-in-mali', format: 'briefing', speakers: ['Mali'] },
    });
    expect(meeting.status).toBe(201);
    expect(meeting.json).toMatchObject({ id: 's-pv-8703', symbol: 'S/PV.8703', streamId: 'meeting-s-pv-8703' });
    expect((await t.request('POST', '/api/meetings', { key: editor, body: { symbol: 'S/PV.8703', date: '2020-01-15', agendaItem: 'situation-in-mali', format: 'briefing', speakers: ['Mali'] } })).status).toBe(200);

    const decision = await t.request('POST', '/api/decisions', {
      key: editor,
      body: { symbol: 'S/RES/2531(2020)', kind: 'resolution', adoptedOn: '2020-06-29', vote: { for: 15, against: 0, abstaining: 0 }, chapterVII: true, agendaItem: 'situation-in-mali' },
    });
    expect(decision.status).toBe(201);
    expect(decision.json.symbol).toBe('S/RES/2531 (2020)');

    const meetings = await t.request('GET', '/api/meetings?agendaItem=situation-in-mali&from=2020-01-01&to=2020-12-31');
    expect(meetings.json.items.map((m: { id: string }) => m.id)).toEqual(['s-pv-8703']);
    expect((await t.request('GET', '/api/meetings?from=2020-02-01')).json.items).toEqual([]);
    const decisions = await t.request('GET', '/api/decisions?agendaItem=situation-in-mali');
    expect(decisions.json.items).toEqual([expect.objectContaining({ symbol: 'S/RES/2531 (2020)', chapterVII: true, vote: { for: 15, against: 0, abstaining: 0 } })]);
    const agenda = await t.request('GET', '/api/agenda-items');
    expect(agenda.json.items).toEqual([expect.objectContaining({ id: 'situation-in-mali', meetings: 1, decisions: 1, mandates: 1 })]);
  });

  it('validates fact bodies with the domain schemas (400) and needs the editor role', async () => {
    const r = await t.request('POST', '/api/decisions', { key: editor, body: { symbol: 'not a symbol', kind: 'law', adoptedOn: '2020-13-01' } });
    expect(r.status).toBe(400);
    expect(r.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['adoptedOn', 'kind', 'symbol']);
    const viewer = (await t.request('POST', '/api/keys', { body: { name: 'v', role: 'viewer' } })).json.key;
    expect((await t.request('POST', '/api/meetings', { key: viewer, body: {} })).status).toBe(403);
    expect((await t.request('GET', '/api/mandates', { key: viewer })).status).toBe(200);
    expect((await t.request('GET', '/api/mandates/upcoming?within=-1')).status).toBe(400);
    expect((await t.request('GET', '/api/mandates/minusma?knownAt=yesterday')).status).toBe(400);
  });
});
