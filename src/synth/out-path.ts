import { realpathSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';

/**
 * Rules on the `--out` path itself, checked before anything is read or written: synth replaces the whole
 * folder, so it must be a folder of its own. Refused: an empty path (an unset shell variable), the root
 * folder, the current folder or one holding it, and the folder holding the plan file or any folder above it.
 */
export function checkOutPath(outDir: string, planPath: string, cwd: string = process.cwd()): void {
  if (outDir.trim() === '') {
    throw new UserError('--out: the path is empty (an unset variable?); expected a folder of its own, such as dist.');
  }
  const target = realTarget(resolve(cwd, outDir));
  if (dirname(target) === target) {
    throw new UserError(`--out ${outDir}: is the root folder; expected a folder of its own, such as dist.`);
  }
  if (contains(target, realTarget(cwd))) {
    throw new UserError(`--out ${outDir}: is the current folder or holds it; expected a folder of its own below it, such as dist.`);
  }
  const plan = realTarget(resolve(cwd, planPath));
  if (contains(target, dirname(plan))) {
    throw new UserError(`--out ${outDir}: holds the plan file ${planPath}; expected a folder of its own that does not contain the plan, such as dist.`);
  }
}

/** Whether `folder` is `path` or one of the folders above it. */
function contains(folder: string, path: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** The path with every symbolic link of its existing part resolved (the rest as written). */
function realTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : resolve(realTarget(parent), basename(path));
  }
}
