/**
 * The contract between bench/run.ts and the benchmarks it runs, plus small helpers they share
 * (statistics over repeated samples, a plain-text table, writing a result file under bench/results/).
 *
 * A benchmark is registered in the BENCHMARKS array of bench/run.ts. It measures, prints nothing but
 * progress on stderr, and returns a BenchResult: run.ts prints `table`, then `notes`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  /** The benchmark's name (same as Benchmark.name). */
  name: string;
  /** Human-readable result, printed as is by run.ts (a table, usually). */
  table: string;
  /** Extra lines printed after the table (ratios, caveats). */
  notes?: string[];
  /** Where the machine-readable result was written, if anywhere (repository-relative). */
  resultFile?: string;
  /** Wall time of the whole benchmark, setup included, in seconds. */
  totalSeconds: number;
}

export interface Benchmark {
  /** Unique, kebab-case; `node build/bench/run.js <filter>` selects benchmarks whose name contains <filter>. */
  name: string;
  /** One line for `node build/bench/run.js --list`. */
  description?: string;
  run(): Promise<BenchResult>;
}

/** The repository root, from build/bench/benchmark.js (or bench/benchmark.ts under a TS runner). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

/** Write `bench/results/<file>` (directory created when missing); returns the repository-relative path. */
export async function writeResultFile(file: string, data: unknown): Promise<string> {
  const path = join(RESULTS_DIR, file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(data, null, 2) + '\n');
  return relative(REPO_ROOT, path);
}

// ---------------------------------------------------------------------------------------------------
// Statistics

export interface SampleStats {
  n: number;
  median: number;
  min: number;
  max: number;
  mean: number;
}

export function sampleStats(samples: number[]): SampleStats {
  if (samples.length === 0) return { n: 0, median: NaN, min: NaN, max: NaN, mean: NaN };
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { n: s.length, median, min: s[0], max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** Seconds since `start` (a process.hrtime.bigint() value), as a float. */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Run `fn` and return its result with the wall time in seconds, measured with process.hrtime. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { value, seconds: secondsSince(start) };
}

// ---------------------------------------------------------------------------------------------------
// Formatting

/** A plain-text table: first row is the header; numbers should be formatted by the caller. */
export function formatTable(rows: string[][], align: ('l' | 'r')[] = []): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const line = (row: string[]): string =>
    row
      .map((cell, i) => ((align[i] ?? (i === 0 ? 'l' : 'r')) === 'l' ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const [header, ...body] = rows;
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '-';
  if (bytes === 0) return '0 B';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[u]}`;
}

export function formatSeconds(s: number): string {
  return Number.isFinite(s) ? `${s.toFixed(1)} s` : '-';
}

/** Progress output on stderr (stdout carries the tables). */
export function progress(scope: string, message: string): void {
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`${t} [${scope}] ${message}\n`);
}
