/**
 * Benchmark runner: `npm run bench` runs every registered benchmark; `node build/bench/run.js <filter>...`
 * runs those whose name contains one of the filters; `--list` prints the registry.
 *
 * To add a benchmark: write bench/<name>.ts exporting a Benchmark (see bench/benchmark.ts) and append it
 * to BENCHMARKS below. Benchmarks are never part of `npm test` (vitest only includes test/**\/*.test.ts).
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark, BenchResult } from './benchmark.js';
import { formatSeconds } from './benchmark.js';
import { cliProcessBenchmark } from './cli-process.js';
import { copyProgressBenchmark } from './copy-progress.js';
import { dataPhaseBenchmark } from './data-phase.js';
import { diffRealBenchmark } from './diff-real.js';
import { diffScaleBenchmark } from './diff-scale.js';
import { promotionArgoBenchmark } from './promotion-argo.js';
import { synthScaleBenchmark } from './synth-scale.js';
import { beginShutdown, runCleanups } from './support/servers.js';

/** The registry, in run order. */
export const BENCHMARKS: Benchmark[] = [cliProcessBenchmark, synthScaleBenchmark, diffScaleBenchmark, diffRealBenchmark, dataPhaseBenchmark, copyProgressBenchmark, promotionArgoBenchmark];

function usage(): string {
  return [
    'usage: node build/bench/run.js [--list] [filter...]',
    '  filter  run the benchmarks whose name contains it (default: all)',
    '',
    'benchmarks:',
    ...BENCHMARKS.map((b) => `  ${b.name}${b.description ? `  ${b.description}` : ''}`),
  ].join('\n');
}

/** Set on SIGINT/SIGTERM: no further benchmark starts, the cleanup runs, the exit code is 130. */
let interrupted = false;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage());
    return 0;
  }
  if (argv.includes('--list')) {
    for (const b of BENCHMARKS) console.log(b.name);
    return 0;
  }
  const filters = argv.filter((a) => !a.startsWith('-'));
  const selected = filters.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => filters.some((f) => b.name.includes(f)));
  if (selected.length === 0) {
    console.error(`no benchmark matches ${filters.join(', ')}\n\n${usage()}`);
    return 2;
  }

  const started = process.hrtime.bigint();
  const failed: string[] = [];
  for (const b of selected) {
    if (interrupted) break;
    console.log(`\n=== ${b.name} ===`);
    let result: BenchResult;
    try {
      result = await b.run();
    } catch (e) {
      failed.push(b.name);
      if (!interrupted) console.error(`benchmark ${b.name} FAILED: ${(e as Error).stack ?? String(e)}`);
      await runCleanups();
      continue;
    }
    console.log(result.table);
    for (const n of result.notes ?? []) console.log(`  * ${n}`);
    if (result.resultFile) console.log(`  results: ${result.resultFile}`);
    console.log(`  wall time of ${b.name}: ${formatSeconds(result.totalSeconds)}`);
  }
  await runCleanups();
  if (interrupted) return 130;
  console.log(`\n${selected.length - failed.length}/${selected.length} benchmark(s) done in ${formatSeconds(Number(process.hrtime.bigint() - started) / 1e9)}`);
  return failed.length > 0 ? 1 : 0;
}

/** True when this module is the program (node build/bench/run.js), not imported for its registry. */
function isEntry(): boolean {
  const entry = process.argv[1];
  return !!entry && realpathSync(resolve(entry)) === realpathSync(fileURLToPath(import.meta.url));
}

if (isEntry()) {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      beginShutdown();
      console.error(`\n${sig}: stopping servers and removing temp folders ...`);
      void runCleanups().finally(() => process.exit(130));
    });
  }
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    async (e: unknown) => {
      console.error(e);
      await runCleanups();
      process.exit(1);
    },
  );
}
