/** Waiting for a server process of the harness to answer, failing at once (with its log's tail) when it exits. */
import { readFile } from 'node:fs/promises';
import { sleep } from '../db-servers.js';
import type { ServerProcess } from './process-group.js';

/** The last lines of a server's log, for an error message. */
export async function logTail(proc: ServerProcess, lines = 15): Promise<string> {
  const text = await readFile(proc.logFile, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Polls `probe` until it answers true; throws when the process exits or `timeoutMs` passes. */
export async function waitReady(proc: ServerProcess, what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.hasExited()) throw new Error(`${proc.name} ${await proc.exited} before ${what}; its log ends:\n${await logTail(proc)}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${proc.name}'s log ends:\n${await logTail(proc)}`);
    await sleep(100);
  }
}
