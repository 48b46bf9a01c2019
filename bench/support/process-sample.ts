/**
 * Whole-process measurements shared by the benchmarks that run the CLI as a user does: wall time of
 * repeated runs after a warm-up, and peak resident memory from GNU time (`/usr/bin/time -f %M`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { progress, REPO_ROOT, sampleStats, secondsSince } from '../benchmark.js';

/** Runs per measurement, after one warm-up run (`BENCH_REPEAT` overrides). */
export const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
/** GNU time, when installed: the only portable source of a child's peak RSS. */
export const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Sample {
  readonly seconds: number;
  readonly peakKiB: number | undefined;
}

/** A command's repeated runs: wall-time statistics in seconds and the highest peak RSS. */
export interface MeasuredProcess {
  readonly label: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly peakMiB: number | undefined;
}

/** Runs a command once, returning wall time and (with GNU time) the peak resident set. */
function runOnce(command: string, args: readonly string[]): Sample {
  const start = process.hrtime.bigint();
  const argv = GNU_TIME ? ['-f', '%M', command, ...args] : [...args];
  const result = spawnSync(GNU_TIME ?? command, argv, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = secondsSince(start);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.slice(-400)}`);
  const last = GNU_TIME ? result.stderr.trim().split('\n').at(-1) : undefined;
  return { seconds, peakKiB: last && /^\d+$/.test(last) ? Number(last) : undefined };
}

/** One warm-up run (file system cache), then {@link REPEAT} measured runs; progress goes to stderr under `scope`. */
export function measureProcess(scope: string, label: string, command: string, args: readonly string[]): MeasuredProcess {
  runOnce(command, args);
  const samples: Sample[] = [];
  for (let i = 0; i < REPEAT; i++) samples.push(runOnce(command, args));
  const stats = sampleStats(samples.map((s) => s.seconds));
  const peaks = samples.map((s) => s.peakKiB).filter((p): p is number => p !== undefined);
  progress(scope, `${label}: median ${stats.median.toFixed(3)} s`);
  return { label, median: stats.median, min: stats.min, max: stats.max, peakMiB: peaks.length ? Math.max(...peaks) / 1024 : undefined };
}
