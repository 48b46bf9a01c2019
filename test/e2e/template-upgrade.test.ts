/**
 * End to end, the template-era upgrade of 3scale 2.5 to 2.6: discover reads the exported template install
 * from the loopback API server (serving DeploymentConfigs, ImageStreams and Routes, as OpenShift does),
 * synth renders the nine phases, and diff/status follow every phase through the real CLI: a GitOps engine
 * applies each folder, and the Jobs are played by what their scripts do (tested for real with kubectl in
 * test/scripts/): the backup copies objects into ConfigMaps/Secrets, the patch Jobs apply their guarded
 * JSON patches, the delete Jobs delete, the restore Jobs put the copies back.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { loadPlanFile } from '../../src/plan/load-plan.js';
import type { TemplateUpgradePlan } from '../../src/plan/template-upgrade-plan-schema.js';
import type { FolderState } from '../../src/synth/synthesize.js';
import { OPENSHIFT_APIS } from '../support/fake-api-kubectl.js';
import { loadLiveFixture } from '../support/live-fixtures.js';
import { asTemplateUpgradePlan } from '../support/plans.js';
import { cli, diffJson, type FakeCluster, forwardState, jobsOf, rollbackState, statuses, useDiscoveredPlan } from './harness.js';

const PHASES = ['backup', 'registry-auth', 'new-objects', 'redis-secret', 'redis-env', 'database-imagestreams', 'images', 'routes', 'remove-wildcard-router'];

/** apiVersion and kind of the kubectl resource names the Jobs' OBJECTS lines use. */
const RESOURCES: Record<string, { apiVersion: string; kind: string }> = {
  'deploymentconfig.apps.openshift.io': { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig' },
  'imagestream.image.openshift.io': { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream' },
  'route.route.openshift.io': { apiVersion: 'route.openshift.io/v1', kind: 'Route' },
  serviceaccount: { apiVersion: 'v1', kind: 'ServiceAccount' },
  'role.rbac.authorization.k8s.io': { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  'rolebinding.rbac.authorization.k8s.io': { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  service: { apiVersion: 'v1', kind: 'Service' },
};

const e2e = useDiscoveredPlan({
  fixture: 'template',
  tempPrefix: 'e2e-template-upgrade',
  apis: OPENSHIFT_APIS,
  discoverArgs: ['--procedure', 'template-2.5-to-2.6', '--name', 'amp-2-6'],
  // After review the user names the service whose deployment option changes, and the token's Secret.
  editPlan: (planPath) => {
    const raw = parse(readFileSync(planPath, 'utf8'));
    raw.spec.routes.serviceDeploymentOptions = [{ tenantUrl: 'https://3scale-admin.apps.example.com', serviceId: 2, deploymentOption: 'self_managed' }];
    raw.spec.routes.accessTokenSecret = { name: 'threescale-admin-token', key: 'ACCESS_TOKEN' };
    writeFileSync(planPath, stringify(raw));
  },
});

const phaseStatus = (report: { phases: readonly { id: string; status: string }[] }, id: string) => report.phases.find((p) => p.id === id)!;
const plan = (): TemplateUpgradePlan => asTemplateUpgradePlan(loadPlanFile(e2e.planPath)).plan;

/** The `<resource> <name>` or `<namespace> <resource>/<name>` lines of a Job's OBJECTS, as objects. */
function listedObjects(job: KubeObject): { apiVersion: string; kind: string; name: string; resource: string }[] {
  const env = ((job.spec as any).template.spec.containers[0].env as { name: string; value?: string }[]).find((e) => e.name === 'OBJECTS')?.value ?? '';
  return env
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const parts = line.split(' ');
      const [resource, name] = parts.length === 2 && !parts[1]!.includes('/') ? (parts as [string, string]) : (parts[1]!.split('/') as [string, string]);
      const type = RESOURCES[resource];
      if (!type) throw new Error(`unknown resource ${resource} in Job ${job.metadata.name}`);
      return { ...type, name, resource };
    });
}

const backupName = (resource: string, name: string) => `threescale-migrate-backup-${resource.split('.')[0]}-${name}`;

/**
 * Plays the Jobs of a folder as their scripts act (backup-objects.sh, apply-json-patches.sh,
 * delete-objects.sh, restore-objects.sh; the API and resync Jobs only record evidence here), then records
 * their success.
 */
async function playJobs(cluster: FakeCluster, state: FolderState): Promise<void> {
  const ns = '3scale';
  for (const job of jobsOf(state)) {
    const script = ((job.spec as any).template.spec.containers[0].command as string[]).join(' ');
    if (script.includes('backup-objects.sh')) {
      for (const o of listedObjects(job)) {
        const live = cluster.get(o.apiVersion, o.kind, ns, o.name);
        if (!live) continue;
        const { uid: _u, resourceVersion: _r, managedFields: _m, creationTimestamp: _c, generation: _g, ...metadata } = live.metadata as Record<string, unknown>;
        const copy = JSON.stringify({ ...live, metadata, status: undefined });
        const store = o.kind === 'Secret' ? { kind: 'Secret', data: { 'object.json': Buffer.from(copy).toString('base64') } } : { kind: 'ConfigMap', data: { 'object.json': copy } };
        cluster.api.store.put({ apiVersion: 'v1', ...store, metadata: { name: backupName(o.resource, o.name), namespace: ns } } as KubeObject);
      }
    } else if (script.includes('apply-json-patches.sh')) {
      for (const step of state.phase.definition.patches?.(plan()) ?? []) await cluster.jsonPatch(step.apiVersion, step.kind, ns, step.name, step.operations);
    } else if (script.includes('delete-objects.sh')) {
      for (const o of listedObjects(job)) if (cluster.get(o.apiVersion, o.kind, ns, o.name)) await cluster.delete(o.apiVersion, o.kind, ns, o.name);
    } else if (script.includes('restore-objects.sh')) {
      for (const o of listedObjects(job)) {
        const store = cluster.get('v1', o.kind === 'Secret' ? 'Secret' : 'ConfigMap', ns, backupName(o.resource, o.name))!;
        const raw = (store.data as Record<string, string>)['object.json']!;
        const copy = JSON.parse(o.kind === 'Secret' ? Buffer.from(raw, 'base64').toString('utf8') : raw) as KubeObject;
        const live = cluster.get(o.apiVersion, o.kind, ns, o.name);
        cluster.api.store.put({ ...copy, metadata: { ...copy.metadata, ...(live ? { uid: live.metadata.uid } : {}) } });
      }
    }
    await cluster.recordEvidence(job, 'Succeeded', `${job.metadata.name} done`);
  }
}

async function applyPhase(cluster: FakeCluster, id: string): Promise<void> {
  const state = forwardState(e2e.result, id);
  await cluster.applyState(state);
  await playJobs(cluster, state);
}

describe('discover and synth', () => {
  test('GIVEN the 2.5 template install on a cluster WHEN discovered THEN the plan is the example plan and synth renders the nine phases with their rollbacks', async () => {
    const example = loadPlanFile(new URL('../../examples/template-2.5-to-2.6/migration.yaml', import.meta.url).pathname).plan;
    expect(plan()).toEqual(example);
    expect(e2e.result.forward.map((s) => s.phase.definition.id)).toEqual(PHASES);
    expect(e2e.result.rollbacks.map((s) => s.phase.definition.id)).toEqual(PHASES.slice(1));
  });
});

describe('diff and status through the upgrade', () => {
  test('GIVEN the 2.5 install WHEN each phase is applied in turn THEN diff says it is pending before and applied after, and status ends with every phase applied', async () => {
    const { cluster, kubeconfig } = await e2e.freshCluster();
    for (const id of PHASES) {
      // GIVEN the phases before it applied; WHEN diff compares its folder
      const before = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', id]);
      // THEN it has not started
      expect({ id, code: before.run.code, status: statuses(before.report)[id] }).toEqual({ id, code: 1, status: 'pending' });

      // WHEN the folder is applied and its Jobs run
      await applyPhase(cluster, id);
      const after = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', id]);

      // THEN it is applied, every earlier phase still is, the next is pending and the later ones wait for it
      expect({ id, code: after.run.code, stderr: after.run.stderr, phases: statuses(after.report) }).toEqual({
        id,
        code: 0,
        stderr: '',
        phases: Object.fromEntries(PHASES.map((p, i) => [p, i <= PHASES.indexOf(id) ? 'applied' : i === PHASES.indexOf(id) + 1 ? 'pending' : 'blocked'])),
      });
    }
    // AND status lists every phase applied; the wildcard router, moved to amp by registry-auth, is gone since
    const status = await cli(['status', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', PHASES.at(-1)!]);
    expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = status.stdout.split('\n');
    expect(lines.filter((l) => /^\d\d-\S+\s+applied\s/.test(l))).toHaveLength(PHASES.length);
    expect(lines).toContain('01-registry-auth          applied     17 in sync, 1 changed again by later phases');
    expect(cluster.get('apps.openshift.io/v1', 'DeploymentConfig', '3scale', 'apicast-wildcard-router')).toBeUndefined();
    // AND the live objects carry the 2.6 changes
    const app = cluster.get('apps.openshift.io/v1', 'DeploymentConfig', '3scale', 'system-app') as any;
    expect(app.spec.template.spec.serviceAccountName).toBe('amp');
    expect(app.spec.template.spec.containers[0].env.find((e: any) => e.name === 'AMP_RELEASE').value).toBe('2.6');
    const zyncDb = cluster.get('apps.openshift.io/v1', 'DeploymentConfig', '3scale', 'zync-database') as any;
    expect(zyncDb.spec.triggers.filter((t: any) => t.type === 'ImageChange').map((t: any) => t.imageChangeParams.from.name)).toEqual(['zync-database-postgresql:latest']);
  });

  test('GIVEN the images phase applied WHEN a person changes a patched variable THEN diff reports redis-env drifted, naming the DeploymentConfig', async () => {
    // GIVEN
    const { cluster, kubeconfig } = await e2e.freshCluster();
    for (const id of PHASES.slice(0, PHASES.indexOf('images') + 1)) await applyPhase(cluster, id);
    const sphinx = cluster.get('apps.openshift.io/v1', 'DeploymentConfig', '3scale', 'system-sphinx') as any;
    const at = sphinx.spec.template.spec.containers[0].env.findIndex((e: any) => e.name === 'REDIS_NAMESPACE');

    // WHEN
    await cluster.jsonPatch('apps.openshift.io/v1', 'DeploymentConfig', '3scale', 'system-sphinx', [{ op: 'remove', path: `/spec/template/spec/containers/0/env/${at}` }]);
    const { run, report } = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'images']);

    // THEN
    expect(run.code).toBe(1);
    const phase = report.phases.find((p) => p.id === 'redis-env')!;
    expect(phase.status).toBe('drifted');
    expect(phase.reason).toContain('DeploymentConfig system-sphinx changed');
  });
});

describe('diff checks the deletions', () => {
  test('GIVEN the routes folder applied and its Jobs recorded as succeeded, but the 2.5 routes still there WHEN diff runs THEN routes drifted, naming a Route', async () => {
    // GIVEN
    const { cluster, kubeconfig } = await e2e.freshCluster();
    for (const id of PHASES.slice(0, PHASES.indexOf('images') + 1)) await applyPhase(cluster, id);
    const state = forwardState(e2e.result, 'routes');
    await cluster.applyState(state);
    await cluster.runJobs(state);

    // WHEN
    const { run, report } = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'routes']);

    // THEN
    expect(run.code).toBe(1);
    expect(phaseStatus(report, 'routes')).toMatchObject({ status: 'drifted' });
    expect(report.objects.find((o) => o.ref.kind === 'Route' && o.ref.name === 'system-master')).toMatchObject({ verdict: 'changed', reason: 'still present; a Job of the phase deletes it' });
  });
});

describe('rollback', () => {
  test('GIVEN every phase up to routes applied WHEN the rollbacks are applied from the latest down THEN each is in sync and the install is the 2.5 one again', async () => {
    // GIVEN
    const { cluster, kubeconfig } = await e2e.freshCluster();
    const applied = PHASES.slice(0, PHASES.indexOf('routes') + 1);
    for (const id of applied) await applyPhase(cluster, id);
    expect(cluster.get('route.openshift.io/v1', 'Route', '3scale', 'system-master')).toBeUndefined();

    for (const id of [...applied].reverse().filter((p) => p !== 'backup')) {
      // WHEN the rollback folder is applied and its Job runs
      const state = rollbackState(e2e.result, id);
      await cluster.applyState(state);
      await playJobs(cluster, state);
      const run = await cli(['diff', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', `rollback/${id}`]);

      // THEN it is in sync
      expect({ id, code: run.code, stderr: run.stderr }).toEqual({ id, code: 0, stderr: '' });
      expect(run.stdout).toContain(`rollback/${state.folder.replace(/^rollback\//, '')}: in sync`);
    }

    // AND the DeploymentConfigs, ImageStreams and Routes are the 2.5 ones again, the 2.6 objects gone
    const fixture = await loadLiveFixture('template');
    for (const o of fixture.filter((f) => ['DeploymentConfig', 'ImageStream', 'Route'].includes(f.kind) || (f.kind === 'Secret' && f.metadata.name === 'system-redis'))) {
      const live = cluster.get(o.apiVersion, o.kind, '3scale', o.metadata.name) as any;
      expect(live?.spec ?? live?.data, `${o.kind} ${o.metadata.name}`).toEqual((o as any).spec ?? (o as any).data);
    }
    expect(cluster.get('apps.openshift.io/v1', 'DeploymentConfig', '3scale', 'zync-que')).toBeUndefined();
    expect(cluster.get('image.openshift.io/v1', 'ImageStream', '3scale', 'system-mysql')).toBeUndefined();
  });
});
