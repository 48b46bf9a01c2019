import { lstatSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { killPoint } from './kill-point.js';
import { acquireLock } from './output-lock.js';
import { MANIFEST_NAME, renderManifest } from './output-manifest.js';
import { checkOwnership } from './output-ownership.js';
import { recoverLeftovers, sidePaths, type SidePaths } from './output-recovery.js';
import type { OutputFile } from './synthesize.js';

/** Exit status of a process stopped by a signal, as shells report it (128 + signal number). */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Writes the output tree and its manifest into the output folder, replacing only a folder synth wrote.
 *
 * With the folder's lock held (see `output-lock.ts`): leftovers of a killed run are recovered or removed
 * (`output-recovery.ts`), the folder is checked to hold nothing but synth's own files
 * (`output-ownership.ts`), the new tree is written into a staging folder beside it with the manifest last,
 * and then two renames swap it in (previous folder aside, staging folder in) before the previous one is
 * removed. A reader sees the previous tree or the new one, whole; a run killed at any point leaves a state
 * the next run completes or rolls back.
 *
 * The files are written asynchronously, one at a time, so a SIGINT or SIGTERM is seen between two files:
 * the staging folder is removed and the process exits with 130 (143 for SIGTERM).
 *
 * @returns warnings to show (a previous output that could not be removed after the swap).
 */
export async function writeOutput(outDir: string, files: readonly OutputFile[]): Promise<string[]> {
  const target = resolve(outDir);
  try {
    await mkdir(dirname(target), { recursive: true });
  } catch (err) {
    throw new UserError(`${outDir}: cannot create the parent folder (${(err as NodeJS.ErrnoException).code ?? 'error'}); expected a writable --out location.`);
  }
  refuseNonFolder(target, outDir);
  const side = sidePaths(target);

  // Listen before anything is written, so no signal can leave a staging folder behind.
  let interrupted: 'SIGINT' | 'SIGTERM' | undefined;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    interrupted ??= signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let warnings: string[] = [];
  try {
    const release = acquireLock(side.lock, outDir);
    try {
      prepareFolder(target, side, outDir);
      const complete = await writeStaging(side.staging, files, outDir, () => interrupted !== undefined);
      if (complete) warnings = swapIn(target, side, outDir);
      else rmSync(side.staging, { recursive: true, force: true });
    } finally {
      release();
      killPoint('unlocked');
    }
    // A signal that arrived during the renames is dispatched by the next poll of the event loop.
    await nextPoll();
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  if (interrupted) process.exit(SIGNAL_EXIT[interrupted]);
  return warnings;
}

/** Recovers a killed run's leftovers and checks the folder is synth's; a file system error is one sentence too. */
function prepareFolder(target: string, side: SidePaths, outDir: string): void {
  try {
    recoverLeftovers(target, side);
    checkOwnership(target, outDir);
  } catch (err) {
    if (UserError.isUserError(err)) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UserError(
      `${outDir}: cannot read it or clean up beside it (${code}), so nothing was written; expected a --out location this user may read and write (leftovers of an interrupted synth are named .${basename(target)}.threescale-migrate.*).`,
    );
  }
}

function refuseNonFolder(target: string, outDir: string): void {
  let stat;
  try {
    stat = lstatSync(target);
  } catch {
    return;
  }
  if (stat.isSymbolicLink()) throw new UserError(`${outDir}: is a symbolic link; expected --out to name a folder itself (synth replaces it whole).`);
  if (!stat.isDirectory()) throw new UserError(`${outDir}: exists and is not a folder; expected --out to name a folder.`);
}

/**
 * Writes every file, then the manifest, into the staging folder. Returns false when a signal stopped it
 * half-way; a failed write removes the staging folder and says the output folder is unchanged (it is).
 */
async function writeStaging(staging: string, files: readonly OutputFile[], outDir: string, stop: () => boolean): Promise<boolean> {
  try {
    mkdirSync(staging);
    killPoint('staging folder created');
    for (const f of files) {
      if (stop()) return false;
      const path = join(staging, f.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.content);
      killPoint(`${f.path} written`);
    }
    await writeFile(join(staging, MANIFEST_NAME), renderManifest(files.map((f) => f.path)));
    killPoint('manifest written');
    return !stop();
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw unchanged(outDir, err);
  }
}

/** The two renames, then the removal of the previous output; says exactly what state a failure left. */
function swapIn(target: string, side: SidePaths, outDir: string): string[] {
  let movedAside = false;
  try {
    if (exists(target)) {
      renameSync(target, side.old);
      movedAside = true;
      killPoint('previous output moved aside');
    }
    renameSync(side.staging, target);
    killPoint('new output moved in');
  } catch (err) {
    if (movedAside && !restore(side.old, target)) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new UserError(
        `${outDir}: replacing it failed (${code}) and moving its previous content back failed too; expected a writable --out location (the previous content is in ${side.old}, the new one in ${side.staging}, and the next synth puts the new one in place).`,
      );
    }
    rmSync(side.staging, { recursive: true, force: true });
    throw unchanged(outDir, err);
  }
  if (!movedAside) return [];
  try {
    rmSync(side.old, { recursive: true, force: true });
    killPoint('previous output removed');
    return [];
  } catch (err) {
    return [`${outDir}: the new output is in place, but its previous content could not be removed from ${side.old} (${(err as NodeJS.ErrnoException).code ?? 'error'}); the next synth removes it.`];
  }
}

function restore(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch {
    return false;
  }
}

function unchanged(outDir: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return new UserError(`${outDir}: writing the synthesized folders failed (${code}); the previous content of ${outDir} is unchanged.`);
}

/** Resolves after the event loop has polled once more (signals are delivered in the poll phase). */
function nextPoll(): Promise<void> {
  return new Promise((done) => setImmediate(() => setImmediate(done)));
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
