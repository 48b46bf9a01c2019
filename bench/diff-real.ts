/**
 * Benchmark `diff-real`: `threescale-migrate diff` of the PostgreSQL example's scale-down folder against the
 * tests' real kube-apiserver holding the exported 2.15 install plus unrelated objects (50, 500 and 5000 in
 * all), against `kubectl diff --server-side --force-conflicts -k` of the same folder (the kubectl built with
 * the server) in the same run: HTTP requests, wall time and peak memory, as ratios to kubectl.
 *
 * Both run as child processes, as a user runs them. Requests: ours are counted by a plain-HTTP counting proxy
 * in front of the server (a separate run, so the proxy never adds to the timed one), kubectl's from its
 * `-v=6` request log (also a separate run). Needs the binaries of test/envtest/build.sh.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../src/kube/kube-object.js';
import { readExport } from '../src/live/export-file.js';
import { writeKubeconfig } from '../test/support/fake-api-server.js';
import { adminEndpoint, checkEnvtestBinaries, createNamespace, startRealApiServer } from '../test/support/real-api/index.js';
import { apiRequestOk, type ApiEndpoint } from '../test/support/real-api/api-request.js';
import { resourcePath } from '../test/support/real-api/resource-paths.js';
import { seedObjects } from '../test/support/real-api/seed-objects.js';
import { type Benchmark, type BenchResult, formatTable, progress, REPO_ROOT, secondsSince, writeResultFile } from './benchmark.js';
import { filler } from './diff-scale.js';

const SIZES = [50, 500, 5000];
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const CLI = join(REPO_ROOT, 'bin', 'threescale-migrate.js');
const PLAN = join(REPO_ROOT, 'examples', 'postgresql-and-redis', 'migration.yaml');
const FOLDER = '02-scale-down';

interface Run {
  readonly seconds: number;
  readonly peakMiB: number | undefined;
  /** User plus system CPU seconds (GNU time): steadier than wall time on a loaded machine. */
  readonly cpuSeconds: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** Timed rounds of each command per size (`BENCH_DIFF_REAL_RUNS` overrides); the table shows their medians. */
const RUNS = Math.max(1, Number(process.env.BENCH_DIFF_REAL_RUNS ?? 3));

/** The median of each measure over the runs (wall time, CPU and peak memory each on its own). */
function medianRun(runs: readonly Run[]): Run {
  const median = (values: readonly (number | undefined)[]): number | undefined => {
    const known = values.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    return known.length === 0 ? undefined : known[Math.floor((known.length - 1) / 2)];
  };
  return { seconds: median(runs.map((r) => r.seconds))!, peakMiB: median(runs.map((r) => r.peakMiB)), cpuSeconds: median(runs.map((r) => r.cpuSeconds)), stdout: runs[0]!.stdout, stderr: runs[0]!.stderr };
}

/** Server-side applies objects as they are (the fillers' headless Services keep `clusterIP: None`). */
async function applyAll(endpoint: ApiEndpoint, objects: readonly KubeObject[]): Promise<void> {
  for (const o of objects) {
    const path = await resourcePath(endpoint, { apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });
    await apiRequestOk(endpoint, { method: 'PATCH', path: `${path}?fieldManager=bench-filler&force=true`, body: JSON.stringify(o), contentType: 'application/apply-patch+yaml' });
  }
}

/** Runs a command to its end (asynchronously: the counting proxy answers from this process), timed, with GNU time's peak RSS. */
function timedChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const argv = GNU_TIME ? ['-f', 'CPU_S %U %S PEAK_KIB %M', command, ...args] : [...args];
    const child = spawn(GNU_TIME ?? command, argv, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const seconds = secondsSince(start);
      const peak = /PEAK_KIB (\d+)\s*$/.exec(stderr);
      const cpu = /CPU_S ([\d.]+) ([\d.]+) PEAK_KIB/.exec(stderr);
      if (status !== 0 && status !== 1) reject(new Error(`${command} ${args.join(' ')} exited ${status}: ${stderr.slice(-600)}`));
      else resolve({ seconds, peakMiB: peak ? Number(peak[1]) / 1024 : undefined, cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined, stdout, stderr });
    });
  });
}

/** A plain-HTTP proxy to the server that counts the requests passing through it. */
async function countingProxy(target: string, caPem: string): Promise<{ url: string; count: () => number; reset: () => void; close: () => Promise<void> }> {
  let requests = 0;
  const upstream = new URL(target);
  const agent = new https.Agent({ ca: caPem, keepAlive: true });
  const server = http.createServer((req, res) => {
    requests += 1;
    const out = https.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host }, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => requests,
    reset: () => (requests = 0),
    close: () =>
      new Promise<void>((r) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const diffRealBenchmark: Benchmark = {
  name: 'diff-real',
  description: 'diff vs kubectl diff --server-side -k of the PostgreSQL scale-down folder on a real kube-apiserver with 50, 500, 5000 objects',
  async run(): Promise<BenchResult> {
    const started = process.hrtime.bigint();
    if (!checkEnvtestBinaries().ok) throw new Error('diff-real needs the real API server binaries: bash test/envtest/build.sh');
    const work = mkdtempSync(join(tmpdir(), 'bench-diff-real-'));
    const server = await startRealApiServer();
    const proxy = await countingProxy(server.url, server.caPem);
    const rows: string[][] = [['objects', 'ours: requests', 'kubectl: requests', 'ratio', 'ours: time', 'kubectl: time', 'ratio', 'ours, not cached: time', 'ratio', 'ours: CPU', 'not cached: CPU', 'kubectl: CPU', 'ratio', 'ours: peak', 'kubectl: peak', 'ratio']];
    // The render cache of this run: synth fills it, as a user's synth does; the uncached run renders every phase.
    const cached = { ...process.env, THREESCALE_MIGRATE_CACHE_DIR: join(work, 'cache') };
    const uncached = { ...process.env, THREESCALE_MIGRATE_CACHE_DIR: 'off' };
    const results: Record<string, unknown>[] = [];
    try {
      const dist = join(work, 'dist');
      const synth = await timedChild(process.execPath, [CLI, 'synth', '-c', PLAN, '--out', dist], cached);
      if (!existsSync(join(dist, FOLDER))) throw new Error(`synth wrote no ${FOLDER}: ${synth.stderr.slice(-400)}`);
      const kubeconfig = await server.kubeconfig();
      const proxied = writeKubeconfig(join(work, 'proxied-kubeconfig'), { server: proxy.url, token: server.adminToken });
      const base = await readExport(join(REPO_ROOT, 'test', 'fixtures', 'live-2.15-postgresql.yaml'));
      const endpoint = adminEndpoint(server);
      await seedObjects(endpoint, base);
      // The folder's new namespace exists before kubectl diff dry-runs objects in it (the preflight phase creates it).
      await createNamespace(endpoint, '3scale-db');
      let seeded = base.length;
      for (const size of SIZES) {
        if (size > seeded) {
          await applyAll(endpoint, filler(size, seeded));
          seeded = size;
        }
        const ours = [CLI, 'diff', '-c', PLAN, '--phase', 'scale-down', '-o', 'json'];
        const kubectl = ['diff', '--server-side', '--force-conflicts', '-k', join(dist, FOLDER)];
        // RUNS rounds of the three, interleaved, so that a burst of load on the shared machine hits each alike.
        const rounds: { ours: Run; cold: Run; kubectl: Run }[] = [];
        for (let round = 0; round < RUNS; round += 1) {
          const oursRound = await timedChild(process.execPath, [...ours, '--kubeconfig', kubeconfig], cached);
          const coldRound = await timedChild(process.execPath, [...ours, '--kubeconfig', kubeconfig], uncached);
          // The cache changes no verdict: the JSON report is the same byte for byte with and without it.
          if (oursRound.stdout !== coldRound.stdout || oursRound.stdout === '') throw new Error(`diff-real: the report from the render cache differs from the rendered one at ${size} objects`);
          rounds.push({ ours: oursRound, cold: coldRound, kubectl: await timedChild(server.kubectl, [...kubectl, '--kubeconfig', kubeconfig]) });
        }
        const oursRun = medianRun(rounds.map((r) => r.ours));
        const coldRun = medianRun(rounds.map((r) => r.cold));
        const kubectlRun = medianRun(rounds.map((r) => r.kubectl));
        proxy.reset();
        await timedChild(process.execPath, [...ours, '--kubeconfig', proxied], cached);
        const oursRequests = proxy.count();
        const logged = await timedChild(server.kubectl, [...kubectl, '--kubeconfig', kubeconfig, '-v=6']);
        const kubectlRequests = logged.stderr.split('\n').filter((l) => /round_trippers.go.*"Response".*(verb|method)=|\] (GET|PATCH|POST|PUT|DELETE) https?:\/\//.test(l)).length;
        const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? `${(a / b).toFixed(2)}x` : '-');
        progress('diff-real', `${size} objects: ours ${oursRun.seconds.toFixed(2)} s / ${oursRequests} requests, kubectl ${kubectlRun.seconds.toFixed(2)} s / ${kubectlRequests} requests`);
        rows.push([
          String(size),
          String(oursRequests),
          String(kubectlRequests),
          ratio(oursRequests, kubectlRequests),
          `${oursRun.seconds.toFixed(2)} s`,
          `${kubectlRun.seconds.toFixed(2)} s`,
          ratio(oursRun.seconds, kubectlRun.seconds),
          `${coldRun.seconds.toFixed(2)} s`,
          ratio(coldRun.seconds, kubectlRun.seconds),
          ...[oursRun, coldRun, kubectlRun].map((r) => (r.cpuSeconds === undefined ? '-' : `${r.cpuSeconds.toFixed(2)} s`)),
          ratio(oursRun.cpuSeconds, kubectlRun.cpuSeconds),
          oursRun.peakMiB === undefined ? '-' : `${oursRun.peakMiB.toFixed(0)} MiB`,
          kubectlRun.peakMiB === undefined ? '-' : `${kubectlRun.peakMiB.toFixed(0)} MiB`,
          ratio(oursRun.peakMiB, kubectlRun.peakMiB),
        ]);
        results.push({ objects: size, ours: { requests: oursRequests, seconds: oursRun.seconds, peakMiB: oursRun.peakMiB, uncachedSeconds: coldRun.seconds, uncachedPeakMiB: coldRun.peakMiB, cpuSeconds: oursRun.cpuSeconds, uncachedCpuSeconds: coldRun.cpuSeconds }, kubectl: { requests: kubectlRequests, seconds: kubectlRun.seconds, peakMiB: kubectlRun.peakMiB, cpuSeconds: kubectlRun.cpuSeconds } });
      }
    } finally {
      await proxy.close();
      await server.stop();
      rmSync(work, { recursive: true, force: true });
    }
    const resultFile = await writeResultFile('diff-real.json', { node: process.version, gnuTime: GNU_TIME !== undefined, folder: FOLDER, runs: RUNS, results });
    return {
      name: 'diff-real',
      table: formatTable(rows),
      notes: [
        'ratios are ours / kubectl diff --server-side --force-conflicts -k of the same folder, same server, same run',
        `times, CPU and peak memory are medians of ${RUNS} interleaved rounds (ours, ours not cached, kubectl) per size`,
        'ours: the phases read from the render cache synth filled; not cached: rendered (THREESCALE_MIGRATE_CACHE_DIR=off), the same JSON report byte for byte (checked)',
        'ours: one LIST per kind and namespace and one dry-run per rendered object that exists, every phase judged; kubectl: one GET and one dry-run per object of the folder',
      ],
      resultFile,
      totalSeconds: secondsSince(started),
    };
  },
};
