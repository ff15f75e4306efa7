import { failed, prepareEntry } from './entry.js';

/** `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (or the embedded PostgreSQL). */
async function main(): Promise<void> {
  const { shutdown } = await prepareEntry('migrate', { redis: false });
  await shutdown.run(); // the embedded PostgreSQL, if it was started for this
  process.stdout.write('Database is up to date.\n');
}

main().catch(failed('Migration failed'));
