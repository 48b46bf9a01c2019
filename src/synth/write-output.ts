import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { OutputFile } from './synthesize.js';

/**
 * Writes the output tree atomically: everything goes into a temporary sibling folder first, which then
 * replaces the output folder with two renames. An interrupted run (SIGINT, a full or read-only disk)
 * leaves the previous output folder as it was, and never a half-written one.
 */
export function writeOutput(outDir: string, files: readonly OutputFile[]): void {
  const target = resolve(outDir);
  const parent = dirname(target);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (err) {
    throw new UserError(`${outDir}: cannot create the parent folder (${(err as NodeJS.ErrnoException).code ?? 'error'}); expected a writable --out location.`);
  }
  if (exists(target) && !statSync(target).isDirectory()) {
    throw new UserError(`${outDir}: exists and is not a folder; expected --out to name a folder.`);
  }

  let staging: string;
  try {
    staging = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
  } catch (err) {
    throw new UserError(`${outDir}: cannot write next to it (${(err as NodeJS.ErrnoException).code ?? 'error'}); expected a writable --out location.`);
  }
  const cleanup = () => rmSync(staging, { recursive: true, force: true });
  const onSignal = () => {
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const f of files) {
      const path = join(staging, f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.content);
    }
    const old = exists(target) ? `${staging}.old` : undefined;
    if (old) renameSync(target, old);
    try {
      renameSync(staging, target);
    } catch (err) {
      if (old) renameSync(old, target);
      throw err;
    }
    if (old) rmSync(old, { recursive: true, force: true });
  } catch (err) {
    cleanup();
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${outDir}: writing the synthesized folders failed (${code ?? (err as Error).message}); the previous content of ${outDir} is unchanged.`);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
