import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface Child {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  raw: () => string;
  exited: Promise<number | null>;
  /** Resolves with the first JSON line that matches. */
  waitFor(pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A Node child process whose stdout is JSON lines (pino logs, or a fixture's reports). */
export function spawnNode(script: string, env: Record<string, string>, args: string[] = [], opts: { nodeArgs?: string[]; cwd?: string } = {}): Child {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), script, ...args], {
    cwd: opts.cwd ?? path.dirname(script),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let out = '';
  let buffer = '';
  const waiters = new Set<{ pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk;
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        lines.push(parsed);
        for (const w of waiters) if (w.pred(parsed)) {
          waiters.delete(w);
          w.resolve(parsed);
        }
      } catch {
        /* not JSON */
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    raw: () => out,
    exited,
    waitFor(pred, timeoutMs = 120_000) {
      const found = lines.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve };
        waiters.add(w);
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`timed out waiting for a line from ${script}; output:\n${out.slice(-3000)}`));
        }, timeoutMs);
        void exited.then((code) => {
          if (!waiters.has(w)) return;
          waiters.delete(w);
          clearTimeout(timer);
          reject(new Error(`${script} exited (${code}) before the expected line; output:\n${out.slice(-3000)}`));
        });
      });
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** `npm run start:worker` from the sources under test (no build): how every worker-process test starts a worker. */
export function spawnSourceWorker(env: Record<string, string>): Child {
  const root = path.resolve(import.meta.dirname, '../..');
  return spawnNode('apps/launcher/src/worker.ts', env, [], { nodeArgs: ['--conditions=source', '--import', './test/support/ts-loader.mjs'], cwd: root });
}
