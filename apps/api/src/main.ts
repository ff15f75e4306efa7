import { ConfigError, loadConfig } from '#libs/config';
import { createLogger } from '#libs/platform';
import { prepareInfrastructure } from '../../launcher/src/infrastructure.js';
import { RedisUnavailableError } from '../../launcher/src/local-redis.js';
import { exitWithMessage, onShutdownSignal } from '../../launcher/src/process.js';
import { bootstrapAdminKey } from './auth/admin-key-bootstrap.js';
import { createApiApp, type ApiApp } from './create-app.js';
import { createRuntime } from './runtime.js';

/** `npm run start:api`: the HTTP API alone (workers run elsewhere: `npm run start:worker`). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) exitWithMessage(err.message);
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, name: 'api' });
  for (const warning of config.warnings) logger.warn(warning);
  let infra;
  try {
    infra = await prepareInfrastructure(config, logger);
  } catch (err) {
    if (err instanceof RedisUnavailableError) exitWithMessage(err.message);
    throw err;
  }
  let api: ApiApp | undefined;
  onShutdownSignal(logger, async () => {
    await api?.close();
    await infra.stop();
  });
  const runtime = await createRuntime(infra.config, logger);
  const admin = await bootstrapAdminKey(runtime.pool, { adminApiKey: config.adminApiKey, dataDir: config.dataDir });
  api = await createApiApp(runtime);
  const port = await api.listen();
  logger.info({ port, adminKeySource: admin.source, adminKeyFile: admin.file }, 'API listening');
  if (admin.source === 'generated') process.stdout.write(`Admin key written to ${admin.file}\n`);
  if (admin.key && process.stdout.isTTY) process.stdout.write(`New admin API key: ${admin.key}\n`);
}

main().catch((err) => {
  process.stderr.write(`Mandate Watch API failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
