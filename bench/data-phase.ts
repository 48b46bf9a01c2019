/**
 * Benchmark `data-phase`: the maintenance window of the data moves, vendor procedure versus the generated
 * Jobs, on the same data in the same run (see data-phase-postgresql.ts and data-phase-redis.ts).
 *
 * Environment (all optional):
 *   BENCH_REPEAT            run exactly this many rounds of every variant (default: up to 3 within the budget)
 *   BENCH_BUDGET_SECONDS    wall-time budget of the whole benchmark (default 600); a new round starts only
 *                           when it likely fits, but every variant runs at least once
 *   BENCH_PG_SCALE          row multiplier of the PostgreSQL data set (default 1 = about 1.2 GiB)
 *   BENCH_PG_MIN_BYTES      refuse a smaller database (default 1 GiB at scale >= 1, else 0)
 *   BENCH_REDIS_KEYS        keys loaded into Redis (default 1000000)
 *   BENCH_MYSQL_ROWS        rows of the largest MySQL table (default 1000000)
 *   BENCH_DATA_PHASE_PARTS  comma list of parts: redis,mysql,postgresql (default all)
 *   BENCH_PG_VARIANTS       the PostgreSQL Job variants beside the vendor (a) and pgcopydb (d): b, c or b,c
 *                           (default b,c)
 *
 * Result: bench/results/data-phase.json for a complete, full-size run; a partial or scaled-down run writes
 * bench/results/data-phase.<parts>[.scaled].json instead, so it never replaces the real figures.
 */
import { loadavg } from 'node:os';
import { type Benchmark, type BenchResult, formatBytes, formatSeconds, formatTable, progress, type SampleStats, sampleStats, secondsSince, writeResultFile } from './benchmark.js';
import { runPostgresqlDataPhase, type PgResult } from './data-phase-postgresql.js';
import { runMysqlDataPhase, type MysqlResult } from './data-phase-mysql.js';
import { runRedisDataPhase, type RedisResult } from './data-phase-redis.js';
import { machineInfo } from './support/measure.js';
import { envInt, envNumber, type RoundsPlan } from './support/rounds.js';
import { makeBenchDir } from './support/servers.js';

const PARTS = ['redis', 'mysql', 'postgresql'] as const;
type Part = (typeof PARTS)[number];

function ratio(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}x` : '-';
}

/** One table row per variant: runs, median, min, max, the median's ratio to variant (a), peak intermediate disk. */
function variantRows(part: string, variants: { id: string; label: string; stats: SampleStats; peakIntermediateBytes?: number }[]): string[][] {
  const a = variants[0];
  return variants.map((v) => [
    `${part} ${v.label}`,
    String(v.stats.n),
    formatSeconds(v.stats.median),
    formatSeconds(v.stats.min),
    formatSeconds(v.stats.max),
    v.id === 'a' ? '1.00x' : ratio(v.stats.median / a.stats.median),
    v.peakIntermediateBytes === undefined ? '-' : formatBytes(v.peakIntermediateBytes),
  ]);
}

export const dataPhaseBenchmark: Benchmark = {
  name: 'data-phase',
  description: 'maintenance window of the data moves: vendor procedure vs generated Jobs (PostgreSQL >= 1 GB, Redis >= 1M keys, MySQL >= 1M rows)',
  async run(): Promise<BenchResult> {
    const started = process.hrtime.bigint();
    const startedAt = new Date().toISOString();
    const parts = (process.env.BENCH_DATA_PHASE_PARTS ?? PARTS.join(','))
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean) as Part[];
    for (const p of parts) if (!PARTS.includes(p)) throw new Error(`BENCH_DATA_PHASE_PARTS: unknown part '${p}' (known: ${PARTS.join(', ')})`);
    const forced = envInt('BENCH_REPEAT');
    const budgetSeconds = envNumber('BENCH_BUDGET_SECONDS') ?? 600;
    const scale = envNumber('BENCH_PG_SCALE') ?? 1;
    const minBytes = envInt('BENCH_PG_MIN_BYTES', 0) ?? (scale >= 1 ? 2 ** 30 : 0);
    const redisKeys = envInt('BENCH_REDIS_KEYS') ?? 1_000_000;
    const mysqlRows = envInt('BENCH_MYSQL_ROWS') ?? 1_000_000;
    const jobVariants = (process.env.BENCH_PG_VARIANTS ?? 'b,c').split(',').map((v) => v.trim()).filter(Boolean);
    for (const v of jobVariants) if (v !== 'b' && v !== 'c') throw new Error(`BENCH_PG_VARIANTS: unknown variant '${v}' (known: b, c)`);
    if (jobVariants.length === 0) throw new Error('BENCH_PG_VARIANTS: name b, c or both');
    const pgVariants = ['a', ...jobVariants, 'd'];
    const plan: RoundsPlan = { wanted: 3, forced, deadline: started + BigInt(Math.round(budgetSeconds * 1e9)) };
    const fullSize = scale >= 1 && minBytes >= 2 ** 30 && redisKeys >= 1_000_000 && mysqlRows >= 1_000_000;

    const machine = await machineInfo();
    progress('data-phase', `${machine.cpus} x ${machine.cpuModel}, ${formatBytes(machine.memoryBytes)} RAM, node ${machine.node}; budget ${budgetSeconds} s${forced ? `, ${forced} rounds forced` : ''}`);
    const { path: root, dispose } = await makeBenchDir('data-phase');
    let redis: RedisResult | undefined;
    let pg: PgResult | undefined;
    let my: MysqlResult | undefined;
    try {
      // Redis first: it is short and predictable, PostgreSQL then gets what is left of the budget.
      if (parts.includes('redis')) redis = await runRedisDataPhase({ root, plan, keys: redisKeys });
      if (parts.includes('mysql')) my = await runMysqlDataPhase({ root, plan, rows: mysqlRows });
      if (parts.includes('postgresql')) pg = await runPostgresqlDataPhase({ root, plan, scale, minBytes, variants: pgVariants });
    } finally {
      await dispose();
    }
    const totalSeconds = secondsSince(started);

    const rows: string[][] = [['variant', 'runs', 'median', 'min', 'max', 'median/(a)', 'peak intermediate disk']];
    const notes: string[] = [];
    if (pg) {
      rows.push(...variantRows('PostgreSQL', pg.variants));
      const a = pg.variants[0];
      const dump = a.samples[0]?.dumpBytes ?? NaN;
      notes.push(
        `PostgreSQL data set: ${formatBytes(pg.dataset.databaseBytes)} (pg_database_size), ` +
          Object.entries(pg.dataset.tables).map(([t, v]) => `${t} ${v.rows.toLocaleString('en-US')} rows / ${formatBytes(v.totalBytes)}`).join(', ') +
          `, ${pg.dataset.indexes} indexes; -Fc dump ${formatBytes(dump)} (the vendor way holds it ${Math.round(a.peakIntermediateBytes / dump)} times)`,
        `PostgreSQL ratios of medians: (b)/(a) = ${ratio(pg.ratios['b/a'])}, (c)/(a) = ${ratio(pg.ratios['c/a'])}; ` +
          `median of per-round ratios: (b)/(a) = ${ratio(pg.pairedRatioMedians['b/a'])}, (c)/(a) = ${ratio(pg.pairedRatioMedians['c/a'])}; ` +
          `ratios of minimums: (b)/(a) = ${ratio(pg.minRatios['b/a'])}, (c)/(a) = ${ratio(pg.minRatios['c/a'])}`,
        `PostgreSQL against pgcopydb (d): ratios of medians (b)/(d) = ${ratio(pg.ratios['b/d'])}, (c)/(d) = ${ratio(pg.ratios['c/d'])}; ` +
          `median of per-round ratios: (b)/(d) = ${ratio(pg.pairedRatioMedians['b/d'])}, (c)/(d) = ${ratio(pg.pairedRatioMedians['c/d'])}; ` +
          `ratios of minimums: (b)/(d) = ${ratio(pg.minRatios['b/d'])}, (c)/(d) = ${ratio(pg.minRatios['c/d'])}`,
      );
      const steps = a.samples.map((s) => s.steps ?? {});
      if (steps.length > 0) {
        notes.push(
          'PostgreSQL (a) median per step: ' +
            Object.keys(steps[0])
              .map((k) => `${k} ${formatSeconds(sampleStats(steps.map((s) => s[k]).filter(Number.isFinite)).median)}`)
              .join(', '),
        );
      }
      notes.push(`PostgreSQL: one untimed warm-up run of (${pg.warmup.charAt(0)}) before round 1 (a fresh target creates its WAL files on the first restore); rounds rotate the order of the variants`);
      if (pg.stoppedEarly) notes.push(`PostgreSQL: ${pg.stoppedEarly}`);
    }
    if (redis) {
      rows.push(...variantRows('Redis', redis.variants));
      notes.push(
        `Redis ${redis.dataset.version} data set: ${redis.dataset.keys.toLocaleString('en-US')} keys (` +
          Object.entries(redis.dataset.byType).map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`).join(', ') +
          `; ${redis.dataset.withTtl.toLocaleString('en-US')} with TTL), dump.rdb ${formatBytes(redis.dataset.rdbBytes)}, used_memory ${formatBytes(redis.dataset.usedMemoryBytes)}; ` +
          `(a) counts the SAVE of the old Redis it copies the dump.rdb of (${formatSeconds(redis.dataset.sourceSaveSeconds)} for one SAVE here; the procedure says to wait "some minutes"), (b) takes a fresh snapshot inside its time; both end with DEBUG DIGEST equal to the source's`,
        `Redis ratio of medians: (b)/(a) = ${ratio(redis.ratios['b/a'])}; median of per-round ratios: ${ratio(redis.pairedRatioMedians['b/a'])}; ratio of minimums: ${ratio(redis.minRatios['b/a'])}`,
      );
      for (const v of redis.variants) {
        const steps = v.samples.map((s) => s.steps);
        if (steps.length > 0) {
          notes.push(
            `Redis ${v.id === 'a' ? '(a)' : '(b)'} median per step: ` +
              Object.keys(steps[0])
                .map((k) => `${k} ${formatSeconds(sampleStats(steps.map((s) => s[k]).filter(Number.isFinite)).median)}`)
                .join(', '),
          );
        }
      }
      notes.push(`Redis: (a) polls the AOF rewrite every ${redis.pollIntervalSeconds} s, as the procedure does by hand; (b) has no rewrite to wait for`);
      if (redis.stoppedEarly) notes.push(`Redis: ${redis.stoppedEarly}`);
    }
    if (my) {
      rows.push(...variantRows('MySQL', my.variants));
      notes.push(
        `MySQL (MariaDB ${my.dataset.version}) data set: ` +
          Object.entries(my.dataset.tables).map(([t, n]) => `${t} ${n.toLocaleString('en-US')} rows`).join(', ') +
          `, ${formatBytes(my.dataset.dataBytes)} data and indexes; (b) also checksums every row of the source (the target's are read back at the cut-over by mysql-verify-copy.sh) and compares row counts and schemas`,
        `MySQL ratio of medians: (b)/(a) = ${ratio(my.ratios['b/a'])}; ratio of minimums: ${ratio(my.minRatios['b/a'])}`,
      );
      if (my.stoppedEarly) notes.push(`MySQL: ${my.stoppedEarly}`);
    }
    const loadAvgAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
    // Runs during which processes outside the benchmark used more than 10 % of the machine's CPU capacity,
    // and each variant's median over the other (undisturbed) runs.
    const busy: string[] = [];
    const shares: number[] = [];
    const undisturbed: Record<string, { n: number; median: number }> = {};
    for (const [part, variants] of [['PostgreSQL', pg?.variants ?? []], ['Redis', redis?.variants ?? []], ['MySQL', my?.variants ?? []]] as const) {
      for (const v of variants) {
        v.samples.forEach((smp, i) => {
          shares.push(smp.otherCpuShare);
          if (smp.otherCpuShare > 0.1) busy.push(`${part} (${v.id}) round ${i + 1} (${formatSeconds(smp.seconds)}, ${(smp.otherCpuShare * 100).toFixed(0)} %)`);
        });
        const st = sampleStats(v.samples.filter((smp) => smp.otherCpuShare <= 0.1).map((smp) => smp.seconds));
        undisturbed[`${part} (${v.id})`] = { n: st.n, median: st.median };
      }
    }
    if (shares.length > 0) {
      notes.push(
        `Other processes on the machine used ${(Math.min(...shares) * 100).toFixed(0)} to ${(Math.max(...shares) * 100).toFixed(0)} % of the CPU capacity during the timed runs` +
          (busy.length > 0
            ? `; above 10 %: ${busy.join(', ')}. Medians of the undisturbed runs: ` +
              Object.entries(undisturbed)
                .map(([k, u]) => `${k} ${u.n > 0 ? `${formatSeconds(u.median)} (n=${u.n})` : '-'}`)
                .join(', ')
            : ''),
      );
    }
    notes.push(
      `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${formatBytes(machine.memoryBytes)} RAM, ${machine.platform} ${machine.kernel}, node ${machine.node}; ` +
        `${machine.tools.postgres ?? '?'}, ${machine.tools['redis-server']?.replace(/ sha=.*/, '') ?? '?'}`,
      'Everything runs on one machine over loopback: oc cp is a local tar stream here, so the vendor figures are a lower bound (no API server, no network to a workstation).',
    );
    if (!fullSize) notes.push(`SCALED DOWN (BENCH_PG_SCALE=${scale}, BENCH_REDIS_KEYS=${redisKeys}, BENCH_MYSQL_ROWS=${mysqlRows}): not the issue's figures.`);

    const complete = parts.length === PARTS.length;
    const file = complete && fullSize ? 'data-phase.json' : `data-phase.${parts.join('+')}${fullSize ? '' : '.scaled'}.json`;
    const resultFile = await writeResultFile(file, {
      benchmark: 'data-phase',
      startedAt,
      finishedAt: new Date().toISOString(),
      totalSeconds,
      complete,
      fullSize,
      machine: { ...machine, loadAvgAtEnd },
      /** Per variant: median of the runs during which other processes used at most 10 % of the CPUs. */
      undisturbedMedians: undisturbed,
      settings: { parts, budgetSeconds, forcedRounds: forced ?? null, wantedRounds: plan.wanted, pgScale: scale, pgMinBytes: minBytes, redisKeys, mysqlRows },
      postgresql: pg ?? null,
      mysql: my ?? null,
      redis: redis ?? null,
      notes,
    });
    return { name: 'data-phase', table: formatTable(rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r']), notes, resultFile, totalSeconds };
  },
};
