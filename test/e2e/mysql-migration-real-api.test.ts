/**
 * End to end on the real API server of the tests, MySQL 2.15 install kept in place, applied as Flux applies it
 * (`kubectl apply --server-side --force-conflicts --field-manager=kustomize-controller -k`): the System database
 * is detached from the operator at the cut-over by the guarded JSON patches of the detach Job, which the real
 * server applies (and refuses a second time by their `test` operations).
 */
import { describe, expect, test } from 'vitest';
import { mysqlDetachSteps } from '../../src/procedures/externalize-on-cluster/mysql-detach.js';
import { loadMigrationPlan } from '../support/plans.js';
import { adminEndpoint, apiRequestOk, settleWorkloads } from '../support/real-api/index.js';
import { cli, diffJson, forwardState, jobsOf, leakedInTranscript, statuses } from './harness.js';
import { expectDiscoverSafe, expectStatusApplied, replicaCounts, useRealMigration } from './real-api-flow.js';

const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];

describe('MySQL kept in place, on the real API server', () => {
  const m = useRealMigration({ fixture: 'mysql', engine: 'kustomize-controller', namespaces: ['3scale', '3scale-db'], tempPrefix: 'e2e-real-mysql' });
  const diff = (phase: string) => diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', phase]);

  test('GIVEN the discovered plan WHEN every phase is applied in order THEN each is in sync, and the cut-over only once the detach patches are live', async () => {
    // GIVEN the plan discover wrote from the real server
    const plan = loadMigrationPlan(m.planPath()).plan;
    expect(plan.spec.systemDatabase).toMatchObject({ kind: 'mysql', strategy: 'keep-in-place' });
    expect(plan.spec.systemDatabase.kind === 'mysql' && plan.spec.systemDatabase.detach?.map((d) => `${d.kind}/${d.name}`)).toEqual([
      'Deployment/system-mysql',
      'PersistentVolumeClaim/mysql-storage',
      'ConfigMap/mysql-extra-conf',
      'ConfigMap/mysql-main-conf',
      'Service/system-mysql',
      'ServiceAccount/amp',
    ]);

    // WHEN the phases before the cut-over are applied, their Jobs succeeding
    for (const id of FORWARD.slice(0, FORWARD.indexOf('cutover'))) {
      await m.applyForward([id]);
      // THEN each is in sync when it is applied
      const { run, report } = await diff(id);
      const notInSync = report.objects.filter((o) => !['in-sync', 'job-succeeded'].includes(o.verdict)).map((o) => `${o.ref.kind}/${o.ref.name}: ${o.verdict}`);
      expect({ id, code: run.code, status: statuses(report)[id], current: report.currentPhase, notInSync }).toEqual({ id, code: 0, status: 'applied', current: id, notInSync: [] });
      // AND status agrees; discover, run again, keeps the counts (or refuses)
      await expectStatusApplied(m, id);
      await expectDiscoverSafe(m, id, replicaCounts);
    }

    // WHEN the cut-over folder is applied, the Secrets are rewritten, and the detach Job has started
    const cutover = forwardState(m.result(), 'cutover');
    const jobs = Object.fromEntries(jobsOf(cutover).map((j) => [j.metadata.name, j]));
    await m.applyState(cutover);
    await m.recordEvidence(jobs['rewrite-connection-secrets']!, 'Succeeded', 'rewrote 3 Secrets');
    await m.recordEvidence(jobs['detach-system-mysql']!, 'Running', 'applying the patches');
    const before = await diff('cutover');
    // THEN the cut-over is in progress: every detached object still carries what the Job removes
    expect(before.run.code).toBe(1);
    expect(statuses(before.report).cutover).toBe('in-progress');
    const removals = before.report.objects.filter((o) => o.changes.some((c) => c.op === 'remove'));
    expect(removals.map((o) => `${o.ref.kind}/${o.ref.name}`).sort()).toEqual([
      'ConfigMap/mysql-extra-conf',
      'ConfigMap/mysql-main-conf',
      'Deployment/system-mysql',
      'PersistentVolumeClaim/mysql-storage',
      'Service/system-mysql',
      'ServiceAccount/amp',
    ]);
    expect(removals.find((o) => o.ref.kind === 'Deployment')?.changes.map((c) => `${c.op} ${c.path}`)).toContain('remove spec.template.metadata.labels["rht.comp"]');
    const text = await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'cutover']);
    expect(text.stdout).toMatch(/^~ Deployment 3scale\/system-mysql \(partial\): changed$/m);
    expect(text.stdout).toMatch(/^ {4}- metadata\.ownerReferences/m);

    // WHEN the detach Job applies its guarded JSON patches to the live objects, and records its success
    const steps = mysqlDetachSteps(plan);
    for (const step of steps) await m.jsonPatch({ apiVersion: step.apiVersion, kind: step.kind, namespace: '3scale', name: step.name }, step.operations);
    await m.recordEvidence(jobs['detach-system-mysql']!, 'Succeeded', `applied ${steps.length} patches`);
    await m.runJobs(jobsOf(cutover));
    // (the Deployment controller observes the patched templates: their generation moved)
    await settleWorkloads(adminEndpoint(m.server()), ['3scale']);
    const after = await diff('cutover');
    // THEN the cut-over is applied, and the objects are detached from the operator
    expect({ code: after.run.code, cutover: statuses(after.report).cutover }).toEqual({ code: 0, cutover: 'applied' });
    await expectStatusApplied(m, 'cutover');
    await expectDiscoverSafe(m, 'cutover', replicaCounts);
    const mysql = (await apiRequestOk(adminEndpoint(m.server()), { method: 'GET', path: '/apis/apps/v1/namespaces/3scale/deployments/system-mysql' })) as {
      metadata: { ownerReferences?: unknown[]; labels?: Record<string, string> };
      spec: { template: { metadata: { labels: Record<string, string> } } };
    };
    expect(mysql.metadata.ownerReferences ?? []).toEqual([]);
    expect(mysql.metadata.labels ?? {}).not.toHaveProperty('threescale_component');
    expect(mysql.spec.template.metadata.labels).toEqual({ deployment: 'system-mysql' });
    // AND a second run of a step is refused by the server for its `test` guard, and changes nothing
    const again = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: '3scale', name: 'system-mysql' };
    await expect(m.jsonPatch(again, steps.find((s) => s.kind === 'Deployment')!.operations)).rejects.toThrow(/answered 422/);
    expect((await diff('cutover')).run.code).toBe(0);

    // WHEN a label comes back after the Job succeeded (the operator reconciled once more)
    const label = (value: string | null) =>
      apiRequestOk(adminEndpoint(m.server()), { method: 'PATCH', path: '/api/v1/namespaces/3scale/services/system-mysql', body: { metadata: { labels: { threescale_component: value } } }, contentType: 'application/merge-patch+json' });
    await label('system');
    const relabelled = await diff('cutover');
    // THEN that is drift, shown as the removal still to make
    expect(relabelled.run.code).toBe(1);
    expect(statuses(relabelled.report).cutover).toBe('drifted');
    expect(relabelled.report.objects.find((o) => o.ref.kind === 'Service' && o.ref.name === 'system-mysql')?.changes).toEqual([
      { path: 'metadata.labels.threescale_component', op: 'remove', live: 'system' },
    ]);
    await label(null);

    // WHEN the remaining phases are applied
    for (const id of FORWARD.slice(FORWARD.indexOf('cutover') + 1)) {
      await m.applyForward([id]);
      const { run, report } = await diff(id);
      // THEN each is in sync, the cut-over stays applied
      expect({ id, code: run.code, status: statuses(report)[id], cutover: statuses(report).cutover }).toEqual({ id, code: 0, status: 'applied', cutover: 'applied' });
      await expectStatusApplied(m, id);
      await expectDiscoverSafe(m, id, replicaCounts);
    }
    const status = await cli(['status', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'verify']);
    expect(status.stdout.trimEnd().split('\n').at(-1)).toBe('next: 07-verify is in sync; every phase is applied, nothing left to apply');
    expect(leakedInTranscript()).toEqual([]);
  }, 300_000);
});
