import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_KINDS, type AlertKind } from '#libs/domain';
import { ImportService } from '#libs/imports';
import { ProjectionRunner, allProjectors } from '#libs/projections';
import type { AlertingClock } from '#libs/alerting';
import { AlertWorld } from './world.js';

const SAMPLE = 'libs/importers/samples/repertoire-2020-mali-haiti.zh.txt';

/** Real time (November 2026): the business clock has never been moved. */
const realClock: AlertingClock = { now: () => new Date(), onChange: () => () => undefined };

describe('importing history with a real-time clock', () => {
  const world = new AlertWorld('history', null);

  beforeAll(async () => {
    await world.start(2);
  });
  afterAll(() => world.stop());

  it('sends nothing and plans nothing for dates already past', async () => {
    const all = { scope: { all: true }, leadDays: [90, 30, 7, 1], timezone: 'Europe/Paris', notify: [...ALERT_KINDS] as AlertKind[], digest: null, status: 'active' as const, ownerKeyId: null };
    const hook = await world.subscriptions.create({ ...all, channel: 'webhook', url: world.receiver.url });
    world.receiver.secret = hook.secret;
    await world.subscriptions.create({ ...all, channel: 'email', address: 'archive@example.org' });
    await world.subscriptions.create({ ...all, channel: 'email', address: 'weekly@example.org', digest: 'weekly' });

    const runner = new ProjectionRunner(world.pool, world.store, allProjectors(world.store));
    const imports = new ImportService(world.pool, world.store, realClock, { afterAppend: async (cp) => void (await runner.waitFor(cp)) });
    const outcome = await imports.run({ body: await readFile(SAMPLE, 'utf8'), dryRun: false, actor: 'test' });
    expect(outcome.appended).toBeGreaterThan(10);
    const { rows } = await world.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM mandate_timeline`);
    expect(rows[0].n).toBeGreaterThan(0);

    // The import waited for its projections; sweep in both workers now (their triggers would
    // do the same within a second) and let whatever is due go out — nothing may be.
    await world.settled();
    expect(await world.rows()).toEqual([]);
    expect(world.smtp.received).toEqual([]);
    expect(world.receiver.received).toEqual([]);
  });
});
