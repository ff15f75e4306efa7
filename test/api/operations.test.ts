import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support.js';

describe('operations: health, metrics, OpenAPI, console files', () => {
  let t: TestApi;
  let consoleDist: string;

  beforeAll(async () => {
    consoleDist = await mkdtemp(path.join(tmpdir(), 'mw-console-'));
    await mkdir(path.join(consoleDist, 'assets'));
    await writeFile(path.join(consoleDist, 'index.html'), '<!doctype html><title>Mandate Watch console</title>');
    await writeFile(path.join(consoleDist, 'assets', 'app-1234.js'), 'console.log("console")');
    t = await startTestApi('ops', {}, { consoleDist });
  });
  afterAll(async () => {
    await t?.close();
    await rm(consoleDist, { recursive: true, force: true });
  });

  it('health endpoints are public', async () => {
    expect((await t.request('GET', '/health', { key: null })).json).toEqual({ status: 'ok' });
    const ready = await t.request('GET', '/health/ready', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.json.status).toBe('ready');
  });

  it('exposes Prometheus metrics: defaults, request durations by route pattern, events, projection lag', async () => {
    const key = (await t.request('POST', '/api/keys', { body: { name: 'm', role: 'viewer' } })).json.id;
    await t.request('DELETE', `/api/keys/${key}`);
    await t.request('POST', '/api/mandates', { body: { id: 'unmiss', names: { en: 'Mission in South Sudan' }, type: 'peace_operation' } });
    const r = await t.request('GET', '/metrics', { key: null });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toContain('process_cpu_user_seconds_total');
    expect(r.text).toMatch(/http_request_duration_seconds_count\{route="\/api\/keys\/:id",method="DELETE",status="204"\} 1/);
    expect(r.text).toMatch(/http_request_duration_seconds_count\{route="\/api\/mandates",method="POST",status="201"\} 1/);
    expect(r.text).toMatch(/^mw_events_appended_total [1-9]/m);
    expect(r.text).toMatch(/^mw_projection_lag_events\{projection="slowest"\} 0$/m);
    // What holds the feed back (a long transaction anywhere in the cluster stalls every projection).
    expect(r.text).toMatch(/^mw_feed_hidden_events \d+$/m);
    expect(r.text).toMatch(/^mw_feed_horizon_holder_seconds [\d.e+-]+$/m);
  });

  it('publishes an OpenAPI 3.1 document listing every endpoint with its schemas', async () => {
    const r = await t.request('GET', '/api/openapi.json', { key: null });
    expect(r.status).toBe(200);
    const doc = r.json;
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(operations.sort()).toEqual(
      [
        'GET /api/me',
        'POST /api/keys',
        'GET /api/keys',
        'DELETE /api/keys/{id}',
        'GET /api/clock',
        'PUT /api/clock',
        'GET /api/events',
        'GET /api/streams/{streamId}',
        'POST /api/streams/{streamId}/events',
        'POST /api/meetings',
        'POST /api/decisions',
        'POST /api/mandates',
        'POST /api/mandates/{id}/extensions',
        'POST /api/mandates/{id}/termination',
        'GET /api/mandates',
        'GET /api/mandates/upcoming',
        'GET /api/mandates/{id}',
        'GET /api/meetings',
        'GET /api/decisions',
        'GET /api/agenda-items',
        'POST /api/imports',
        'GET /api/imports',
        'GET /api/imports/{id}',
        'POST /api/subscriptions',
        'GET /api/subscriptions',
        'GET /api/subscriptions/{id}',
        'PATCH /api/subscriptions/{id}',
        'DELETE /api/subscriptions/{id}',
        'POST /api/subscriptions/{id}/rotate-secret',
        'POST /api/subscriptions/{id}/test',
        'GET /api/deliveries',
        'POST /api/deliveries/{id}/retry',
        'GET /calendar/{token}.ics',
        'GET /health',
        'GET /health/ready',
        'GET /metrics',
      ].sort(),
    );
    const createKey = doc.paths['/api/keys'].post;
    expect(createKey.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string' }, role: { enum: ['viewer', 'editor', 'admin'] } },
      required: ['name', 'role'],
    });
    expect(doc.paths['/api/keys'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['limit', 'cursor']);
    for (const type of ['MeetingHeld', 'DecisionAdopted', 'MandateEstablished', 'MandateExtended', 'MandateTerminated', 'ReportRequested', 'FactCorrected']) {
      expect(doc.components.schemas[`${type}Data`]?.type, type).toBe('object');
    }
    const appendItems = doc.paths['/api/streams/{streamId}/events'].post.requestBody.content['application/json'].schema.properties.events.items;
    expect(appendItems.oneOf.map((o: { properties: { data: { $ref: string } } }) => o.properties.data.$ref)).toContain('#/components/schemas/MandateExtendedData');
    expect(doc.paths['/api/mandates'].post.responses.default.content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
    expect(doc.paths['/api/mandates'].post.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['id', 'names', 'type']));
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ui = await t.request('GET', '/api/docs', { key: null });
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
    const scripts = [...ui.text.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const src of scripts) {
      const asset = await t.request('GET', new URL(src, `${t.base}/api/docs/`).pathname, { key: null });
      expect(asset.status, src).toBe(200);
    }
  });

  it('serves the console with a single-page fallback, but never over server paths', async () => {
    const root = await t.request('GET', '/', { key: null });
    expect(root.status).toBe(200);
    expect(root.text).toContain('Mandate Watch console');
    const deep = await t.request('GET', '/mandates/minusma', { key: null });
    expect(deep.text).toContain('Mandate Watch console');
    const asset = await t.request('GET', '/assets/app-1234.js', { key: null });
    expect(asset.text).toBe('console.log("console")');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    for (const p of ['/api/nothing', '/health/nothing', '/metrics/x', '/calendar/abc.ics', '/unsubscribe/x', '/confirm/x']) {
      const r = await t.request('GET', p, { key: null });
      expect(r.status, p).toBe(404);
      expect(r.json?.error?.code, p).toBe('NOT_FOUND');
    }
    expect((await t.request('POST', '/somewhere', { key: null, body: {} })).status).toBe(404);
  });
});

describe('OpenAPI response schemas', () => {
  it('documents a success schema for every JSON operation', async () => {
    const t = await startTestApi('openapi');
    try {
      const doc = (await t.request('GET', '/api/openapi.json', { key: null })).json;
      const missing: string[] = [];
      for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>)) {
        for (const [method, op] of Object.entries(ops)) {
          const success = Object.entries(op.responses).find(([code]) => /^2/.test(code));
          // Non-JSON operations (the iCalendar feed) document their own media type instead.
          const documented = success && (success[0] === '204' || Object.values(success[1].content ?? {}).some((c) => c.schema));
          if (!documented && !['/health', '/health/ready', '/metrics'].includes(p)) missing.push(`${method.toUpperCase()} ${p}`);
        }
      }
      expect(missing).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
