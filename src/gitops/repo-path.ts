import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';

/**
 * Where synth's output folder sits in the Git repository the engine reads, when the plan does not say
 * (`spec.gitops.path`): the folder relative to the root of the Git repository that holds it, else the
 * folder as given when it is a plain relative path. Anything else cannot be guessed and is refused.
 */
export function repoPathOfOut(outDir: string, cwd = process.cwd()): { readonly path: string; readonly from: 'git' | 'out' } {
  const absolute = resolve(cwd, outDir);
  for (let dir = absolute; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return { path: toRepoPath(relative(dir, absolute)), from: 'git' };
    if (dirname(dir) === dir) break;
  }
  const given = relative(cwd, absolute);
  if (isAbsolute(outDir) || given.startsWith('..') || given === '') {
    throw new UserError(`spec.gitops.path: required with --gitops when --out (${outDir}) is not inside a Git repository nor below the current folder; expected the folder's path in the repository the engine reads, such as clusters/prod/3scale-migration.`);
  }
  return { path: toRepoPath(given), from: 'out' };
}

function toRepoPath(p: string): string {
  return p === '' ? '.' : p.split(sep).join('/');
}
