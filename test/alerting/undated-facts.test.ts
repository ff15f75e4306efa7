import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_KINDS, type AlertKind } from '#libs/domain';
import { ImportService } from '#libs/imports';
import { ProjectionRunner, allProjectors } from '#libs/projections';
import { waitFor } from './support.js';
import { AlertWorld } from './world.js';

const PRESS = 'libs/importers/test-fixtures/press-releases';
const UNSMIL = path.join(PRESS, 'sc14651-unsmil-2599.txt'); // no dateline: "The Security Council today extended…"

const everything = { scope: { all: true }, leadDays: [30, 7], timezone: 'UTC', notify: [...ALERT_KINDS] as AlertKind[], digest: null, status: 'active' as const, ownerKeyId: null };

function importer(world: AlertWorld): ImportService {
  const runner = new ProjectionRunner(world.pool, world.store, allProjectors(world.store));
  // The business clock dates facts that give no date of their own (the contract's rule).
  return new ImportService(world.pool, world.store, world.clock, { afterAppend: async (cp) => void (await runner.waitFor(cp)) });
}

/**
 * A fact whose adoption date the document does not give takes the recording date. Alerting must
 * not read that as "adopted today": no mandate_extended notice for it, whatever the clock says.
 */
describe('undated facts never cause a notice', () => {
  describe('every English press release imported with a real (2026) clock', () => {
    const world = new AlertWorld('undated-real', null);
    beforeAll(() => world.start(1));
    afterAll(() => world.stop());

    it('plans nothing and sends nothing (two of them are undated and get the 2026 recording date)', async () => {
      const hook = await world.subscriptions.create({ ...everything, channel: 'webhook', url: world.receiver.url });
      world.receiver.secret = hook.secret;
      await world.subscriptions.create({ ...everything, channel: 'email', address: 'desk@example.org' });
      const imports = importer(world);
      const files = (await readdir(PRESS)).filter((f) => f.endsWith('.txt')).sort();
      expect(files.length).toBeGreaterThan(10);
      for (const f of files) await imports.run({ body: await readFile(path.join(PRESS, f), 'utf8'), dryRun: false, actor: 'test' });
      // The undated ones really are in the timeline with the recording date.
      const { rows: undated } = await world.pool.query<{ mandate_id: string; effective_on: string }>(
        `SELECT mandate_id, to_char(effective_on, 'YYYY-MM-DD') AS effective_on FROM mandate_timeline WHERE NOT date_known ORDER BY mandate_id`,
      );
      expect(undated.map((r) => r.mandate_id)).toEqual(expect.arrayContaining(['unsmil']));
      expect(undated.every((r) => r.effective_on >= '2026-01-01')).toBe(true);

      await world.settled();
      expect(await world.rows()).toEqual([]);
      expect(world.smtp.received).toEqual([]);
      expect(world.receiver.received).toEqual([]);
    });
  });

  /** UNSMIL (2599 (2021), adopted 30 September 2021) imported on 1 October 2021, with or without its dateline. */
  const scenario = (label: string) => {
    const world = new AlertWorld(label, new Date('2021-10-01T10:00:00Z'));
    let subId = '';
    beforeAll(async () => {
      await world.start(1);
      // 120 days ahead: the first reminder (3 October 2021) is within the planning horizon.
      const hook = await world.subscriptions.create({ ...everything, leadDays: [120, 30], channel: 'webhook', url: world.receiver.url });
      world.receiver.secret = hook.secret;
      subId = hook.subscription.id;
    });
    afterAll(() => world.stop());
    return { world, sub: () => subId };
  };

  describe('the undated release imported the day after the adoption (business clock 1 October 2021)', () => {
    const { world, sub } = scenario('undated-clock');

    it('no mandate.extended for it (it would say "adopted 1 October"); its expiry is still reminded', async () => {
      const outcome = await importer(world).run({ body: await readFile(UNSMIL, 'utf8'), dryRun: false, actor: 'test' });
      expect(JSON.stringify(outcome.warnings)).toContain('NO_ADOPTION_DATE');
      await waitFor('the reminder of 31 January 2022', async () => (await world.deliveries.forSubscription(sub())).some((d) => d.kind === 'expiry_reminder'));
      await world.settled();
      const rows = await world.deliveries.forSubscription(sub());
      expect(rows.map((d) => [d.kind, d.targetDate, d.leadDays, d.status])).toEqual([['expiry_reminder', '2022-01-31', 120, 'pending']]);
      expect(world.receiver.received).toEqual([]);
    });
  });

  describe('the same release with its dateline (30 September 2021), same clock', () => {
    const { world, sub } = scenario('dated-clock');

    it('gives the notice, with the adoption date the document states', async () => {
      const lines = (await readFile(UNSMIL, 'utf8')).split('\n');
      await importer(world).run({ body: [lines[0], lines[1], '30 SEPTEMBER 2021', ...lines.slice(2)].join('\n'), dryRun: false, actor: 'test' });
      const notice = await waitFor('mandate.extended', () => world.receiver.received.find((h) => h.body.type === 'mandate.extended'));
      expect(notice.verified).toBe(true);
      expect(notice.body.data).toMatchObject({ mandate: { id: 'unsmil', expiresOn: '2022-01-31' }, decision: { symbol: 'S/RES/2599 (2021)', adoptedOn: '2021-09-30' } });
      await world.settled();
      expect(world.receiver.received.map((h) => h.body.type)).toEqual(['mandate.extended']);
      expect((await world.deliveries.forSubscription(sub())).map((d) => d.kind).sort()).toEqual(['expiry_reminder', 'mandate_extended']);
    });
  });
});
