/**
 * Benchmark `cli-process`: whole-process time and peak memory of the CLI as a user runs it, against
 * baselines measured in the same run:
 *   - `synth` of every example, against `kubectl kustomize` rendering the same synthesized folders;
 *   - `plan`, `status --help` and `--version`, against a bare `node -e ''` start-up.
 * Targets (issue 6): synth within 3x the kustomize rendering and under 150 MB peak; plan, help and version
 * within 2x bare Node (they load neither cdk8s nor the Kubernetes client).
 *
 * Peak memory comes from GNU time (`/usr/bin/time -f %M`); without it only times are reported.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Benchmark, type BenchResult, formatTable, REPO_ROOT, secondsSince, writeResultFile } from './benchmark.js';
import { GNU_TIME, measureProcess, REPEAT } from './support/process-sample.js';

const CLI = join(REPO_ROOT, 'bin', 'threescale-migrate.js');

/** Every folder with a kustomization.yaml under `dir`. */
function kustomizeFolders(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    if (!name.isDirectory()) continue;
    const path = join(dir, name.name);
    if (existsSync(join(path, 'kustomization.yaml'))) out.push(path);
    else out.push(...kustomizeFolders(path));
  }
  return out.sort();
}

export const cliProcessBenchmark: Benchmark = {
  name: 'cli-process',
  description: 'whole-process time and peak memory of synth, plan, --help, --version against kustomize and bare node',
  async run(): Promise<BenchResult> {
    const started = process.hrtime.bigint();
    // Every bundled example, whatever its plan kind: migration.yaml, or install.yaml for a fresh install.
    const planFile = (example: string) => ['migration.yaml', 'install.yaml'].map((f) => `examples/${example}/${f}`).find((f) => existsSync(join(REPO_ROOT, f)));
    const examples = readdirSync(join(REPO_ROOT, 'examples')).filter((e) => planFile(e) !== undefined).sort();
    const work = mkdtempSync(join(tmpdir(), 'bench-cli-'));
    const rows: string[][] = [['command', 'median', 'min', 'max', 'peak RSS', 'ratio', 'target']];
    const json: Record<string, unknown>[] = [];
    const fmt = (s: number) => `${(s * 1000).toFixed(0)} ms`;
    const mib = (m: number | undefined) => (m === undefined ? '-' : `${m.toFixed(0)} MiB`);
    try {
      const node = measureProcess('cli-process', "node -e ''", process.execPath, ['-e', '']);
      rows.push([node.label, fmt(node.median), fmt(node.min), fmt(node.max), mib(node.peakMiB), '1.00x', 'baseline']);
      json.push({ ...node, baseline: true });
      for (const args of [['--version'], ['status', '--help'], ['plan', '-c', 'examples/managed-rds-and-elasticache/migration.yaml']]) {
        const m = measureProcess('cli-process', `threescale-migrate ${args.join(' ')}`, process.execPath, [CLI, ...args]);
        const ratio = m.median / node.median;
        rows.push([m.label, fmt(m.median), fmt(m.min), fmt(m.max), mib(m.peakMiB), `${ratio.toFixed(2)}x`, ratio <= 2 ? 'ok (<= 2x node)' : 'MISSED (<= 2x node)']);
        json.push({ ...m, ratioToNode: ratio });
      }
      for (const example of examples) {
        const out = join(work, example);
        const synth = measureProcess('cli-process', `synth ${example}`, process.execPath, [CLI, 'synth', '-c', planFile(example)!, '--out', out]);
        const folders = kustomizeFolders(out);
        const kustomize = measureProcess('cli-process', `kubectl kustomize x${folders.length} (${example})`, 'bash', ['-c', folders.map((f) => `kubectl kustomize ${f} >/dev/null`).join(' && ')]);
        const ratio = synth.median / kustomize.median;
        rows.push([kustomize.label, fmt(kustomize.median), fmt(kustomize.min), fmt(kustomize.max), mib(kustomize.peakMiB), '1.00x', 'baseline']);
        const memOk = synth.peakMiB === undefined || synth.peakMiB < 150;
        rows.push([synth.label, fmt(synth.median), fmt(synth.min), fmt(synth.max), mib(synth.peakMiB), `${ratio.toFixed(2)}x`, ratio <= 3 && memOk ? 'ok (<= 3x, < 150 MiB)' : 'MISSED (<= 3x, < 150 MiB)']);
        json.push({ ...kustomize, baseline: true }, { ...synth, ratioToKustomize: ratio, folders: folders.length });
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    const resultFile = await writeResultFile('cli-process.json', { repeat: REPEAT, gnuTime: GNU_TIME !== undefined, node: process.version, results: json });
    return {
      name: 'cli-process',
      table: formatTable(rows, ['l', 'r', 'r', 'r', 'r', 'r', 'l']),
      notes: [
        `${REPEAT} runs each after one warm-up; ratios are medians against the baseline measured in this run`,
        'kubectl kustomize renders the same folders synth wrote; it is one process per folder, as a GitOps engine renders them',
        ...(GNU_TIME ? [] : ['/usr/bin/time is missing: peak memory not measured']),
      ],
      resultFile,
      totalSeconds: secondsSince(started),
    };
  },
};
