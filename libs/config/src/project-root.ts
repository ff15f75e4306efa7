import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The repository root (the folder of this product's package.json), found from this file so that
 * it is the same from the sources (libs/config/src) and from the build (dist/libs/config/src),
 * whatever the current directory is.
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'mandate-watch') return (cached = dir);
      } catch {
        /* not ours */
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('project root (package.json of mandate-watch) not found');
    dir = parent;
  }
}
