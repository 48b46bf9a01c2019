/**
 * Benchmark `diff-scale`: `threescale-migrate diff` against a namespace holding 50, 500 and 5000 objects,
 * served by the loopback Kubernetes API server of the tests: wall time and peak memory of the diff process,
 * and the number of HTTP requests it made. The request count must not grow with the number of objects of a
 * kind (one LIST per kind and namespace); the dry-run PATCHes grow only with the desired objects.
 *
 * The fake server runs in this process; the diff runs as a child process (measured with GNU time when
 * present), exactly as a user runs it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../src/kube/kube-object.js';
import { startFakeApiServer } from '../test/support/fake-api-server.js';
import { readExport } from '../src/live/export-file.js';
import { type Benchmark, type BenchResult, formatTable, progress, REPO_ROOT, secondsSince, writeResultFile } from './benchmark.js';

const SIZES = [50, 500, 5000];
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const CLI = join(REPO_ROOT, 'bin', 'threescale-migrate.js');
const PLAN = join(REPO_ROOT, 'examples', 'postgresql-and-redis', 'migration.yaml');

/** Filler objects number `from` to `count - 1`, of the kinds the diff lists, as many namespaces have (one third each; headless Services, so 5000 fit a test server's service IP range). */
export function filler(count: number, from = 0): KubeObject[] {
  const out: KubeObject[] = [];
  for (let i = from; i < count; i++) {
    const name = `filler-${String(i).padStart(5, '0')}`;
    const kind = i % 3;
    if (kind === 0) out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: '3scale' }, data: { 'app.conf': `line ${i}\n`.repeat(20) } });
    else if (kind === 1) out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: '3scale' }, spec: { clusterIP: 'None', ports: [{ port: 8080 }], selector: { app: name } } });
    else out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: '3scale' } });
  }
  return out;
}

/** Runs a child process to its end without blocking this process's event loop. */
function runChild(command: string, args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

export const diffScaleBenchmark: Benchmark = {
  name: 'diff-scale',
  description: 'diff through the loopback API server with 50, 500 and 5000 objects: time, peak memory, requests',
  async run(): Promise<BenchResult> {
    const started = process.hrtime.bigint();
    const base = await readExport(join(REPO_ROOT, 'test', 'fixtures', 'live-2.15-postgresql.yaml'));
    const rows: string[][] = [['objects in namespace', 'wall time', 'peak RSS', 'requests', 'collections listed', 'LIST pages (500 items each)']];
    const results: Record<string, unknown>[] = [];
    const work = mkdtempSync(join(tmpdir(), 'bench-diff-'));
    try {
      for (const size of SIZES) {
        const objects = [...base, ...filler(Math.max(0, size - base.length))];
        const server = await startFakeApiServer({ objects });
        try {
          const kubeconfig = server.kubeconfigPath('3scale');
          const args = [CLI, 'diff', '-c', PLAN, '--kubeconfig', kubeconfig, '--phase', 'scale-down', '-o', 'json'];
          const start = process.hrtime.bigint();
          // Asynchronous on purpose: the fake API server answers from this process's event loop.
          const run = await runChild(GNU_TIME ?? process.execPath, GNU_TIME ? ['-f', '%M', process.execPath, ...args] : args);
          const seconds = secondsSince(start);
          if (run.status !== 0 && run.status !== 1) throw new Error(`diff failed with ${run.status}: ${run.stderr.slice(-400)}`);
          const peak = GNU_TIME ? Number(run.stderr.trim().split('\n').at(-1)) / 1024 : undefined;
          const requests = server.requests.length;
          // A LIST reads a collection: /…/namespaces/<ns>/<plural>, or a cluster-scoped /…/<version>/<plural>.
          const lists = server.requests.filter((r) => r.method === 'GET' && (/\/namespaces\/[^/]+\/[a-z]+$/.test(r.path) || /^\/api\/v1\/namespaces$/.test(r.path)));
          const perCollection = new Map<string, number>();
          for (const r of lists) perCollection.set(r.path, (perCollection.get(r.path) ?? 0) + 1);
          const collections = perCollection.size;
          progress('diff-scale', `${objects.length} objects: ${seconds.toFixed(2)} s, ${requests} requests`);
          rows.push([String(objects.length), `${seconds.toFixed(2)} s`, peak === undefined ? '-' : `${peak.toFixed(0)} MiB`, String(requests), String(collections), String(lists.length)]);
          results.push({ objects: objects.length, seconds, peakMiB: peak, requests, collectionsListed: collections, listPages: lists.length });
        } finally {
          await server.close();
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    const first = results[0] as { seconds: number; requests: number };
    const last = results.at(-1) as { seconds: number; requests: number };
    const resultFile = await writeResultFile('diff-scale.json', { node: process.version, gnuTime: GNU_TIME !== undefined, results });
    return {
      name: 'diff-scale',
      table: formatTable(rows),
      notes: [
        `time ratio ${SIZES.at(-1)} / ${SIZES[0]} objects: ${(last.seconds / first.seconds).toFixed(2)}x; requests ${first.requests} → ${last.requests}`,
        'requests = discovery + one LIST per kind and namespace (read in pages of 500 items, as kubectl does) + one server-side apply dry-run per distinct desired object that exists',
      ],
      resultFile,
      totalSeconds: secondsSince(started),
    };
  },
};
