import { mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { OutputFile } from './synthesize.js';

/** Exit status of a process stopped by a signal, as shells report it (128 + signal number). */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Writes the output tree atomically: everything goes into a temporary sibling folder first, which then
 * replaces the output folder with two renames. An interrupted run (SIGINT, a full or read-only disk)
 * leaves the previous output folder as it was, and never a half-written one.
 *
 * The files are written asynchronously, one at a time, so a SIGINT or SIGTERM is seen between two files
 * (a synchronous loop would hold the signal until the write had finished, and then lose it): the staging
 * folder is removed and the process exits with 130 (143 for SIGTERM).
 */
export async function writeOutput(outDir: string, files: readonly OutputFile[]): Promise<void> {
  const target = resolve(outDir);
  const parent = dirname(target);
  try {
    await mkdir(parent, { recursive: true });
  } catch (err) {
    throw new UserError(`${outDir}: cannot create the parent folder (${(err as NodeJS.ErrnoException).code ?? 'error'}); expected a writable --out location.`);
  }
  if (exists(target) && !statSync(target).isDirectory()) {
    throw new UserError(`${outDir}: exists and is not a folder; expected --out to name a folder.`);
  }

  // Listen before the staging folder exists, so no signal can leave it behind.
  let interrupted: 'SIGINT' | 'SIGTERM' | undefined;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    interrupted ??= signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let staging: string | undefined;
  try {
    try {
      staging = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
    } catch (err) {
      throw new UserError(`${outDir}: cannot write next to it (${(err as NodeJS.ErrnoException).code ?? 'error'}); expected a writable --out location.`);
    }
    try {
      for (const f of files) {
        if (interrupted) break;
        const path = join(staging, f.path);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, f.content);
      }
      if (!interrupted) {
        const old = exists(target) ? `${staging}.old` : undefined;
        if (old) renameSync(target, old);
        try {
          renameSync(staging, target);
        } catch (err) {
          if (old) renameSync(old, target);
          throw err;
        }
        staging = undefined;
        if (old) rmSync(old, { recursive: true, force: true });
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserError(`${outDir}: writing the synthesized folders failed (${code ?? (err as Error).message}); the previous content of ${outDir} is unchanged.`);
    } finally {
      if (staging) rmSync(staging, { recursive: true, force: true });
    }
    // A signal that arrived during the renames is dispatched by the next poll of the event loop.
    await nextPoll();
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  if (interrupted) process.exit(SIGNAL_EXIT[interrupted]);
}

/** Resolves after the event loop has polled once more (signals are delivered in the poll phase). */
function nextPoll(): Promise<void> {
  return new Promise((done) => setImmediate(() => setImmediate(done)));
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
