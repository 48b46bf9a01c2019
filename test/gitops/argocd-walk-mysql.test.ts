/**
 * The MySQL-in-place migration walked by Argo CD's engine for real (see argocd-walk.test.ts for the engine): the
 * 2.15 MySQL install seeded, the plan written by the real `discover` (the detach list as found) with the GitOps
 * wiring added, then every phase from preflight to verify by one `promote` and one commit each. The cut-over's
 * detach Job does what its script does: the guarded JSON patches of the plan's detach list, on the live objects.
 * Fails with CI set when the harness is not built.
 */
import { describe, expect, test } from 'vitest';
import { argoHarnessBinary, checkEngine } from '../support/gitops-engines.js';
import { argoWalk } from '../support/gitops-walk/argo-walk.js';
import { listObjects } from '../support/gitops-walk/cluster-actors.js';
import { discoveredMysqlPlan, patchingJobs } from '../support/gitops-walk/mysql-walk.js';
import { useWalkSuite } from '../support/gitops-walk/walk-suite.js';

const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];

const argo = checkEngine('argo-harness (gitops-engine + gopher-lua)', argoHarnessBinary());

describe.skipIf(argo.skip)('Argo CD (gitops-engine) walks the MySQL-in-place migration on the real API server', () => {
  let planPath = '';
  const walk = useWalkSuite('argo-walk-mysql-', [], {
    fixture: 'mysql',
    writePlan: async (ctx) => (planPath = await discoveredMysqlPlan(ctx)),
    onJob: patchingJobs(() => planPath),
  });
  const steps = argoWalk(walk, () => argo.require(), ['3scale', '3scale-db']);

  test('GIVEN the discovered MySQL plan and the Application committed once WHEN every phase is promoted in turn THEN each sync succeeds Healthy and Synced, status agrees, nothing flips, and MySQL is detached from the operator', async () => {
    for (const [i, id] of FORWARD.entries()) await steps.step(id, `${String(i).padStart(2, '0')}-${id}`);
    // THEN MySQL runs where it was, no longer owned by the APIManager
    const [mysql] = (await listObjects(walk.admin(), 'apps/v1', 'Deployment', '3scale')).filter((d) => d.metadata.name === 'system-mysql');
    expect({ owners: mysql?.metadata.ownerReferences ?? [], replicas: mysql?.spec?.replicas }).toEqual({ owners: [], replicas: 1 });
  }, 3_600_000);
});
