/**
 * End to end, a 3scale 2.14 install whose components run as DeploymentConfigs (before 2.15): discover →
 * synth → diff after every phase → rollback, through the real CLI against the loopback API server serving
 * apps.openshift.io/v1, with a GitOps engine, the controllers and the Jobs simulated around it (harness.ts).
 */
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { loadMigrationPlan } from '../support/plans.js';
import { cli, diffJson, FakeCluster, forwardState, jobsOf, statuses, useDiscoveredPlan } from './harness.js';

const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];
const DC = 'apps.openshift.io/v1';

const e2e = useDiscoveredPlan({ fixture: 'postgresql-dc', tempPrefix: 'e2e-dc', apis: { deploymentConfigs: true } });

/** Applies the forward phases up to and including `last`, running their Jobs to success. */
async function advanceTo(cluster: FakeCluster, last: string): Promise<void> {
  await e2e.applyForward(cluster, FORWARD.slice(0, FORWARD.indexOf(last) + 1));
}

const replicasOf = (o: KubeObject | undefined) => (o?.spec as { replicas?: number } | undefined)?.replicas;

describe('discover and synth of an install before 2.15', () => {
  test('discover reads the DeploymentConfigs through the API and records workloadKind and their replica counts', async () => {
    // GIVEN / WHEN the shared plan discover wrote from the cluster
    const { plan } = loadMigrationPlan(e2e.planPath);

    // THEN
    expect(plan.spec.threescale).toMatchObject({ namespace: '3scale', apiManagerName: 'apimanager', version: '2.14.3', workloadKind: 'DeploymentConfig' });
    expect(plan.spec.replicas).toMatchObject({ 'apicast-production': 3, 'backend-listener': 2, 'backend-worker': 2, 'system-app': 2, zync: 1 });
    expect(plan.spec.upgrade).toBeUndefined();
    // AND the scale-down folder scales the DeploymentConfigs, and the operator Deployment
    const scaleDown = forwardState(e2e.result, 'scale-down').own;
    expect(scaleDown.filter((o) => o.kind === 'DeploymentConfig').map((o) => o.metadata.name)).toHaveLength(12);
    expect(scaleDown.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['threescale-operator-controller-manager-v2']);
  });
});

describe('diff through the migration of an install before 2.15', () => {
  test('each phase applied in order is applied (exit 0); the DeploymentConfigs keep their server-side defaults', async () => {
    // GIVEN the untouched 2.14 install
    const { cluster, kubeconfig } = await e2e.freshCluster();
    const before = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'scale-down']);
    expect(statuses(before.report)).toEqual(Object.fromEntries(FORWARD.map((id) => [id, id === 'preflight' ? 'pending' : 'blocked'])));

    for (const [i, id] of FORWARD.entries()) {
      // WHEN the GitOps engine applies the phase folder and its Jobs succeed
      const state = forwardState(e2e.result, id);
      await cluster.applyState(state);
      await cluster.runJobs(state);

      // THEN diff of that folder exits 0, and every earlier phase is applied or superseded
      const { run, report } = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', id]);
      expect({ id, code: run.code, stderr: run.stderr, status: statuses(report)[id] }).toEqual({ id, code: 0, stderr: '', status: 'applied' });
      for (const earlier of FORWARD.slice(0, i)) {
        // scale-down is superseded once scale-up changes its overlays again (its done queue check Job does not make its state live)
        const superseded = earlier === 'scale-down' && FORWARD.indexOf('scale-up') <= i;
        expect({ id, earlier, status: statuses(report)[earlier] }).toEqual({ id, earlier, status: superseded ? 'superseded' : 'applied' });
      }
      // AND every DeploymentConfig the folder sets is judged in sync, as a partial object
      const dcs = report.objects.filter((o) => o.ref.kind === 'DeploymentConfig');
      expect(dcs.length, id).toBe(state.objects.filter((o) => o.kind === 'DeploymentConfig').length);
      for (const o of dcs) expect({ id, name: o.ref.name, verdict: o.verdict, partial: o.partial }).toEqual({ id, name: o.ref.name, verdict: 'in-sync', partial: true });
    }

    // AND the live DeploymentConfigs carry the captured counts, with their own strategy, triggers and selector untouched
    const { plan } = loadMigrationPlan(e2e.planPath);
    for (const [name, replicas] of Object.entries(plan.spec.replicas)) expect({ name, replicas: replicasOf(cluster.get(DC, 'DeploymentConfig', '3scale', name)) }).toEqual({ name, replicas });
    const systemApp = cluster.get(DC, 'DeploymentConfig', '3scale', 'system-app')!.spec as Record<string, unknown>;
    expect(systemApp).toMatchObject({ selector: { deploymentConfig: 'system-app' }, strategy: { type: 'Rolling', activeDeadlineSeconds: 21600 }, revisionHistoryLimit: 10, test: false });
    expect((systemApp.triggers as { type: string }[]).map((t) => t.type)).toEqual(['ConfigChange', 'ImageChange']);
    // AND the old databases are stopped: PostgreSQL at the cut-over, both Redis at load-redis
    for (const name of ['system-postgresql', 'backend-redis', 'system-redis']) expect({ name, replicas: replicasOf(cluster.get(DC, 'DeploymentConfig', '3scale', name)) }).toEqual({ name, replicas: 0 });
  });

  test('drift: a DeploymentConfig scaled by hand after scale-up is reported with its path', async () => {
    // GIVEN a cluster migrated up to scale-up
    const { cluster, kubeconfig } = await e2e.freshCluster();
    await advanceTo(cluster, 'scale-up');

    // WHEN someone runs `oc scale dc/apicast-production --replicas=5`
    await cluster.mergePatch(DC, 'DeploymentConfig', '3scale', 'apicast-production', { spec: { replicas: 5 } }, 'oc');
    cluster.settle();
    const text = await cli(['diff', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'scale-up']);

    // THEN diff exits 1 and names the DeploymentConfig and the field, live → desired
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^ {2}06-scale-up +drifted +DeploymentConfig apicast-production changed/m);
    expect(text.stdout).toContain('~ DeploymentConfig 3scale/apicast-production (partial): changed');
    expect(text.stdout).toContain('    ~ spec.replicas: 5 → 3');
  });

  test('jobs running while the DeploymentConfigs are scaled down: copy-data is in progress', async () => {
    // GIVEN scale-down applied, copy-data's Jobs created and still running
    const { cluster, kubeconfig } = await e2e.freshCluster();
    await advanceTo(cluster, 'scale-down');
    const state = forwardState(e2e.result, 'copy-data');
    await cluster.applyState(state, { jobs: true });

    // WHEN
    const { run, report } = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'copy-data']);

    // THEN
    expect(run.code).toBe(1);
    expect(statuses(report)).toMatchObject({ 'scale-down': 'applied', 'copy-data': 'in-progress' });
    expect(report.objects.filter((o) => o.ref.kind === 'Job').map((o) => o.verdict)).toEqual(jobsOf(state).map(() => 'job-running'));
  });

  test('rollback from cutover: each rollback folder in reverse order is in sync, 3scale back on its DeploymentConfigs', async () => {
    // GIVEN a cluster migrated up to the cut-over
    const { cluster, kubeconfig } = await e2e.freshCluster();
    await advanceTo(cluster, 'cutover');
    const order = e2e.result.rollbacks.map((s) => s.phase.definition.id).filter((id) => FORWARD.indexOf(id) <= FORWARD.indexOf('cutover')).reverse();
    expect(order).toEqual(['cutover', 'load-redis', 'scale-down', 'prepare']);

    for (const id of order) {
      // WHEN the rollback folder is applied and its Jobs succeed (the one of prepare deletes what prepare created)
      await e2e.applyRollback(cluster, id);

      // THEN diff of that rollback folder exits 0
      const run = await cli(['diff', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', `rollback/${id}`]);
      expect({ id, code: run.code, stderr: run.stderr }).toEqual({ id, code: 0, stderr: '' });
    }
    // AND every 3scale DeploymentConfig is at its captured count, the old databases run, the operator too
    const { plan } = loadMigrationPlan(e2e.planPath);
    for (const [name, replicas] of Object.entries(plan.spec.replicas)) expect({ name, replicas: replicasOf(cluster.get(DC, 'DeploymentConfig', '3scale', name)) }).toEqual({ name, replicas });
    for (const name of ['system-postgresql', 'backend-redis', 'system-redis']) expect({ name, replicas: replicasOf(cluster.get(DC, 'DeploymentConfig', '3scale', name)) }).toEqual({ name, replicas: 1 });
    expect(replicasOf(cluster.get('apps/v1', 'Deployment', '3scale', 'threescale-operator-controller-manager-v2'))).toBe(1);
    // AND no Deployment of those names was created beside the DeploymentConfigs
    for (const name of Object.keys(plan.spec.replicas)) expect(cluster.get('apps/v1', 'Deployment', '3scale', name), name).toBeUndefined();
  });
});
