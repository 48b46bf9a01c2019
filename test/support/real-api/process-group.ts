/**
 * A server process of the real API server harness, started in its own process group so that stopping it stops
 * everything it started. Where util-linux's setpriv exists, the process also gets SIGKILL when the test worker
 * dies (PR_SET_PDEATHSIG), so a crashed worker leaves no server behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { findBinary } from '../db-servers.js';

/** A started server process; its stdout and stderr go to a log file. */
export interface ServerProcess {
  readonly name: string;
  readonly logFile: string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<string>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Last resort when the worker exits without stopping its servers: kill their groups synchronously. */
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Starts `command args` in a new process group, logging to `logFile`. */
export function startServerProcess(name: string, command: string, args: readonly string[], logFile: string): ServerProcess {
  const setpriv = findBinary('setpriv');
  const [cmd, argv] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, [...args]];
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(cmd, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  running.add(child);
  let done = false;
  const exited = new Promise<string>((resolve) => {
    const finish = (how: string): void => {
      done = true;
      running.delete(child);
      log.end();
      resolve(how);
    };
    child.once('error', (err) => finish(`failed to start: ${err.message}`));
    child.once('exit', (code, signal) => finish(signal ? `killed by ${signal}` : `exited with code ${code}`));
  });
  return {
    name,
    logFile,
    exited,
    hasExited: () => done,
    async stop(graceMs = 5_000) {
      if (done) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      killGroup(child, 'SIGKILL'); // whatever the leader left in its group
    },
  };
}
