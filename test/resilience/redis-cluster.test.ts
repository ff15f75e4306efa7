import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_QUEUE } from '#libs/alerting';
import { waitFor } from '../alerting/support.js';
import { startApiOn } from './support/api.js';
import { figures, tallyDeliveries } from './support/deliveries.js';
import { Deployment } from './support/deployment.js';
import { startOwnRedis, type OwnRedis } from './support/instances.js';
import { writeResult } from './support/results.js';

/**
 * Redis Cluster compatibility of the queues. The test's own `redis-server` runs in cluster mode
 * (one node holding all 16384 slots), so it refuses, as any Redis Cluster does, a command or Lua
 * script whose keys are in different hash slots (CROSSSLOT). BullMQ's scripts touch several keys
 * of a queue at once: with a plain prefix they are refused; with a hash-tagged `REDIS_PREFIX`
 * (`{mwc}`) every key of every queue is in one slot, and a worker process delivers end to end.
 */
const PREFIX = '{mwc}';
const MANDATES = 5;
let redis: OwnRedis;
let d: Deployment;

beforeAll(async () => {
  redis = await startOwnRedis('cluster', { cluster: true });
  d = new Deployment('rcluster', { url: redis.url, prefix: PREFIX, own: true });
  await d.start(MANDATES);
}, 120_000);
afterAll(async () => {
  await d?.stop();
  await redis?.destroy();
});

describe('Redis Cluster: queue prefix with a hash tag', () => {
  it('a plain prefix is refused by the cluster (CROSSSLOT); with REDIS_PREFIX={mwc} a worker process delivers every alert once, all keys in one slot', async () => {
    // The control: what a deployment with the default prefix would meet on a cluster.
    const plain = new Queue(DELIVERY_QUEUE, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: 'mw' });
    const refusal = await plain.add('deliver', { deliveryId: 'x' }, { delay: 60_000 }).then(
      () => 'accepted',
      (err: Error) => err.message,
    );
    await plain.close();
    expect(refusal).toMatch(/CROSSSLOT/);
    const cleaner = new Redis(redis.url);
    for (const k of await cleaner.keys('mw:*')) await cleaner.del(k); // what the refused queue wrote (one-key commands pass)
    cleaner.disconnect();

    const worker = d.startWorker();
    await waitFor('every alert to be sent', async () => (await d.counts()).sent === MANDATES * 2, 120_000).catch((err) => {
      throw new Error(`${(err as Error).message}\n${worker.raw().slice(-3000)}`);
    });
    // The API reads the queue depth under the same prefix.
    const api = await startApiOn({ label: 'rcluster', databaseUrl: d.db.url, redisUrl: redis.url, env: { REDIS_PREFIX: PREFIX } });
    const ready = await api.request('GET', '/health/ready', { key: null });
    const metrics = (await api.request('GET', '/metrics', { key: null })).text;
    await api.close();
    const code = await worker.kill('SIGTERM');

    const r = new Redis(redis.url);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await r.scan(cursor, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const slots = new Set(await Promise.all(keys.map(async (k) => Number(await r.call('CLUSTER', 'KEYSLOT', k)))));
    r.disconnect();
    const rows = (await d.pool.query<{ id: string }>(`SELECT id FROM deliveries`)).rows;
    const tally = tallyDeliveries(rows.map((x) => x.id), d);
    const workerErrors = worker.lines.filter((l) => Number(l.level) >= 50).map((l) => String(l.msg));
    await writeResult({
      id: 'scale-redis-cluster-prefix',
      scenario: 'Redis Cluster (one-node cluster, all slots): REDIS_PREFIX with a hash tag, worker process end to end',
      injected: `BullMQ with prefix "mw": ${refusal.slice(0, 60)}; then a worker process with REDIS_PREFIX=${PREFIX}`,
      ...figures(tally),
      unit: 'alerts delivered (email + webhook)',
      unexpected5xx: ready.status >= 500 ? 1 : 0,
      notes: { keys: keys.length, slots: [...slots], keysOutsidePrefix: keys.filter((k) => !k.startsWith(`${PREFIX}:`)), workerErrors, workerExitCode: code },
    });
    expect(tally).toMatchObject({ expected: MANDATES * 2, observed: MANDATES * 2, duplicates: 0, losses: 0, unexpected: [] });
    expect(workerErrors).toEqual([]);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => !k.startsWith(`${PREFIX}:`))).toEqual([]);
    expect(slots.size).toBe(1);
    expect(ready.status).toBe(200);
    expect(metrics).toMatch(/^mw_queue_jobs\{queue="mw-deliveries",state="waiting"\} \d+$/m);
    expect(metrics).toMatch(/^mw_queue_jobs\{queue="mw-alert-sweeps",state="delayed"\} [1-9]\d*$/m); // the sweep scheduler's next run
    expect(code).toBe(0);
  }, 300_000);
});
