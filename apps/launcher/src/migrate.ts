import { ConfigError, loadConfig } from '#libs/config';
import { createLogger } from '#libs/platform';
import { prepareInfrastructure } from './infrastructure.js';
import { exitWithMessage } from './process.js';

/** `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (or the embedded PostgreSQL). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) exitWithMessage(err.message);
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, name: 'migrate' });
  const infra = await prepareInfrastructure(config, logger, { redis: false });
  await infra.stop();
  process.stdout.write('Database is up to date.\n');
}

main().catch((err) => {
  process.stderr.write(`Migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
