import { failed, prepareEntry } from './entry.js';

/** `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (or the embedded PostgreSQL). */
async function main(): Promise<void> {
  const { infra } = await prepareEntry('migrate', { redis: false });
  await infra.stop();
  process.stdout.write('Database is up to date.\n');
}

main().catch(failed('Migration failed'));
