import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { bootstrapAdminKey } from '../../apps/api/src/auth/admin-key-bootstrap.js';
import { generateApiKey } from '../../apps/api/src/auth/api-key.js';
import { createApiApp } from '../../apps/api/src/create-app.js';
import { createRuntime } from '../../apps/api/src/runtime.js';
import { loadConfig } from '#libs/config';
import { createLogger } from '#libs/platform';

/**
 * The real API on a given database, in a process of its own (so the load generator does not
 * share its event loop). Prints one JSON line {port, adminKey} when listening; exits on SIGTERM.
 */
const databaseUrl = process.argv[2];
const LOG_LEVEL = process.env.BENCH_API_LOG_LEVEL ?? 'warn';
const dataDir = await mkdtemp(path.join(tmpdir(), 'mw-bench-api-'));
const config = loadConfig({
  NODE_ENV: 'production',
  DATABASE_URL: databaseUrl,
  PORT: '0',
  DATA_DIR: dataDir,
  REDIS_PREFIX: `mwbench-${process.pid}`,
  LOG_LEVEL,
  // A key of this run's own, upserted as an admin key: a kept fixture (BENCH_KEEP_FIXTURE) has
  // an admin key already, so none would be generated, and its secret is not known here.
  ADMIN_API_KEY: generateApiKey().key,
});
// BENCH_API_LOG_LEVEL=info: the access log lines a deployment writes (default level), written
// synchronously as to stdout, into /dev/null. Default warn: no access lines (as the figures so far).
const logs = LOG_LEVEL === 'warn' ? new Writable({ write: (_c, _e, cb) => cb() }) : pino.destination({ dest: '/dev/null', sync: true });
const runtime = await createRuntime(config, createLogger({ level: LOG_LEVEL, destination: logs }));
const boot = await bootstrapAdminKey(runtime.pool, { adminApiKey: config.adminApiKey, dataDir });
const api = await createApiApp(runtime);
const port = await api.listen('127.0.0.1');
process.stdout.write(JSON.stringify({ port, adminKey: boot.key ?? config.adminApiKey }) + '\n');
process.on('SIGTERM', () => {
  api.close().finally(() => process.exit(0));
});
