/**
 * End to end on the real API server of the tests, a 3scale 2.14 install whose components run as
 * DeploymentConfigs (served here by the stand-in CRD of crds/, as openshift-apiserver serves them on a cluster):
 * discover → synth → each phase applied as Argo CD applies it, the Jobs ended, openshift-controller-manager's
 * status written by the stand-in, and diff, status and discover after every phase; then drift by hand, and on a
 * second server Jobs still running and the rollback from cutover.
 */
import { describe, expect, test } from 'vitest';
import { loadMigrationPlan } from '../support/plans.js';
import { adminEndpoint, apiRequestOk, settleWorkloads } from '../support/real-api/index.js';
import { cli, diffJson, expectPhasesAfter, forwardState, jobsOf, leakedInTranscript, statuses } from './harness.js';
import { expectDiscoverSafe, expectStatusApplied, type RealMigration, replicaCounts, useRealMigration } from './real-api-flow.js';

const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];
const FLOW = { fixture: 'postgresql-dc', engine: 'argocd-controller', namespaces: ['3scale', '3scale-db'] } as const;
/** A whole flow makes some hundred kubectl and CLI runs: minutes on a loaded 2-core machine, not a timing target. */
const FLOW_TIMEOUT_MS = 300_000;

/** The live DeploymentConfig `name` of namespace 3scale. */
async function liveDc(m: RealMigration, name: string): Promise<{ spec: Record<string, unknown> & { replicas?: number } }> {
  return (await apiRequestOk(adminEndpoint(m.server()), { method: 'GET', path: `/apis/apps.openshift.io/v1/namespaces/3scale/deploymentconfigs/${name}` })) as { spec: Record<string, unknown> & { replicas?: number } };
}

describe('DeploymentConfig install (2.14) on the real API server', () => {
  const m = useRealMigration({ ...FLOW, tempPrefix: 'e2e-real-dc' });

  test('GIVEN the install discovered through the API WHEN read THEN the plan records workloadKind and the replica counts, and scale-down scales the 12 DeploymentConfigs and the operator Deployment', () => {
    const { plan } = loadMigrationPlan(m.planPath());
    expect(plan.spec.threescale).toMatchObject({ namespace: '3scale', apiManagerName: 'apimanager', version: '2.14.3', workloadKind: 'DeploymentConfig' });
    expect(plan.spec.replicas).toMatchObject({ 'apicast-production': 3, 'backend-listener': 2, 'backend-worker': 2, 'system-app': 2, zync: 1 });
    expect(plan.spec.upgrade).toBeUndefined();
    const scaleDown = forwardState(m.result(), 'scale-down').own;
    expect(scaleDown.filter((o) => o.kind === 'DeploymentConfig').map((o) => o.metadata.name)).toHaveLength(12);
    expect(scaleDown.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['threescale-operator-controller-manager-v2']);
  });

  test('GIVEN the discovered plan WHEN each phase is applied in order THEN it is applied (exit 0), its DeploymentConfigs in sync as partial objects, and the live ones end at the captured counts with their own strategy, triggers and selector', async () => {
    const { plan } = loadMigrationPlan(m.planPath());
    // GIVEN the untouched install: preflight pending, every later phase blocked
    const before = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'scale-down']);
    expect(statuses(before.report)).toEqual(Object.fromEntries(FORWARD.map((id) => [id, id === 'preflight' ? 'pending' : 'blocked'])));
    for (const [i, id] of FORWARD.entries()) {
      // WHEN the engine applies the folder and its Jobs succeed
      await m.applyForward([id]);
      // THEN the folder is in sync, and every DeploymentConfig it sets is judged in sync as a partial object
      const { run, report } = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', id]);
      const notInSync = report.objects.filter((o) => !['in-sync', 'job-succeeded'].includes(o.verdict)).map((o) => `${o.ref.kind}/${o.ref.name}: ${o.verdict}`);
      expect({ id, code: run.code, stderr: run.stderr, notInSync }).toEqual({ id, code: 0, stderr: '', notInSync: [] });
      expectPhasesAfter(report, FORWARD, i);
      const dcs = report.objects.filter((x) => x.ref.kind === 'DeploymentConfig');
      expect(dcs.length, id).toBe(forwardState(m.result(), id).objects.filter((o) => o.kind === 'DeploymentConfig').length);
      for (const o of dcs) expect({ id, name: o.ref.name, partial: o.partial }).toEqual({ id, name: o.ref.name, partial: true });
      // AND status agrees; discover, run again, keeps the counts (or refuses)
      await expectStatusApplied(m, id);
      await expectDiscoverSafe(m, id, replicaCounts);
    }
    // AND the live DeploymentConfigs carry the captured counts; the old databases are stopped
    for (const [name, replicas] of Object.entries(plan.spec.replicas)) expect({ name, replicas: (await liveDc(m, name)).spec.replicas }).toEqual({ name, replicas });
    for (const name of ['system-postgresql', 'backend-redis', 'system-redis']) expect({ name, replicas: (await liveDc(m, name)).spec.replicas }).toEqual({ name, replicas: 0 });
    // AND what the folders do not set is the install's own: strategy, triggers and selector of system-app
    const systemApp = (await liveDc(m, 'system-app')).spec;
    expect(systemApp).toMatchObject({ selector: { deploymentConfig: 'system-app' }, strategy: { type: 'Rolling' } });
    expect((systemApp.triggers as { type: string }[]).map((t) => t.type)).toEqual(['ConfigChange', 'ImageChange']);
    expect(leakedInTranscript()).toEqual([]);
  }, FLOW_TIMEOUT_MS);

  test('GIVEN the migrated install WHEN someone runs `oc scale dc/apicast-production --replicas=5` THEN diff exits 1 and names the DeploymentConfig and its path, live → desired', async () => {
    // GIVEN every phase applied (the test before)
    expect((await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'scale-up'])).run.code).toBe(0);
    // WHEN
    const admin = adminEndpoint(m.server());
    await apiRequestOk(admin, { method: 'PATCH', path: '/apis/apps.openshift.io/v1/namespaces/3scale/deploymentconfigs/apicast-production?fieldManager=oc', body: { spec: { replicas: 5 } }, contentType: 'application/merge-patch+json' });
    await settleWorkloads(admin, FLOW.namespaces);
    const text = await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'scale-up']);
    // THEN
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^ {2}06-scale-up +drifted +DeploymentConfig apicast-production changed/m);
    expect(text.stdout).toContain('~ DeploymentConfig 3scale/apicast-production (partial): changed');
    expect(text.stdout).toContain('    ~ spec.replicas: 5 → 3');
  });
});

describe('DeploymentConfig install (2.14) on the real API server, Jobs running and rolled back from cutover', () => {
  const m = useRealMigration({ ...FLOW, tempPrefix: 'e2e-real-dc-rollback' });

  test('GIVEN scale-down applied and copy-data\'s Jobs created but not ended WHEN diffed THEN copy-data is in progress, every Job running', async () => {
    // GIVEN
    await m.applyForward(FORWARD.slice(0, FORWARD.indexOf('scale-down') + 1));
    const state = forwardState(m.result(), 'copy-data');
    await m.applyState(state);
    // WHEN
    const { run, report } = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'copy-data']);
    // THEN
    expect(run.code).toBe(1);
    expect(statuses(report)).toMatchObject({ 'scale-down': 'applied', 'copy-data': 'in-progress' });
    expect(report.objects.filter((o) => o.ref.kind === 'Job').map((o) => o.verdict)).toEqual(jobsOf(state).map(() => 'job-running'));
    // AND once they end, copy-data is applied
    await m.runJobs(jobsOf(state));
    expect((await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'copy-data'])).code).toBe(0);
  }, FLOW_TIMEOUT_MS);

  test('GIVEN the install migrated up to cutover WHEN each rollback folder is applied in reverse order THEN each is in sync, and 3scale is back on its DeploymentConfigs with the old databases and the operator running', async () => {
    // GIVEN copy-data done (the test before), load-redis and cutover applied
    await m.applyForward(['load-redis', 'cutover']);
    const order = m.result().rollbacks.map((s) => s.phase.definition.id).filter((id) => FORWARD.indexOf(id) <= FORWARD.indexOf('cutover')).reverse();
    expect(order).toEqual(['cutover', 'load-redis', 'scale-down', 'prepare']);
    for (const id of order) {
      // WHEN the rollback folder is applied and its Jobs succeed (the one of prepare deletes what prepare created)
      await m.applyRollback(id);
      // THEN diff of that rollback folder exits 0, status agrees
      const run = await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', `rollback/${id}`]);
      expect({ id, code: run.code, stderr: run.stderr }).toEqual({ id, code: 0, stderr: '' });
      await expectStatusApplied(m, `rollback/${id}`);
    }
    // AND every 3scale DeploymentConfig is at its captured count, the old databases run, the operator too
    const { plan } = loadMigrationPlan(m.planPath());
    for (const [name, replicas] of Object.entries(plan.spec.replicas)) expect({ name, replicas: (await liveDc(m, name)).spec.replicas }).toEqual({ name, replicas });
    for (const name of ['system-postgresql', 'backend-redis', 'system-redis']) expect({ name, replicas: (await liveDc(m, name)).spec.replicas }).toEqual({ name, replicas: 1 });
    const admin = adminEndpoint(m.server());
    const operator = (await apiRequestOk(admin, { method: 'GET', path: '/apis/apps/v1/namespaces/3scale/deployments/threescale-operator-controller-manager-v2' })) as { spec: { replicas?: number } };
    expect(operator.spec.replicas).toBe(1);
    // AND no Deployment of those names was created beside the DeploymentConfigs
    const deployments = (await apiRequestOk(admin, { method: 'GET', path: '/apis/apps/v1/namespaces/3scale/deployments' })) as { items: { metadata: { name: string } }[] };
    expect(deployments.items.map((d) => d.metadata.name).filter((n) => Object.hasOwn(plan.spec.replicas, n))).toEqual([]);
    expect(leakedInTranscript()).toEqual([]);
  }, FLOW_TIMEOUT_MS);
});
