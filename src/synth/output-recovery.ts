import { existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { killPoint } from './kill-point.js';
import { isStaleOwnLockName } from './output-lock.js';
import { MANIFEST_NAME, parseManifest } from './output-manifest.js';

/** The names synth uses beside an output folder `<parent>/<name>`, all hidden and starting with `.<name>.threescale-migrate`. */
export interface SidePaths {
  /** Held while a synth writes the folder. */
  readonly lock: string;
  /** The new output, written whole before it replaces the folder; complete once it holds the manifest. */
  readonly staging: string;
  /** The previous output, between the two renames and until it is removed. */
  readonly old: string;
}

/** The side paths of an output folder. */
export function sidePaths(target: string): SidePaths {
  const base = join(dirname(target), `.${basename(target)}.threescale-migrate`);
  return { lock: `${base}.lock`, staging: `${base}.new`, old: `${base}.old` };
}

/**
 * Puts the output folder back in a whole state after a synth that was killed, then removes that run's
 * leftovers (run with the lock held). A killed run leaves at most: a staging folder (complete or not), the
 * previous output moved aside, and its private lock file. If the folder itself is missing (killed between
 * the two renames), the complete staging folder is moved in, or else the previous output is moved back.
 * Staging folders of earlier versions of synth (`.<name>.tmp-XXXXXX`, `.<name>.tmp-XXXXXX.old`) are
 * removed too; an `.old` one only when the folder exists (otherwise it may be the only copy).
 */
export function recoverLeftovers(target: string, side: SidePaths): void {
  if (!present(target)) {
    if (isComplete(side.staging)) {
      renameSync(side.staging, target);
      killPoint('recovery: complete new output moved in');
    } else if (present(side.old)) {
      renameSync(side.old, target);
      killPoint('recovery: previous output moved back');
    }
  }
  for (const leftover of [side.old, side.staging]) {
    if (!present(leftover)) continue;
    rmSync(leftover, { recursive: true, force: true });
    killPoint(`recovery: ${basename(leftover)} removed`);
  }
  removeOlderLeftovers(target, side);
}

function removeOlderLeftovers(target: string, side: SidePaths): void {
  const parent = dirname(target);
  const legacy = new RegExp(`^\\.${escape(basename(target))}\\.tmp-[A-Za-z0-9]{6}(\\.old)?$`);
  const lockName = basename(side.lock);
  const targetPresent = present(target);
  for (const entry of readdirSync(parent)) {
    const match = legacy.exec(entry);
    const stale = match ? !match[1] || targetPresent : isStaleOwnLockName(lockName, entry) || isStaleOwnLockName(`${lockName}.stale`, entry);
    if (!stale) continue;
    rmSync(join(parent, entry), { recursive: true, force: true });
    killPoint(`recovery: ${entry} removed`);
  }
}

/** Whether a staging folder was written to the end: its manifest, written last, is there and readable. */
function isComplete(staging: string): boolean {
  const manifest = join(staging, MANIFEST_NAME);
  return existsSync(manifest) && parseManifest(readFileSync(manifest, 'utf8')).format !== 'unknown';
}

function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
