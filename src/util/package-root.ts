import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The folder holding this package's package.json. Sources run from `src/` under vitest and from
 * `build/src/` once compiled, so paths to bundled files (scripts, CRDs) are resolved from here.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('threescale-migrate: cannot find the package root from ' + import.meta.url);
    dir = parent;
  }
  cached = dir;
  return dir;
}
