/**
 * The MySQL-in-place migration walked by Argo CD's engine for real (see argocd-walk.test.ts for the engine): the
 * 2.15 MySQL install seeded, the plan written by the real `discover` (the detach list as found) with the GitOps
 * wiring added, then every phase from preflight to verify by one `promote` and one commit each. The cut-over's
 * detach Job does what its script does: the guarded JSON patches of the plan's detach list, on the live objects.
 * Fails with CI set when the harness is not built.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, test } from 'vitest';
import { mysqlDetachSteps } from '../../src/procedures/externalize-on-cluster/mysql-detach.js';
import { runCli } from '../support/cli.js';
import { argoHarnessBinary, checkEngine } from '../support/gitops-engines.js';
import { argoWalk } from '../support/gitops-walk/argo-walk.js';
import { listObjects } from '../support/gitops-walk/cluster-actors.js';
import { useWalkSuite } from '../support/gitops-walk/walk-suite.js';
import { loadMigrationPlan } from '../support/plans.js';
import { apiRequest, resourcePath, type ApiEndpoint } from '../support/real-api/index.js';
import type { KubeObject } from '../../src/kube/kube-object.js';

const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];

const argo = checkEngine('argo-harness (gitops-engine + gopher-lua)', argoHarnessBinary());

/** `discover` against the seeded install, and the wiring a user adds: the repository and the folder in it. */
async function discoveredPlan(ctx: { tmp: string; kubeconfig: string }): Promise<string> {
  mkdirSync(join(ctx.tmp, 'plan'));
  const path = join(ctx.tmp, 'plan', 'migration.yaml');
  const run = await runCli(['discover', '--kubeconfig', ctx.kubeconfig, '-n', '3scale', '--out', path]);
  if (run.code !== 0) throw new Error(`discover: exit ${run.code}: ${run.stderr}`);
  const plan = parse(readFileSync(path, 'utf8'));
  plan.spec.gitops = { repoURL: 'https://git.example.com/platform/3scale-migration.git', path: 'clusters/staging/3scale-migration' };
  writeFileSync(path, stringify(plan));
  return path;
}

describe.skipIf(argo.skip)('Argo CD (gitops-engine) walks the MySQL-in-place migration on the real API server', () => {
  let planPath = '';
  /** Detach steps applied (the Job's script skips a step already done, and so does this stand-in). */
  const done = new Set<string>();
  /** The detach Job's script: each guarded patch of the plan's detach list, once. */
  async function detach(admin: ApiEndpoint, job: KubeObject): Promise<void> {
    if (job.metadata.name !== 'detach-system-mysql') return;
    for (const step of mysqlDetachSteps(loadMigrationPlan(planPath).plan)) {
      const key = `${step.kind}/${step.name} ${step.removedPath}`;
      if (done.has(key)) continue;
      const path = `${await resourcePath(admin, { apiVersion: step.apiVersion, kind: step.kind, namespace: job.metadata.namespace!, name: step.name })}?fieldManager=kubectl-patch`;
      const answer = await apiRequest(admin, { method: 'PATCH', path, body: step.operations, contentType: 'application/json-patch+json' });
      if (answer.status !== 200) throw new Error(`detach ${key}: HTTP ${answer.status}`);
      done.add(key);
    }
  }
  const walk = useWalkSuite('argo-walk-mysql-', [], {
    fixture: 'mysql',
    writePlan: async (ctx) => (planPath = await discoveredPlan(ctx)),
    onJob: detach,
  });
  const steps = argoWalk(walk, () => argo.require(), ['3scale', '3scale-db']);

  test('GIVEN the discovered MySQL plan and the Application committed once WHEN every phase is promoted in turn THEN each sync succeeds Healthy and Synced, status agrees, nothing flips, and MySQL is detached from the operator', async () => {
    for (const [i, id] of FORWARD.entries()) await steps.step(id, `${String(i).padStart(2, '0')}-${id}`);
    // THEN MySQL runs where it was, no longer owned by the APIManager
    const [mysql] = (await listObjects(walk.admin(), 'apps/v1', 'Deployment', '3scale')).filter((d) => d.metadata.name === 'system-mysql');
    expect({ owners: mysql?.metadata.ownerReferences ?? [], replicas: mysql?.spec?.replicas }).toEqual({ owners: [], replicas: 1 });
  }, 3_600_000);
});
