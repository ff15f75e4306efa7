import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support.js';

const SEED = 'libs/importers/samples/repertoire-2020-mali-haiti.zh.txt';
const PRESS_2531 = 'libs/importers/test-fixtures/press-releases/sc14235-minusma-2531.txt';
const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

describe('imports over HTTP', () => {
  let t: TestApi;
  let editor: string;
  let editorId: string;

  beforeAll(async () => {
    t = await startTestApi('imports', { CLOCK_START: '2020-09-01T12:00:00Z' });
    ({ key: editor, id: editorId } = (await t.request('POST', '/api/keys', { body: { name: 'importer', role: 'editor' } })).json);
  });
  afterAll(async () => t?.close());

  it('a dry run shows the facts with their source spans and appends nothing (200)', async () => {
    const seed = await readFile(SEED, 'utf8');
    const r = await t.request('POST', '/api/imports?dryRun=true', { key: editor, rawBody: seed, headers: TEXT });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ format: 'repertoire', dryRun: true, appended: 0 });
    expect(r.json.checkpoint).toBeUndefined();
    const fact = r.json.facts.find((f: { kind: string }) => f.kind === 'mandate_extended');
    expect(seed.slice(fact.source.start, fact.source.end)).toBe(fact.source.quote);
    expect((await t.request('GET', '/api/events')).json.items).toEqual([]);
  });

  it('imports (201) with provenance, readable at once; the same facts from another document append nothing', async () => {
    const seed = await readFile(SEED, 'utf8');
    const r = await t.request('POST', '/api/imports', { key: editor, rawBody: seed, headers: TEXT });
    expect(r.status).toBe(201);
    expect(r.json.appended).toBeGreaterThan(20);
    const minusma = await t.request('GET', '/api/mandates/minusma');
    expect(minusma.json.expiresOn).toBe('2021-06-30');
    const stream = await t.request('GET', '/api/streams/mandate-minusma');
    const extended = stream.json.items.find((e: { type: string }) => e.type === 'MandateExtended');
    expect(extended.metadata).toMatchObject({ actor: editorId, source: { importId: r.json.id, format: 'repertoire' } });

    const press = await readFile(PRESS_2531);
    const multipart = new FormData();
    multipart.append('file', new Blob([press], { type: 'text/plain; charset=utf-8' }), 'sc14235.txt');
    const again = await fetch(`${t.base}/api/imports`, { method: 'POST', headers: { authorization: `Bearer ${editor}` }, body: multipart });
    expect(again.status).toBe(201);
    const body = (await again.json()) as { id: string; format: string; events: { type: string; status: string }[] };
    expect(body.format).toBe('press-release');
    expect(body.events.find((e) => e.type === 'MandateExtended')?.status).toBe('duplicate');

    const one = await t.request('GET', `/api/imports/${r.json.id}`);
    expect(one.json).toMatchObject({ id: r.json.id, text: seed, appended: r.json.appended });
    const list = await t.request('GET', '/api/imports?limit=2');
    expect(list.json.items.map((i: { id: string }) => i.id)).toEqual([body.id, r.json.id]);
    expect(list.json.next).not.toBeNull();
    const rest = await t.request('GET', `/api/imports?limit=2&cursor=${list.json.next}`);
    expect(rest.json.items).toHaveLength(1); // the dry run
  });

  it('refuses what it cannot read', async () => {
    expect((await t.request('POST', '/api/imports', { key: editor, rawBody: '', headers: TEXT })).json.error.code).toBe('EMPTY');
    const notPdf = await t.request('POST', '/api/imports', { key: editor, rawBody: 'plain words', headers: { 'content-type': 'application/pdf' } });
    expect(notPdf.status).toBe(422);
    expect(notPdf.json.error.code).toBe('NOT_PDF');
    const json = await t.request('POST', '/api/imports', { key: editor, body: { text: 'x' } });
    expect(json.status).toBe(415);
    const big = await t.request('POST', '/api/imports', { key: editor, rawBody: 'x'.repeat(10 * 1024 * 1024 + 1), headers: TEXT });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    const badQuery = await t.request('POST', '/api/imports?dryRun=maybe&format=word', { key: editor, rawBody: 'x', headers: TEXT });
    expect(badQuery.status).toBe(400);
    expect(badQuery.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['dryRun', 'format']);
    const viewer = (await t.request('POST', '/api/keys', { body: { name: 'v', role: 'viewer' } })).json.key;
    expect((await t.request('POST', '/api/imports', { key: viewer, rawBody: 'x', headers: TEXT })).status).toBe(403);
    expect((await t.request('GET', '/api/imports/not-a-uuid')).status).toBe(404);
  });
});
