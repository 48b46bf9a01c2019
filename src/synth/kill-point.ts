/**
 * Test hook of the output write: with `THREESCALE_MIGRATE_KILL_AT=N` in the environment, the process sends
 * itself SIGKILL at the N-th kill point it passes, so a test can stop a synth after every step of the write
 * in turn (deterministically, not by timing) and check what a reader and the next synth find. Without the
 * variable a kill point does nothing.
 */

const killAt = Number(process.env['THREESCALE_MIGRATE_KILL_AT'] ?? '0');
let passed = 0;

/** Marks the end of one step of the write; `step` names it for readers of the code. */
export function killPoint(step: string): void {
  if (!(killAt > 0)) return;
  passed += 1;
  if (passed === killAt) {
    process.stderr.write(`kill point ${passed}: ${step}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
