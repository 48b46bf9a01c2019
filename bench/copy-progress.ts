/**
 * Progress records of a larger PostgreSQL copy (charts/scripts/lib/progress.sh through pg-copy.sh, default
 * PROGRESS_INTERVAL 5 s): the largest gap between two records as a reader polling the progress file sees
 * them, and from the half-way mark on, the time left that `status --watch` estimates from each record against
 * the time the copy really took to its last record (ratio |estimate - real| / real).
 *
 * 1 GiB of table heap as the issue asks (about 20 s of copy on the shared 2-core machine; BENCH_PROGRESS_MB
 * overrides it; BENCH_PROGRESS_INTERVAL sets the script's PROGRESS_INTERVAL, 5 s by default, for more estimates
 * to compare), streaming mode (pg_dump | pg_restore) in one table, or with BENCH_PROGRESS_JOBS=N (N > 1)
 * parallel mode (PARALLEL_JOBS=N) in four tables, each table's primary key built by its worker right after its
 * COPY, beside the other tables' copies; the total also counts the primary keys (the records' index part). The machine's load average is printed beside the
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
  /** The record as the evidence data holds it (its pg-copy.* keys), for a replay of the sequence. */
  readonly data: Record<string, string>;
  readonly done: number;
  readonly total: number;
  readonly estimateMs: number | undefined;
  readonly stage: string | undefined;
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
      // About 230 bytes a row on disk; one table, or in parallel mode four (40, 30, 20 and 10 % of the rows), so
      // that index builds run beside other tables' copies.
      const rows = Math.round((mb * 1024 * 1024) / 230);
      const jobs = Number(process.env.BENCH_PROGRESS_JOBS ?? 1);
      const shares = jobs > 1 ? [0.4, 0.3, 0.2, 0.1] : [1];
      const tables = shares.map((share, i) => ({ name: shares.length === 1 ? 'events' : `events_${i + 1}`, rows: Math.round(rows * share) }));
      for (const t of tables) {
        await src.sql(`CREATE TABLE ${t.name} (id bigint PRIMARY KEY, payload text NOT NULL); INSERT INTO ${t.name} SELECT g, repeat(md5(g::text), 6) FROM generate_series(1, ${t.rows}) g; ALTER TABLE ${t.name} OWNER TO system;`, { db: 'system', timeoutMs: 3_600_000 });
      }
      const file = join(root, 'evidence.progress');
      const env = (side: 'SOURCE' | 'TARGET', s: typeof src) => ({ [`${side}_PGHOST`]: s.host, [`${side}_PGPORT`]: String(s.port), [`${side}_PGUSER`]: 'system', [`${side}_PGPASSWORD`]: PW, [`${side}_PGDATABASE`]: 'system' });
      const { result: run, sightings } = await whileWatching(file, 25, () => runScript('pg-copy.sh', { ...env('SOURCE', src), ...env('TARGET', tgt), EVIDENCE_FILE: join(root, 'evidence'), PARALLEL_JOBS: String(jobs), PROGRESS_INTERVAL: process.env.BENCH_PROGRESS_INTERVAL }, 3_600_000));
      const seen: Seen[] = sightings.flatMap(({ t, text }) => {
        const data = progressData(text);
        const p = progressOf(data, 'pg-copy');
        return p ? [{ t, data, done: p.done, total: p.total, estimateMs: timeLeftMs(p), stage: p.stage?.name }] : [];
      });
      if (run.code !== 0) throw new Error(`pg-copy.sh failed: ${run.stderr.slice(-2000)}`);
      const end = seen.at(-1)!;
      const gaps = seen.slice(1).map((s, i) => s.t - seen[i]!.t);
      const fromHalf = seen.filter((s) => s.done * 2 >= s.total && s !== end && s.estimateMs !== undefined && end.t > s.t);
      const errors = fromHalf.map((s) => ({ at: Math.round((s.done * 100) / s.total), stage: s.stage, estimateS: s.estimateMs! / 1000, realS: (end.t - s.t) / 1000, ratio: Math.abs(s.estimateMs! - (end.t - s.t)) / (end.t - s.t) }));
      const maxGap = Math.max(...gaps) / 1000;
      const worst = Math.max(0, ...errors.map((e) => e.ratio));
      const interval = Number(process.env.BENCH_PROGRESS_INTERVAL ?? 5);
      const load = loadavg().map((l) => Number(l.toFixed(2)));
      const mode = jobs > 1 ? `parallel mode (PARALLEL_JOBS=${jobs}, ${tables.length} tables)` : 'streaming mode';
      const resultFile = await writeResultFile(jobs > 1 ? 'copy-progress.parallel.json' : 'copy-progress.json', { mode, totalMiB: Math.round(end.total / 1024 / 1024), records: seen.length, copySeconds: (end.t - seen[0]!.t) / 1000, maxGapSeconds: maxGap, estimates: errors, worstRatio: worst, loadAverage: load, progressInterval: interval, sequence: seen.map((x) => ({ seenAfterMs: x.t - seen[0]!.t, ...x.data })) });
      const table = [
        `bytes copied      ${(end.total / 1024 / 1024).toFixed(0)} MiB with the indexes (${rows} rows), ${mode}`,
        `records           ${seen.length} over ${((end.t - seen[0]!.t) / 1000).toFixed(1)} s; largest gap ${maxGap.toFixed(2)} s (target <= ${interval} s)`,
        ...errors.map((e) => `  at ${String(e.at).padStart(3)} %${e.stage ? ` (${e.stage})` : ''}: estimate ${e.estimateS.toFixed(1)} s, real ${e.realS.toFixed(1)} s, off by ${(e.ratio * 100).toFixed(0)} %`),
        `worst estimate from half-way: off by ${(worst * 100).toFixed(0)} % (target <= 30 %)`,
        `load average      ${load.join(', ')} (1, 5, 15 min) at the end of the run`,
      ].join('\n');
      return { name: 'copy-progress', table, resultFile, totalSeconds: (Date.now() - started) / 1000 };
    } finally {
      await cleanup();
    }
  },
};
