import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'console') continue;
      yield* sourceFiles(p);
    } else if (entry.name.endsWith('.ts')) yield p;
  }
}

async function sourcesHash(): Promise<string> {
  const h = createHash('sha256');
  const files: string[] = [];
  for (const top of ['apps', 'libs']) for await (const f of sourceFiles(path.join(ROOT, top))) files.push(f);
  for (const f of files.sort()) h.update(f).update(await readFile(f));
  h.update(await readFile(path.join(ROOT, 'package.json')));
  return h.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A build of the server of the tests' own, in a folder of its own (a copy of package.json, so that
 * `#libs/*` resolves to its dist; node_modules and prisma linked), keyed by a hash of the
 * sources. Child processes (APIs, workers killed with -9…) run from it, and nothing another test
 * does to the repository's dist/ (the boot test rebuilds it) can change files under them.
 */
export async function privateBuild(): Promise<string> {
  const hash = await sourcesHash();
  const dir = path.join(tmpdir(), `mw-resilience-build-${hash}`);
  const done = path.join(dir, '.built');
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(done)) return dir;
    try {
      await mkdir(lock);
    } catch {
      // Another test file is building it; a lock older than 5 minutes is left over from a crash.
      const s = await stat(lock).catch(() => null);
      if (s && Date.now() - s.mtimeMs > 300_000) await rm(lock, { recursive: true, force: true });
      await sleep(500);
      continue;
    }
    try {
      if (existsSync(done)) return dir;
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await copyFile(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
      await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
      await symlink(path.join(ROOT, 'prisma'), path.join(dir, 'prisma'));
      // Types are checked by `npm run typecheck`; here only the emit matters.
      await promisify(execFile)(
        path.join(ROOT, 'node_modules/.bin/tsc'),
        ['-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist'), '--customConditions', 'source', '--noEmitOnError', 'false'],
        { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      ).catch((err: { stdout?: string }) => {
        if (!existsSync(path.join(dir, 'dist/apps/launcher/src/worker.js'))) throw err;
      });
      await writeFile(done, new Date().toISOString());
      return dir;
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}
