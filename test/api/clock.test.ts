import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support.js';

describe('clock endpoints with CLOCK_CONTROL disabled (the default)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi('clockoff');
  });
  afterAll(async () => t?.close());

  it('shows real time, not controllable', async () => {
    const before = Date.now();
    const r = await t.request('GET', '/api/clock');
    expect(r.status).toBe(200);
    expect(r.json.controlled).toBe(false);
    expect(r.json.realTime).toBe(true);
    expect(Date.parse(r.json.now)).toBeGreaterThanOrEqual(before - 1000);
    expect((await t.request('GET', '/api/clock', { key: null })).status).toBe(401);
  });

  it('refuses PUT with 403 CLOCK_CONTROL_DISABLED, even for an admin', async () => {
    const r = await t.request('PUT', '/api/clock', { body: { now: '2030-01-01T00:00:00Z' } });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('CLOCK_CONTROL_DISABLED');
    expect((await t.request('GET', '/api/clock')).json.realTime).toBe(true);
  });
});

describe('clock endpoints with CLOCK_CONTROL=enabled and CLOCK_START', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi('clockon', { CLOCK_CONTROL: 'enabled', CLOCK_START: '2021-06-01T00:00:00Z' });
  });
  afterAll(async () => t?.close());

  it('starts at CLOCK_START', async () => {
    const r = await t.request('GET', '/api/clock');
    expect(r.json).toMatchObject({ controlled: true, realTime: false });
    expect(r.json.now.slice(0, 10)).toBe('2021-06-01');
  });

  it('lets an admin move it (and only an admin)', async () => {
    const viewer = (await t.request('POST', '/api/keys', { body: { name: 'v', role: 'editor' } })).json.key;
    expect((await t.request('PUT', '/api/clock', { key: viewer, body: { now: '2030-01-01T00:00:00Z' } })).status).toBe(403);

    const r = await t.request('PUT', '/api/clock', { body: { now: '2021-06-29T09:00:00+02:00' } });
    expect(r.status).toBe(200);
    expect(r.json.now.slice(0, 16)).toBe('2021-06-29T07:00');
    expect((await t.request('GET', '/api/clock')).json.now.slice(0, 16)).toBe('2021-06-29T07:00');
  });

  it('drives the default asOf of reads', async () => {
    await t.request('PUT', '/api/clock', { body: { now: '2021-06-29T09:00:00Z' } });
    await t.request('POST', '/api/mandates', {
      body: { id: 'minusma', acronym: 'MINUSMA', names: { en: 'Mission in Mali' }, type: 'peace_operation', establishedOn: '2013-04-25', expiresOn: '2021-06-30' },
    });
    const upcoming = await t.request('GET', '/api/mandates/upcoming?within=30');
    expect(upcoming.json.items).toEqual([expect.objectContaining({ expiresOn: '2021-06-30', daysLeft: 1 })]);
  });

  it('validates the new time, and returns to real time with null', async () => {
    const bad = await t.request('PUT', '/api/clock', { body: { now: 'tomorrow' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details).toEqual([{ path: 'now', message: 'must be an ISO 8601 instant, e.g. 2021-06-01T09:00:00Z' }]);
    const back = await t.request('PUT', '/api/clock', { body: { now: null } });
    expect(back.json.realTime).toBe(true);
    expect(Math.abs(Date.parse(back.json.now) - Date.now())).toBeLessThan(60_000);
  });
});
