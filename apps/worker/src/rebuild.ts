import { createPool } from '#libs/db';
import { upcast } from '#libs/domain';
import { EventStore } from '#libs/event-store';
import { allProjectors, ProjectionRunner } from '#libs/projections';

/**
 * `npm run projections:rebuild [-- <name>]`: rebuilds one projection (or all) from the start of
 * the event log, while other processes keep running (they wait for the rebuild's lock).
 */
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set: point it at the Mandate Watch database (see README, Configuration).');
  process.exit(1);
}
const only = process.argv[2];
const pool = createPool(url);
const store = new EventStore(pool, { upcast });
const runner = new ProjectionRunner(pool, store, allProjectors(store), { batchSize: 5000 });
if (only && !runner.projectors.some((p) => p.name === only)) {
  console.error(`unknown projection "${only}"; known: ${runner.projectors.map((p) => p.name).join(', ')}`);
  process.exit(1);
}
const started = Date.now();
const n = await runner.rebuild(only);
console.log(`rebuilt ${only ?? 'all projections'} from ${n} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
await pool.end();
