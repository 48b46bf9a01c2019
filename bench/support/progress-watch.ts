/**
 * A reader of a progress file (charts/scripts/lib/progress.sh's PROGRESS_FILE) from outside the copy, as
 * `status --watch` reads the records: the file polled while the script runs, each change one sighting with the
 * time it was seen. The bench measures gaps and estimates from the sightings; the script tests check them.
 */
import { readFile } from 'node:fs/promises';

/** One content of the progress file, and when the reader first saw it (ms since the epoch). */
export interface ProgressSighting {
  readonly t: number;
  readonly text: string;
}

/** The `key=value` lines of a progress file as the evidence data they mirror. */
export function progressData(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/**
 * Runs `work` while polling `file` every `everyMs`; returns what `work` returned and every distinct content
 * seen before it ended (a missing or empty file is no sighting).
 */
export async function whileWatching<T>(file: string, everyMs: number, work: () => Promise<T>): Promise<{ result: T; sightings: ProgressSighting[] }> {
  const sightings: ProgressSighting[] = [];
  let finished = false;
  let last = '';
  const look = async (): Promise<void> => {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text && text !== last) {
      last = text;
      sightings.push({ t: Date.now(), text });
    }
  };
  const poll = (async () => {
    while (!finished) {
      await look();
      await new Promise((r) => setTimeout(r, everyMs));
    }
    // One last look once the work ended: its final record may have come after the last poll.
    await look();
  })();
  try {
    return { result: await work(), sightings };
  } finally {
    finished = true;
    await poll;
  }
}
