import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { findFreePort } from './ports.js';

export interface LocalRedis {
  url: string;
  startedHere: boolean;
  stop(): Promise<void>;
}

export class RedisUnavailableError extends Error {}

export async function redisAnswers(url: string, timeoutMs = 1_500): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

function onPath(binary: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, binary);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

const HOW_TO_GET_REDIS =
  'Install one (Debian/Ubuntu: `apt-get install redis-server`, macOS: `brew install redis`) so that it can be started under DATA_DIR, ' +
  'or point REDIS_URL at a running Redis (e.g. REDIS_URL=redis://127.0.0.1:6379).';

/**
 * Redis for `npm start`: the one at REDIS_URL (default redis://127.0.0.1:6379) if it answers;
 * else, when REDIS_URL was not set explicitly, a `redis-server` from PATH under `<dataDir>/redis`
 * on a free port (reused by later starts while it runs); else an error that says how to get one.
 */
export async function ensureRedis(opts: { url: string; explicit: boolean; dataDir: string }, logger: Logger): Promise<LocalRedis> {
  if (await redisAnswers(opts.url)) return { url: opts.url, startedHere: false, stop: async () => undefined };
  if (opts.explicit) throw new RedisUnavailableError(`Redis does not answer at REDIS_URL=${opts.url}. Start it, or fix REDIS_URL.`);

  const home = path.join(opts.dataDir, 'redis');
  await mkdir(home, { recursive: true });
  const portFile = path.join(home, 'port');
  if (existsSync(portFile)) {
    const url = `redis://127.0.0.1:${(await readFile(portFile, 'utf8')).trim()}`;
    if (await redisAnswers(url)) {
      logger.info({ url }, 'reusing the local redis-server already running on this data directory');
      return { url, startedHere: false, stop: async () => undefined };
    }
  }
  const binary = onPath('redis-server');
  if (!binary) throw new RedisUnavailableError(`Redis does not answer at ${opts.url} and there is no redis-server on PATH. ${HOW_TO_GET_REDIS}`);

  const port = await findFreePort(6380);
  const child: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', home, '--logfile', 'redis.log', '--save', '60 1', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `redis://127.0.0.1:${port}`;
  // Poll until it answers (a fresh redis-server takes a few ms) or the child dies.
  let dead = false;
  void exited.then(() => (dead = true));
  for (let attempt = 0; !(await redisAnswers(url, 500)); attempt++) {
    if (dead || attempt > 100) throw new RedisUnavailableError(`redis-server did not start (see ${path.join(home, 'redis.log')})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await writeFile(portFile, `${port}\n`);
  logger.info({ url, dir: home }, 'started a local redis-server');
  return {
    url,
    startedHere: true,
    async stop() {
      if (child.exitCode !== null || dead) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
