/**
 * End to end, MySQL 2.15 install kept in place: the System database stays where it is and is detached from
 * the operator at the cut-over (labels and the APIManager ownerReference removed by guarded JSON patches).
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { mysqlDetachSteps } from '../../src/patches/mysql-detach.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import type { SynthResult } from '../../src/synth/synthesize.js';
import { startFakeApiServer } from '../support/fake-api-server.js';
import type { FakeApiServer } from '../support/fake-api-server.js';
import { loadLiveFixture } from '../support/live-fixtures.js';
import { loadMigrationPlan } from '../support/plans.js';
import { cli, diffJson, FakeCluster, forwardState, jobsOf, leakedInTranscript, statuses, synthesized, tempDir } from './harness.js';

const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];

let fixture: KubeObject[];
let tmp: ReturnType<typeof tempDir>;
let servers: FakeApiServer[] = [];

beforeAll(async () => {
  fixture = await loadLiveFixture('mysql');
  tmp = tempDir('e2e-mysql');
});

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  expect(leakedInTranscript()).toEqual([]);
});

afterAll(() => tmp?.remove());

describe('MySQL kept in place', () => {
  test('discover → synth → every phase applied in order; the cut-over is applied only once the detach patches are live', async () => {
    // GIVEN a cluster holding the 2.15 MySQL install, and the plan discover writes from it
    const api = await startFakeApiServer({ objects: fixture });
    servers.push(api);
    const cluster = new FakeCluster(api);
    const kubeconfig = api.kubeconfigPath('3scale');
    const planPath = join(tmp.dir, 'migration.yaml');
    const discovered = await cli(['discover', '--kubeconfig', kubeconfig, '-n', '3scale', '--out', planPath]);
    expect(discovered).toMatchObject({ code: 0, stderr: '' });
    expect(discovered.stdout).toContain('System database: internal MySQL');
    const plan: Plan = loadMigrationPlan(planPath).plan;
    expect(plan.spec.systemDatabase).toMatchObject({ kind: 'mysql', strategy: 'keep-in-place' });
    expect(plan.spec.systemDatabase.kind === 'mysql' && plan.spec.systemDatabase.detach?.map((d) => `${d.kind}/${d.name}`)).toEqual([
      'Deployment/system-mysql',
      'PersistentVolumeClaim/mysql-storage',
      'ConfigMap/mysql-extra-conf',
      'ConfigMap/mysql-main-conf',
      'Service/system-mysql',
      'ServiceAccount/amp',
    ]);
    expect((await cli(['synth', '-c', planPath, '--out', join(tmp.dir, 'dist')])).code).toBe(0);
    const { result }: { result: SynthResult } = await synthesized(planPath);
    const diff = (phase: string) => diffJson(['-c', planPath, '--kubeconfig', kubeconfig, '--phase', phase]);

    // WHEN the phases before the cut-over are applied, their Jobs succeeding
    for (const id of FORWARD.slice(0, FORWARD.indexOf('cutover'))) {
      const state = forwardState(result, id);
      await cluster.applyState(state);
      await cluster.runJobs(state);
      // THEN each is in sync when it is applied
      const { run, report } = await diff(id);
      expect({ id, code: run.code, status: statuses(report)[id], current: report.currentPhase }).toEqual({ id, code: 0, status: 'applied', current: id });
    }

    // WHEN the cut-over folder is applied, the Secrets are rewritten, and the detach Job has started
    const cutover = forwardState(result, 'cutover');
    const jobs = Object.fromEntries(jobsOf(cutover).map((j) => [j.metadata.name, j]));
    expect(Object.keys(jobs).sort()).toEqual(['detach-system-mysql', 'rewrite-connection-secrets', 'verify-copy-backend-redis', 'verify-copy-system-redis']);
    await cluster.applyState(cutover);
    for (const role of ['backend', 'system']) await cluster.recordEvidence(jobs[`verify-copy-${role}-redis`]!, 'Succeeded', 'target equals the copy');
    await cluster.recordEvidence(jobs['rewrite-connection-secrets']!, 'Succeeded', 'rewrote 3 Secrets');
    await cluster.recordEvidence(jobs['detach-system-mysql']!, 'Running', 'applying 25 patches');
    const before = await diff('cutover');

    // THEN the cut-over is not applied but in progress: every detached object still carries what the Job removes
    expect(before.run.code).toBe(1);
    expect(statuses(before.report).cutover).toBe('in-progress');
    expect(before.report.currentPhase).toBe('load-redis');
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
    const text = await cli(['diff', '-c', planPath, '--kubeconfig', kubeconfig, '--phase', 'cutover']);
    expect(text.stdout).toMatch(/^~ Deployment 3scale\/system-mysql \(partial\): changed$/m);
    expect(text.stdout).toMatch(/^ {4}- metadata\.ownerReferences/m);

    // WHEN the detach Job applies its guarded JSON patches to the live objects, and records its success
    const steps = mysqlDetachSteps(plan);
    expect(steps.length).toBeGreaterThan(10);
    for (const step of steps) await cluster.jsonPatch(step.apiVersion, step.kind, '3scale', step.name, step.operations);
    await cluster.recordEvidence(jobs['detach-system-mysql']!, 'Succeeded', `applied ${steps.length} patches`);
    // (the Deployment controller observes the patched templates: their generation moved)
    cluster.settle();
    const after = await diff('cutover');

    // THEN the cut-over is applied, and the objects are detached from the operator
    expect(after.run.code).toBe(0);
    expect(statuses(after.report).cutover).toBe('applied');
    expect(after.report.currentPhase).toBe('cutover');
    const mysql = cluster.get('apps/v1', 'Deployment', '3scale', 'system-mysql')!;
    expect(mysql.metadata.ownerReferences ?? []).toEqual([]);
    expect(mysql.metadata.labels ?? {}).not.toHaveProperty('threescale_component');
    expect((mysql.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels).toEqual({ deployment: 'system-mysql' });
    // AND a second run of a step is refused by its \`test\` guard, and changes nothing
    await expect(cluster.jsonPatch('apps/v1', 'Deployment', '3scale', 'system-mysql', steps[0]!.operations)).rejects.toThrow(/HTTP 422/);
    expect((await diff('cutover')).run.code).toBe(0);

    // WHEN a label comes back after the Job succeeded (the operator reconciled once more)
    await cluster.jsonPatch('v1', 'Service', '3scale', 'system-mysql', [{ op: 'add', path: '/metadata/labels/threescale_component', value: 'system' }]);
    const relabelled = await diff('cutover');
    // THEN that is drift, shown as the removal still to make
    expect(relabelled.run.code).toBe(1);
    expect(statuses(relabelled.report).cutover).toBe('drifted');
    expect(relabelled.report.objects.find((o) => o.ref.kind === 'Service' && o.ref.name === 'system-mysql')?.changes).toEqual([
      { path: 'metadata.labels.threescale_component', op: 'remove', live: 'system' },
    ]);
    await cluster.jsonPatch('v1', 'Service', '3scale', 'system-mysql', [{ op: 'remove', path: '/metadata/labels/threescale_component' }]);

    // WHEN the remaining phases are applied
    for (const id of FORWARD.slice(FORWARD.indexOf('cutover') + 1)) {
      const state = forwardState(result, id);
      await cluster.applyState(state);
      await cluster.runJobs(state);
      const { run, report } = await diff(id);
      // THEN each is in sync, the cut-over stays applied (the removals are checked from the cut-over on)
      expect({ id, code: run.code, status: statuses(report)[id], cutover: statuses(report).cutover }).toEqual({ id, code: 0, status: 'applied', cutover: 'applied' });
    }
    const status = await cli(['status', '-c', planPath, '--kubeconfig', kubeconfig, '--phase', 'verify']);
    expect(status.stdout.trimEnd().split('\n').at(-1)).toBe('next: 07-verify is in sync; every phase is applied, nothing left to apply');
  });
});
