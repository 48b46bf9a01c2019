import { hostname } from 'node:os';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { killPoint } from './kill-point.js';

/** How often a run tries to take a lock that changes hands meanwhile. */
const MAX_ATTEMPTS = 5;

/** Who holds a lock: the process id and the host it runs on. */
interface Holder {
  readonly pid: number;
  readonly host: string;
}

/**
 * Takes the lock of one output folder: a file beside it, created whole in one step (written under a
 * private name, then hard-linked to the lock name, which fails if the lock exists), holding the process id
 * and host name. A lock whose process is gone on this host (a killed synth) is stale and taken over; a
 * live one, or one taken on another host, makes this run stop with exit 2 before it writes anything.
 *
 * @returns a function that releases the lock.
 */
export function acquireLock(lockPath: string, outDir: string): () => void {
  const own = `${lockPath}.${process.pid}`;
  const me: Holder = { pid: process.pid, host: hostname() };
  try {
    writeFileSync(own, `${me.pid} ${me.host}\n`);
  } catch (err) {
    throw new UserError(`${outDir}: cannot write next to it (${(err as NodeJS.ErrnoException).code ?? 'error'}); expected a writable --out location.`);
  }
  try {
    let last: Holder | 'gone' | 'unreadable' = 'gone';
    for (let attempt = 0; !tryLink(own, lockPath); attempt++) {
      // Bounded: a lock that keeps changing hands is busy.
      if (attempt === MAX_ATTEMPTS) throw busy(outDir, lockPath, last);
      last = readHolder(lockPath);
      if (last === 'gone') continue;
      if (!isStale(last, me.host) || !removeStale(lockPath, last)) throw busy(outDir, lockPath, last);
    }
  } finally {
    unlinkSync(own);
  }
  killPoint('locked');
  return () => {
    // A lock removed by hand meanwhile is released already.
    try {
      unlinkSync(lockPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  };
}

/** Stale lock files of a private name (`<lock>.<pid>`) left by killed runs on this host. */
export function isStaleOwnLockName(lockName: string, entry: string): boolean {
  if (!entry.startsWith(`${lockName}.`)) return false;
  const pid = Number(entry.slice(lockName.length + 1));
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid);
}

function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** The holder a lock file names; `gone` when it disappeared meanwhile, `unreadable` when it names none. */
function readHolder(lockPath: string): Holder | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  const match = /^(\d+) (\S+)\n$/.exec(text);
  return match ? { pid: Number(match[1]), host: match[2]! } : 'unreadable';
}

function isStale(holder: Holder | 'unreadable', host: string): holder is Holder {
  return holder !== 'unreadable' && holder.host === host && !isAlive(holder.pid);
}

/**
 * Removes a stale lock: moves it to a private name, and checks it is the lock that was found stale (another
 * run may have taken it over meanwhile; that lock is put back and this run stops).
 */
function removeStale(lockPath: string, stale: Holder): boolean {
  const moved = `${lockPath}.stale.${process.pid}`;
  try {
    renameSync(lockPath, moved);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
  const found = readHolder(moved);
  if (found !== 'gone' && found !== 'unreadable' && found.pid === stale.pid && found.host === stale.host) {
    unlinkSync(moved);
    return true;
  }
  tryLink(moved, lockPath);
  unlinkSync(moved);
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function busy(outDir: string, lockPath: string, holder: Holder | 'gone' | 'unreadable'): UserError {
  const who = typeof holder === 'object' ? `process ${holder.pid} on ${holder.host}` : 'another process';
  return new UserError(
    `${outDir}: another synth (${who}) is writing this folder, so this run wrote nothing; expected one synth at a time per folder (if that run is gone, remove ${lockPath}).`,
  );
}
