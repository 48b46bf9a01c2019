/**
 * The PostgreSQL migration walked by Argo CD's engine for real: gitops-engine (pinned in test/envtest/argo/go.mod)
 * syncs the folder the one Application points at, against the real kube-apiserver, with the Application's sync
 * options (server-side apply as argocd-controller, no prune), sync waves and Sync hooks, and the rendered Lua
 * health checks run in gopher-lua; a default StorageClass binds on first use, the controllers, the Jobs and the
 * 3scale operator are played by the harness. Every step is one `promote` and one commit; each commit is synced
 * as Argo CD's automated sync would. Fails with CI set when the harness is not built.
 */
import { join } from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { argoHarnessBinary, checkEngine } from '../support/gitops-engines.js';
import { argoSync, type ArgoSync, luaHealthArgs } from '../support/gitops-walk/argo-engine.js';
import { listObjects } from '../support/gitops-walk/cluster-actors.js';
import { statusAgrees, useWalkSuite, waitFor, WALK_PLAN as PLAN } from '../support/gitops-walk/walk-suite.js';

const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];
const APP = 'prod-3scale-migration';
/** Bound on one sync operation (Argo CD's default has none; a bound makes a stuck wave fail the test). */
const SYNC_TIMEOUT_S = 40;

const argo = checkEngine('argo-harness (gitops-engine + gopher-lua)', argoHarnessBinary());

describe.skipIf(argo.skip)('Argo CD (gitops-engine) walks the PostgreSQL migration on the real API server', () => {
  const walk = useWalkSuite('argo-walk-', []);
  let binary = '';
  let luaArgs: string[] = [];

  beforeAll(() => {
    binary = argo.require();
    luaArgs = luaHealthArgs(walk.tmp());
  });

  /** The folder the committed Application points at, synced as one automated sync. */
  async function syncPointer(revision: string, repeat = 1): Promise<{ folder: string; result: ArgoSync }> {
    const app = parse(readFileSync(join(walk.out(), 'gitops', 'argocd', 'application.yaml'), 'utf8')) as { metadata: { annotations: Record<string, string> }; spec: { destination: { namespace: string } } };
    const folder = app.metadata.annotations['threescale-migrate.3scale.net/phase']!;
    const result = await argoSync(binary, { kubeconfig: walk.kubeconfig(), dir: join(walk.out(), folder), app: APP, namespace: app.spec.destination.namespace, revision, luaArgs, timeoutSeconds: SYNC_TIMEOUT_S, repeat });
    return { folder, result };
  }

  const brief = (r: ArgoSync) => `${r.phase} ${r.message} health ${r.health}: ${r.resources.filter((x) => (x.health && x.health !== 'Healthy') || (x.result && x.result !== 'Synced')).map((x) => `${x.key} ${x.result ?? ''}${x.health ?? ''} ${x.message ?? ''}`).join('; ')}; tick errors: ${walk.tickErrors.slice(-3).join(' | ')}`;

  test('GIVEN the Application committed once WHEN every phase is promoted in turn THEN each sync succeeds Healthy, one folder is pointed at, status agrees, nothing flips', async () => {
    for (const [i, id] of FORWARD.entries()) {
      // WHEN the one command of a promotion runs, its output is committed and Argo CD syncs the commit
      const promoted = await runCli(['promote', '-c', PLAN, '--kubeconfig', walk.kubeconfig(), '--field-manager', 'argocd', '--to', id, '--gitops', 'argocd', '--out', walk.out()]);
      expect(promoted.code, `${id}: ${promoted.stdout}${promoted.stderr}`).toBe(0);
      const artifact = walk.git().commit(`3scale migration: ${id}`);

      // THEN the sync succeeds and the Application is Healthy within the bound
      const folder = `${String(i).padStart(2, '0')}-${id}`;
      let last: ArgoSync | undefined;
      const synced = await waitFor(`${folder} synced Healthy`, SYNC_TIMEOUT_S * 1000, async () => {
        const s = await syncPointer(artifact.revision);
        expect(s.folder).toBe(folder);
        last = s.result;
        return s.result.phase === 'Succeeded' && s.result.health === 'Healthy' ? s.result : undefined;
      }, async () => (last ? brief(last) : 'no sync finished'));
      expect(synced.phase).toBe('Succeeded');
      // AND status agrees
      await statusAgrees(walk, id, 'argocd');
      // AND nothing flips across three more automated syncs (a generation only grows, so equal means no change)
      const before = await walk.generations();
      const again = await syncPointer(artifact.revision, 3);
      expect(again.result.runs, brief(again.result)).toEqual(['Succeeded Healthy', 'Succeeded Healthy', 'Succeeded Healthy']);
      expect(await walk.generations(), id).toEqual(before);
    }
    // AND the new Redis claims were never what held a phase: they bound when load-redis started their pods
    const claims = await listObjects(walk.admin(), 'v1', 'PersistentVolumeClaim', '3scale-db');
    expect(claims.map((c) => c.status?.phase)).toEqual(['Bound', 'Bound', 'Bound']);
  }, 3_600_000);
});
