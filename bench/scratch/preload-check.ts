import { withBenchDatabase } from '../lib/db.js';
import { preloadEvents, validateSample } from '../lib/workload.js';
await withBenchDatabase('check', async (_db, pool) => {
  const r = await preloadEvents(pool, 0, 100_000);
  console.log(r, await validateSample(pool));
  const s = await pool.query("select type, count(*) from events group by 1");
  console.log(s.rows, (await pool.query('select count(*) from streams')).rows);
});
