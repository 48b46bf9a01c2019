/**
 * End to end on the real API server of the tests, a 3scale 2.14 install whose components run as
 * DeploymentConfigs (served here by the stand-in CRD of crds/, as openshift-apiserver serves them on a cluster):
 * discover → synth → each phase applied as Argo CD applies it, the Jobs ended, openshift-controller-manager's
 * status written by the stand-in, and diff, status and discover after every phase.
 */
import { describe, expect, test } from 'vitest';
import { loadMigrationPlan } from '../support/plans.js';
import { adminEndpoint, apiRequestOk } from '../support/real-api/index.js';
import { diffJson, expectPhasesAfter, leakedInTranscript } from './harness.js';
import { expectDiscoverSafe, expectStatusApplied, replicaCounts, useRealMigration } from './real-api-flow.js';

const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];

describe('DeploymentConfig install (2.14) on the real API server', () => {
  const m = useRealMigration({ fixture: 'postgresql-dc', engine: 'argocd-controller', namespaces: ['3scale', '3scale-db'], tempPrefix: 'e2e-real-dc' });

  test('GIVEN the discovered plan WHEN each phase is applied in order THEN it is applied (exit 0), its DeploymentConfigs in sync as partial objects, and the live ones end at the captured counts', async () => {
    const { plan } = loadMigrationPlan(m.planPath());
    expect(plan.spec.threescale).toMatchObject({ workloadKind: 'DeploymentConfig' });
    for (const [i, id] of FORWARD.entries()) {
      // WHEN the engine applies the folder and its Jobs succeed
      await m.applyForward([id]);
      // THEN the folder is in sync, and every DeploymentConfig it sets is judged in sync as a partial object
      const { run, report } = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', id]);
      const notInSync = report.objects.filter((o) => !['in-sync', 'job-succeeded'].includes(o.verdict)).map((o) => `${o.ref.kind}/${o.ref.name}: ${o.verdict}`);
      expect({ id, code: run.code, stderr: run.stderr, notInSync }).toEqual({ id, code: 0, stderr: '', notInSync: [] });
      expectPhasesAfter(report, FORWARD, i);
      for (const o of report.objects.filter((x) => x.ref.kind === 'DeploymentConfig')) expect({ id, name: o.ref.name, partial: o.partial }).toEqual({ id, name: o.ref.name, partial: true });
      // AND status agrees; discover, run again, keeps the counts (or refuses)
      await expectStatusApplied(m, id);
      await expectDiscoverSafe(m, id, replicaCounts);
    }
    // AND the live DeploymentConfigs carry the captured counts; the old databases are stopped
    const replicasOf = async (name: string): Promise<unknown> =>
      ((await apiRequestOk(adminEndpoint(m.server()), { method: 'GET', path: `/apis/apps.openshift.io/v1/namespaces/3scale/deploymentconfigs/${name}` })) as { spec: { replicas?: number } }).spec.replicas;
    for (const [name, replicas] of Object.entries(plan.spec.replicas)) expect({ name, replicas: await replicasOf(name) }).toEqual({ name, replicas });
    for (const name of ['system-postgresql', 'backend-redis', 'system-redis']) expect({ name, replicas: await replicasOf(name) }).toEqual({ name, replicas: 0 });
    expect(leakedInTranscript()).toEqual([]);
  }, 300_000);
});
