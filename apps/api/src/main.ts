import { failed, prepareEntry } from '../../launcher/src/entry.js';
import { bootstrapAdminKey } from './auth/admin-key-bootstrap.js';
import { createApiApp } from './create-app.js';
import { createRuntime } from './runtime.js';

/** `npm run start:api`: the HTTP API alone (workers run elsewhere: `npm run start:worker`). */
async function main(): Promise<void> {
  const { config, logger, infra, shutdown } = await prepareEntry('api');
  const runtime = await createRuntime(infra.config, logger);
  const admin = await bootstrapAdminKey(runtime.pool, { adminApiKey: config.adminApiKey, dataDir: config.dataDir });
  const api = await createApiApp(runtime);
  shutdown.add('API', () => api.close());
  const port = await api.listen();
  logger.info({ port, adminKeySource: admin.source, adminKeyFile: admin.file }, 'API listening');
  if (admin.source === 'generated') process.stdout.write(`Admin key written to ${admin.file}\n`);
  if (admin.key && process.stdout.isTTY) process.stdout.write(`New admin API key: ${admin.key}\n`);
}

main().catch(failed('Mandate Watch API failed to start'));
