// `npm start` on a fresh clone: install dependencies if missing, build the server and the
// console (the API serves it at /), then run the launcher in this same process (so SIGINT and
// SIGTERM reach it directly). Plain JS: it must run before anything is built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(args, what) {
  const r = spawnSync(npm, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`${what} failed (npm ${args.join(' ')})\n`);
    process.exit(r.status ?? 1);
  }
}

if (!existsSync(path.join(root, 'node_modules', '.package-lock.json'))) run(['ci'], 'Installing dependencies');
run(['run', '--silent', 'build:server'], 'Building the server');
if (existsSync(path.join(root, 'apps/console/vite.config.ts'))) run(['run', '--silent', 'build:console', '--', '--logLevel', 'warn'], 'Building the console');
await import(pathToFileURL(path.join(root, 'dist/apps/launcher/src/main.js')).href);
