/**
 * Benchmark `promotion-argo`: the wall time of a promotion with Argo CD's engine, from the commit to the one
 * Application `Succeeded`, `Healthy` and `Synced` (one automated sync of the folder by test/envtest/argo's
 * harness around gitops-engine: waves, hook Jobs waited for, health, sync status), against `kubectl apply
 * --server-side -k` of the same folder (the kubectl built with the server), as a ratio, same run.
 *
 * Each side has its own real kube-apiserver with the 2.15 PostgreSQL install seeded and the walks' controller
 * stand-ins ticking (Deployment status, claims binding on first use, Jobs completing, the operator), and goes
 * through the same folders in the same order, so both start every folder from the same state. kubectl does not
 * wait for the Jobs or the rollout, the engine does: the ratio is the price of a promotion that ends in a
 * verified state. Needs the binaries of test/envtest/build.sh and build-gitops-engines.sh.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readExport } from '../src/live/export-file.js';
import { argoSync, luaHealthArgs } from '../test/support/gitops-walk/argo-engine.js';
import { controllersTick, seedInstall } from '../test/support/gitops-walk/cluster-actors.js';
import { adminEndpoint, checkEnvtestBinaries, startRealApiServer, type RealApiServer } from '../test/support/real-api/index.js';
import { type Benchmark, type BenchResult, formatTable, progress, REPO_ROOT, secondsSince, writeResultFile } from './benchmark.js';

const CLI = join(REPO_ROOT, 'bin', 'threescale-migrate.js');
const PLAN = join(REPO_ROOT, 'examples', 'postgresql-and-redis', 'migration.yaml');
const NAMESPACES = ['3scale', '3scale-db'];
const FOLDERS = ['00-preflight', '01-prepare', '02-scale-down', '03-copy-data', '04-load-redis', '05-cutover'];

/** A seeded server with the controllers ticking until `stop`. */
async function cluster(): Promise<{ server: RealApiServer; kubeconfig: string; stop: () => Promise<void> }> {
  const server = await startRealApiServer();
  const endpoint = adminEndpoint(server);
  await seedInstall(endpoint, await readExport(join(REPO_ROOT, 'test', 'fixtures', 'live-2.15-postgresql.yaml')), 'gp3-csi');
  let ticking = true;
  const ticker = (async () => {
    while (ticking) {
      await controllersTick(endpoint, { namespaces: NAMESPACES, threescaleNamespace: '3scale', operator: { namespace: '3scale', name: 'threescale-operator-controller-manager-v2' } }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    server,
    kubeconfig: await server.kubeconfig(),
    stop: async () => {
      ticking = false;
      await ticker;
      await server.stop();
    },
  };
}

export const promotionArgoBenchmark: Benchmark = {
  name: 'promotion-argo',
  description: 'a promotion synced by Argo CD\'s gitops-engine to Healthy and Synced vs kubectl apply --server-side -k of the same folder, PostgreSQL example preflight to cutover',
  async run(): Promise<BenchResult> {
    const started = process.hrtime.bigint();
    if (!checkEnvtestBinaries().ok) throw new Error('promotion-argo needs the real API server binaries: bash test/envtest/build.sh');
    // The harness of the current sources, from the cache (built when missing; the script prints its path).
    const built = spawnSync('bash', [join(REPO_ROOT, 'test', 'envtest', 'build-gitops-engines.sh'), 'argo'], { encoding: 'utf8' });
    const binary = built.stdout.trim().split('\n').pop() ?? '';
    if (built.status !== 0 || !binary) throw new Error(`promotion-argo: bash test/envtest/build-gitops-engines.sh argo failed: ${built.stderr.slice(-400)}`);
    const work = mkdtempSync(join(tmpdir(), 'bench-promotion-argo-'));
    const rows: string[][] = [['folder', 'engine: commit to Healthy+Synced', 'syncs', 'kubectl apply --server-side', 'ratio']];
    const results: Record<string, unknown>[] = [];
    const engineSide = await cluster();
    const kubectlSide = await cluster();
    try {
      const dist = join(work, 'dist');
      const synth = spawnSync(process.execPath, [CLI, 'synth', '-c', PLAN, '--out', dist, '--gitops', 'argocd'], { encoding: 'utf8' });
      if (synth.status !== 0) throw new Error(`synth: ${synth.stderr}`);
      const luaArgs = luaHealthArgs(work);
      for (const folder of FOLDERS) {
        // Automated syncs of the commit until the Application is Succeeded, Healthy and Synced (as the walks wait).
        const t0 = process.hrtime.bigint();
        let syncs = 0;
        for (;;) {
          const sync = await argoSync(binary, { kubeconfig: engineSide.kubeconfig, dir: join(dist, folder), app: 'prod-3scale-migration', namespace: '3scale', revision: folder, luaArgs, timeoutSeconds: 120 });
          syncs += 1;
          if (sync.phase === 'Succeeded' && sync.health === 'Healthy' && sync.sync.status === 'Synced') break;
          if (syncs === 10) throw new Error(`${folder}: ${sync.phase} ${sync.health} ${sync.sync.status} ${sync.sync.outOfSync.join('; ')} ${sync.message}`);
        }
        const engineSeconds = secondsSince(t0);
        const t1 = process.hrtime.bigint();
        const apply = spawnSync(kubectlSide.server.kubectl, ['apply', '--server-side', '--force-conflicts', '--field-manager', 'argocd-controller', '-k', join(dist, folder), '--kubeconfig', kubectlSide.kubeconfig], { encoding: 'utf8' });
        const kubectlSeconds = secondsSince(t1);
        if (apply.status !== 0) throw new Error(`kubectl apply ${folder}: ${apply.stderr}`);
        progress('promotion-argo', `${folder}: engine ${engineSeconds.toFixed(2)} s (${syncs} syncs), kubectl ${kubectlSeconds.toFixed(2)} s`);
        rows.push([folder, `${engineSeconds.toFixed(2)} s`, String(syncs), `${kubectlSeconds.toFixed(2)} s`, `${(engineSeconds / kubectlSeconds).toFixed(2)}x`]);
        results.push({ folder, engineSeconds, syncs, kubectlSeconds });
      }
    } finally {
      await engineSide.stop();
      await kubectlSide.stop();
      rmSync(work, { recursive: true, force: true });
    }
    const resultFile = await writeResultFile('promotion-argo.json', { node: process.version, results });
    return {
      name: 'promotion-argo',
      table: formatTable(rows),
      notes: [
        'ratio: engine / kubectl apply --server-side --force-conflicts -k of the same folder, each on its own seeded server, same run',
        'the engine waits for the hook Jobs of each wave and for health (the stand-ins tick every 200 ms); kubectl only applies',
      ],
      resultFile,
      totalSeconds: secondsSince(started),
    };
  },
};
