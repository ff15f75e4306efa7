import path from 'node:path';
import { bootstrapAdminKey } from '../../api/src/auth/admin-key-bootstrap.js';
import { createApiApp } from '../../api/src/create-app.js';
import { createRuntime } from '../../api/src/runtime.js';
import { failed, prepareEntry } from './entry.js';
import { startWorker } from './worker-loader.js';

/**
 * `npm start`: everything in one process — PostgreSQL and Redis (configured, or local ones under
 * DATA_DIR), migrations, the bootstrap admin key, the API and the worker — and one line saying
 * where it all is. SIGINT/SIGTERM stop it in order: HTTP drained, worker closed, local servers
 * stopped.
 */
async function main(): Promise<void> {
  const { config, logger, infra, shutdown } = await prepareEntry('mandate-watch');
  const runtime = await createRuntime(infra.config, logger);
  const admin = await bootstrapAdminKey(runtime.pool, { adminApiKey: config.adminApiKey, dataDir: config.dataDir });
  const worker = await startWorker(infra.config, logger);
  shutdown.add('worker', () => worker.close());
  const api = await createApiApp(runtime);
  shutdown.add('API', () => api.close()); // first to stop: no new requests, running ones finish
  const port = await api.listen();

  const base = `http://localhost:${port}`;
  const shown = (file: string) => (file.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), file) : file);
  const adminHint =
    admin.source === 'env' ? 'admin key from ADMIN_API_KEY' : admin.file ? `admin key in ${shown(admin.file)}` : 'admin keys exist already (set ADMIN_API_KEY to add one)';
  // An empty event log: offer the bundled sample (the 2020 Repertoire excerpt on Mali and Haiti).
  const empty = (await runtime.pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM events) AS any')).rows[0].any === false;
  // Plain stdout, not the logger: this is for the person who ran `npm start`.
  process.stdout.write(`Mandate Watch on ${base} — API docs ${base}/api/docs — ${adminHint}\n`);
  // The key itself only on a terminal (never into log files or CI output), and only when new.
  if (admin.key && process.stdout.isTTY) process.stdout.write(`New admin API key (also in ${shown(admin.file!)}): ${admin.key}\n`);
  // `npm run demo` loads the sample itself.
  if (empty && !config.demoRun) {
    process.stdout.write(
      `The event log is empty. Load the bundled sample on the console's Import page (${base}/import) or with: ` +
        "curl -H \"Authorization: Bearer " + (admin.file ? `$(cat ${shown(admin.file)})` : '<an admin key>') + `\" -H 'content-type: text/plain; charset=utf-8' --data-binary @${SAMPLE} '${base}/api/imports?dryRun=false'\n`,
    );
  }
}

const SAMPLE = 'libs/importers/samples/repertoire-2020-mali-haiti.zh.txt';

main().catch(failed('Mandate Watch failed to start'));
