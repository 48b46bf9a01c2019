import { colorFor } from '../../cli/color.js';
import type { CompareOptions } from '../run-diff.js';
import { runWatch } from './run-watch.js';

/** `status --watch` on the process's stdout, ended by Ctrl-C (SIGINT) or SIGTERM with exit code 130. */
export async function runWatchCommand(options: CompareOptions): Promise<number> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await runWatch(options, { write: (s) => process.stdout.write(s), tty: process.stdout.isTTY, color: colorFor(process.stdout) }, stop.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
