/**
 * Benchmark `synth-scale`: how `plan` and `synth` grow with the one plan input that grows with an install, the
 * tenants of a template-era 2.5 install. Each tenant brings its admin and developer portal routes, and one
 * service with its staging and production gateway routes and a deployment option to set before Zync's resync
 * (seed 003, section 2.9). The migration plans do not grow: their 12 Deployments and three databases are fixed,
 * and the live objects `diff` reads are measured by `diff-scale`.
 *
 * Baseline: the same commands on the 1-tenant plan, measured in the same run.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type Benchmark, type BenchResult, formatBytes, formatTable, REPO_ROOT, secondsSince, writeResultFile } from './benchmark.js';
import { GNU_TIME, measureProcess, REPEAT } from './support/process-sample.js';

const CLI = join(REPO_ROOT, 'bin', 'threescale-migrate.js');
const EXAMPLE = join(REPO_ROOT, 'examples', 'template-2.5-to-2.6', 'migration.yaml');
const TENANTS = [1, 10, 100, 1000];

/** The template example with `tenants` tenants' routes and services (the example's own tenant is tenant 1). */
export function planWithTenants(tenants: number): string {
  const plan = parse(readFileSync(EXAMPLE, 'utf8')) as { spec: { routes: { found: { name: string; host: string }[]; serviceDeploymentOptions: object[] } } };
  const routes = plan.spec.routes;
  for (let t = 2; t <= tenants; t++) {
    const domain = 'apps.example.com';
    routes.found.push(
      { name: `tenant-${t}-provider-admin`, host: `tenant-${t}-admin.${domain}` },
      { name: `tenant-${t}-developer`, host: `tenant-${t}.${domain}` },
      { name: `api-${t}-apicast-staging`, host: `api-${t}-tenant-${t}-apicast-staging.${domain}` },
      { name: `api-${t}-apicast-production`, host: `api-${t}-tenant-${t}-apicast-production.${domain}` },
    );
    routes.serviceDeploymentOptions.push({ tenantUrl: `https://tenant-${t}-admin.${domain}`, serviceId: t + 1, deploymentOption: t % 2 === 0 ? 'hosted' : 'self_managed' });
  }
  return stringify(plan);
}

/** Total bytes and files written under `dir`. */
function treeSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = treeSize(path);
      bytes += sub.bytes;
      files += sub.files;
    } else {
      bytes += statSync(path).size;
      files += 1;
    }
  }
  return { bytes, files };
}

export const synthScaleBenchmark: Benchmark = {
  name: 'synth-scale',
  description: 'plan and synth of a 2.5 template upgrade plan with 1, 10, 100 and 1000 tenants (routes and services)',
  async run(): Promise<BenchResult> {
    const started = process.hrtime.bigint();
    const work = mkdtempSync(join(tmpdir(), 'bench-synth-scale-'));
    const rows: string[][] = [['tenants', 'plan file', 'plan', 'ratio', 'synth', 'ratio', 'peak RSS', 'dist/']];
    const json: Record<string, unknown>[] = [];
    const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;
    try {
      let base: { plan: number; synth: number } | undefined;
      for (const tenants of TENANTS) {
        const file = join(work, `plan-${tenants}.yaml`);
        writeFileSync(file, planWithTenants(tenants));
        const out = join(work, `dist-${tenants}`);
        const plan = measureProcess('synth-scale', `plan, ${tenants} tenants`, process.execPath, [CLI, 'plan', '-c', file]);
        const synth = measureProcess('synth-scale', `synth, ${tenants} tenants`, process.execPath, [CLI, 'synth', '-c', file, '--out', out]);
        base ??= { plan: plan.median, synth: synth.median };
        const dist = existsSync(out) ? treeSize(out) : { bytes: 0, files: 0 };
        rows.push([
          String(tenants),
          formatBytes(statSync(file).size),
          ms(plan.median),
          `${(plan.median / base.plan).toFixed(2)}x`,
          ms(synth.median),
          `${(synth.median / base.synth).toFixed(2)}x`,
          synth.peakMiB === undefined ? '-' : `${synth.peakMiB.toFixed(0)} MiB`,
          `${formatBytes(dist.bytes)}, ${dist.files} files`,
        ]);
        json.push({ tenants, planFileBytes: statSync(file).size, plan, synth, planRatio: plan.median / base.plan, synthRatio: synth.median / base.synth, dist });
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    const resultFile = await writeResultFile('synth-scale.json', { repeat: REPEAT, gnuTime: GNU_TIME !== undefined, node: process.version, results: json });
    return {
      name: 'synth-scale',
      table: formatTable(rows),
      notes: [
        `${REPEAT} runs each after one warm-up; ratios are medians against the 1-tenant plan measured in this run`,
        'each tenant adds 4 routes and 1 service deployment option to spec.routes of examples/template-2.5-to-2.6',
        ...(GNU_TIME ? [] : ['/usr/bin/time is missing: peak memory not measured']),
      ],
      resultFile,
      totalSeconds: secondsSince(started),
    };
  },
};
