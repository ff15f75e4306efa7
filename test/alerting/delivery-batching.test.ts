import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryOutcome, DeliveryProcessor } from '#libs/alerting';
import { AlertWorld } from './world.js';

/**
 * A worker process claims, and marks sent, the deliveries it handles at the same moment in shared
 * statements. Each must still be taken once: the same delivery handled twice at once (two jobs
 * for it) is sent once, each message carries its own subscription's current secrets, and a
 * subscription that is no longer active cancels its deliveries only.
 */
describe('deliveries handled together', () => {
  const world = new AlertWorld('batching', new Date('2021-05-31T09:00:00Z'));
  let processor: DeliveryProcessor;

  beforeAll(async () => {
    await world.start(0);
    processor = world.processor();
  });
  afterAll(() => world.stop());

  const hook = { channel: 'webhook' as const, url: '', scope: { all: true }, leadDays: [30], timezone: 'UTC', notify: [] as never, digest: null, status: 'active' as const, ownerKeyId: null };
  const pings = (subscriptionId: string, n: number) =>
    Promise.all(
      Array.from({ length: n }, async () =>
        (
          await world.deliveries.createOneOff(subscriptionId, 'subscription_test', world.clock.now(), (deliveryId) => ({
            type: 'subscription.test',
            timestamp: world.clock.now().toISOString(),
            data: { deliveryId, subscriptionId },
          }))
        ).id,
      ),
    );

  it('40 deliveries, each handled twice at once: each sent once, signed with the rotated secret; an inactive subscription cancels its own', async () => {
    const { subscription } = await world.subscriptions.create({ ...hook, url: world.receiver.url });
    // Rotated after creation: the old and the new secret both sign, so the new one verifies.
    const rotated = await world.subscriptions.rotateSecret(subscription.id);
    world.receiver.secret = rotated!.secret;
    const { subscription: gone } = await world.subscriptions.create({ ...hook, url: world.receiver.url });
    await world.subscriptions.disable(gone.id, 'test');
    const ids = await pings(subscription.id, 40);
    const cancelledIds = await pings(gone.id, 5);

    const all = [...ids, ...cancelledIds];
    const outcomes = await Promise.all([...all, ...all].map((id) => processor.process(id)));
    const outcomeOf = (id: string) => outcomes.filter((_, i) => [...all, ...all][i] === id).sort();

    for (const id of ids) expect(outcomeOf(id)).toEqual<DeliveryOutcome[]>(['sent', 'skipped']);
    for (const id of cancelledIds) expect(outcomeOf(id)).toEqual<DeliveryOutcome[]>(['cancelled', 'skipped']);
    expect(world.receiver.received.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(world.receiver.received.every((r) => r.verified)).toBe(true);
    const rows = await world.rows(`subscription_id IN ('${subscription.id}', '${gone.id}')`);
    expect(rows.filter((r) => ids.includes(r.id)).map((r) => [r.status, r.attempts])).toEqual(ids.map(() => ['sent', 1]));
    expect(rows.filter((r) => cancelledIds.includes(r.id)).map((r) => r.status)).toEqual(cancelledIds.map(() => 'cancelled'));
  });
});
