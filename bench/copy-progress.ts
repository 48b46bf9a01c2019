/**
 * Progress records of a larger PostgreSQL copy (charts/scripts/lib/progress.sh through pg-copy.sh, default
 * PROGRESS_INTERVAL 5 s): the largest gap between two records as a reader polling the progress file sees
 * them, and from the half-way mark on, the time left that `status --watch` estimates from each record against
 * the time the copy really took to its last record (ratio |estimate - real| / real).
 *
 * 1 GiB of table heap as the issue asks (about 20 s of copy on the shared 2-core machine; BENCH_PROGRESS_MB
 * overrides it; BENCH_PROGRESS_INTERVAL sets the script's PROGRESS_INTERVAL, 5 s by default, for more estimates
 * to compare), streaming mode (pg_dump | pg_restore); the total also counts the primary key's index, built
 * after the data at its own rate (the records' index part). The machine's load average is printed beside the
 * figures: the machine may be shared.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { progressOf, timeLeftMs } from '../src/status/watch/progress-record.js';
import type { Benchmark, BenchResult } from './benchmark.js';
import { writeResultFile } from './benchmark.js';
import { progressData, whileWatching } from './support/progress-watch.js';
import { makeBenchDir, onCleanup, PG_APT_HINT, PG_BINARIES, pgBinDir, requireBinaries, runScript, startPostgres } from './support/servers.js';

const PW = 'bench-progress-Pw-2b7e';

interface Seen {
  readonly t: number;
  readonly done: number;
  readonly total: number;
  readonly estimateMs: number | undefined;
}

export const copyProgressBenchmark: Benchmark = {
  name: 'copy-progress',
  description: 'progress records of a PostgreSQL copy: largest gap, and the time-left estimate from half-way against the real time',
  async run(): Promise<BenchResult> {
    const started = Date.now();
    requireBinaries(PG_BINARIES, PG_APT_HINT, [pgBinDir()]);
    const mb = Number(process.env.BENCH_PROGRESS_MB ?? 1024);
    const dir = await makeBenchDir('progress');
    const root = dir.path;
    const [src, tgt] = await Promise.all([startPostgres(root, 'src'), startPostgres(root, 'tgt')]);
    const cleanup = onCleanup('copy-progress servers', async () => {
      await Promise.all([src.stop(), tgt.stop()]);
      await dir.dispose();
    });
    try {
      for (const s of [src, tgt]) await s.sql(`CREATE ROLE system LOGIN PASSWORD '${PW}'; CREATE DATABASE system OWNER system;`);
      // About 230 bytes a row on disk.
      const rows = Math.round((mb * 1024 * 1024) / 230);
      await src.sql(`CREATE TABLE events (id bigint PRIMARY KEY, payload text NOT NULL); INSERT INTO events SELECT g, repeat(md5(g::text), 6) FROM generate_series(1, ${rows}) g; ALTER TABLE events OWNER TO system;`, { db: 'system', timeoutMs: 3_600_000 });
      const file = join(root, 'evidence.progress');
      const env = (side: 'SOURCE' | 'TARGET', s: typeof src) => ({ [`${side}_PGHOST`]: s.host, [`${side}_PGPORT`]: String(s.port), [`${side}_PGUSER`]: 'system', [`${side}_PGPASSWORD`]: PW, [`${side}_PGDATABASE`]: 'system' });
      const { result: run, sightings } = await whileWatching(file, 25, () => runScript('pg-copy.sh', { ...env('SOURCE', src), ...env('TARGET', tgt), EVIDENCE_FILE: join(root, 'evidence'), PROGRESS_INTERVAL: process.env.BENCH_PROGRESS_INTERVAL }, 3_600_000));
      const seen: Seen[] = sightings.flatMap(({ t, text }) => {
        const p = progressOf(progressData(text), 'pg-copy');
        return p ? [{ t, done: p.done, total: p.total, estimateMs: timeLeftMs(p) }] : [];
      });
      if (run.code !== 0) throw new Error(`pg-copy.sh failed: ${run.stderr.slice(-2000)}`);
      const end = seen.at(-1)!;
      const gaps = seen.slice(1).map((s, i) => s.t - seen[i]!.t);
      const fromHalf = seen.filter((s) => s.done * 2 >= s.total && s !== end && s.estimateMs !== undefined && end.t > s.t);
      const errors = fromHalf.map((s) => ({ at: Math.round((s.done * 100) / s.total), estimateS: s.estimateMs! / 1000, realS: (end.t - s.t) / 1000, ratio: Math.abs(s.estimateMs! - (end.t - s.t)) / (end.t - s.t) }));
      const maxGap = Math.max(...gaps) / 1000;
      const worst = Math.max(0, ...errors.map((e) => e.ratio));
      const interval = Number(process.env.BENCH_PROGRESS_INTERVAL ?? 5);
      const load = loadavg().map((l) => Number(l.toFixed(2)));
      const resultFile = await writeResultFile('copy-progress.json', { totalMiB: Math.round(end.total / 1024 / 1024), records: seen.length, copySeconds: (end.t - seen[0]!.t) / 1000, maxGapSeconds: maxGap, estimates: errors, worstRatio: worst, loadAverage: load, progressInterval: interval });
      const table = [
        `bytes copied      ${(end.total / 1024 / 1024).toFixed(0)} MiB with the index (${rows} rows), streaming mode`,
        `records           ${seen.length} over ${((end.t - seen[0]!.t) / 1000).toFixed(1)} s; largest gap ${maxGap.toFixed(2)} s (target <= ${interval} s)`,
        ...errors.map((e) => `  at ${String(e.at).padStart(3)} %: estimate ${e.estimateS.toFixed(1)} s, real ${e.realS.toFixed(1)} s, off by ${(e.ratio * 100).toFixed(0)} %`),
        `worst estimate from half-way: off by ${(worst * 100).toFixed(0)} % (target <= 30 %)`,
        `load average      ${load.join(', ')} (1, 5, 15 min) at the end of the run`,
      ].join('\n');
      return { name: 'copy-progress', table, resultFile, totalSeconds: (Date.now() - started) / 1000 };
    } finally {
      await cleanup();
    }
  },
};
