/**
 * Specification of charts/scripts/kube/delete-objects.sh, run with bash and the built kubectl against the real
 * API server of the tests holding the 3scale 2.15 PostgreSQL install, with the OBJECTS of the two Jobs the charts
 * render with it for examples/postgresql-and-redis: the cleanup phase's `delete-old-databases` (plan with
 * `spec.cleanup.enabled: true`) and the prepare rollback's `remove-new-databases`. Each runs under a token of the
 * ServiceAccount its chart renders, so the server's RBAC decides every request as on a cluster.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { loadPlanFile } from '../../src/plan/load-plan.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { EXAMPLE_PLANS, renderedKubeJob, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { leakedSecrets, loadLiveFixture } from '../support/live-fixtures.js';
import { useRealKubeScriptSuite, type RealKubeScriptCluster } from '../support/real-api/index.js';

const KINDS: Record<string, { apiVersion: string; kind: string }> = {
  deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  deploymentconfig: { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig' },
  service: { apiVersion: 'v1', kind: 'Service' },
  serviceaccount: { apiVersion: 'v1', kind: 'ServiceAccount' },
  persistentvolumeclaim: { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  configmap: { apiVersion: 'v1', kind: 'ConfigMap' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  rolebinding: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  namespace: { apiVersion: 'v1', kind: 'Namespace' },
};

/** The OBJECTS lines as { namespace, resource, name, apiVersion, kind }. */
function listed(job: RenderedKubeJob) {
  return job.env.OBJECTS!.split('\n').map((line) => {
    const [namespace, ref] = line.split(' ') as [string, string];
    const [resource, name] = ref.split('/') as [string, string];
    const kind = KINDS[resource];
    if (!kind) throw new Error(`no kind for ${resource} of ${line}`);
    return { namespace, resource, name, ...kind };
  });
}

/**
 * Whether the object is still there and not being deleted: the script deletes without waiting, so a PVC keeps
 * its `kubernetes.io/pvc-protection` finalizer until the protection controller (not run here) lets it go.
 */
async function exists(cluster: RealKubeScriptCluster, o: { apiVersion: string; kind: string; namespace: string; name: string }): Promise<boolean> {
  const live = await cluster.get(o.apiVersion, o.kind, o.namespace, o.name);
  return live !== undefined && !live.metadata.deletionTimestamp;
}

/** The resourceVersion of every fixture object, to show what a run left untouched. */
async function versions(cluster: RealKubeScriptCluster, objects: readonly KubeObject[]): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const f of objects) out[`${f.kind}/${f.metadata.name}`] = (await cluster.get(f.apiVersion, f.kind, f.metadata.namespace!, f.metadata.name))?.metadata.resourceVersion as string | undefined;
  return out;
}

describe('kube/delete-objects.sh on the real API server, under the Job\'s ServiceAccount', () => {
  let cleanup: RenderedKubeJob;
  let removeNew: RenderedKubeJob;
  let fixture: KubeObject[];
  /** What the prepare phase of the example creates in 3scale-db, as synth renders it. */
  let prepared: readonly KubeObject[];
  const cluster = useRealKubeScriptSuite('postgresql', ['3scale', '3scale-db'], () => [cleanup, removeNew], {
    setup: async () => {
      [cleanup, removeNew] = await Promise.all([
        renderedKubeJob(EXAMPLE_PLANS.postgresql, 'delete-old-databases', { cleanup: { enabled: true } }),
        renderedKubeJob(EXAMPLE_PLANS.postgresql, 'remove-new-databases'),
      ]);
      fixture = (await loadLiveFixture('postgresql')).filter((o) => o.metadata.namespace === '3scale');
      prepared = (await synthesize(loadPlanFile(EXAMPLE_PLANS.postgresql))).forward.find((s) => s.phase.definition.id === 'prepare')!.own;
    },
  });

  it('is rendered for the old databases by cleanup and for the new servers by the rollback of prepare', () => {
    // GIVEN the PostgreSQL + Redis plan
    // WHEN cleanup (enabled) and the rollback of prepare render their Jobs
    // THEN cleanup lists the internal databases in 3scale, the rollback the new servers in 3scale-db
    expect(cleanup).toMatchObject({ namespace: '3scale', script: 'kube/delete-objects.sh' });
    expect(cleanup.env.OBJECTS!.split('\n')).toEqual([
      '3scale deployment/system-postgresql',
      '3scale persistentvolumeclaim/postgresql-data',
      '3scale service/system-postgresql',
      '3scale deployment/backend-redis',
      '3scale persistentvolumeclaim/backend-redis-storage',
      '3scale deployment/system-redis',
      '3scale persistentvolumeclaim/system-redis-storage',
      '3scale configmap/redis-config',
    ]);
    expect(removeNew).toMatchObject({ namespace: '3scale', script: 'kube/delete-objects.sh' });
    expect(listed(removeNew).every((o) => o.namespace === '3scale-db')).toBe(true);
  });

  it('deletes every listed object and nothing else', async () => {
    // GIVEN the 2.15 install, where every object cleanup lists exists
    const objects = listed(cleanup);
    for (const o of objects) expect(await exists(cluster(), o), `${o.resource}/${o.name}`).toBe(true);
    const others = fixture.filter((f) => !objects.some((o) => o.kind === f.kind && o.name === f.metadata.name));
    const before = await versions(cluster(), others);
    // WHEN the cleanup Job runs
    const r = await cluster().run({}, cleanup);
    // THEN the listed objects are gone, each reported, and all others are untouched (same resourceVersion)
    expect(r.code, r.stderr).toBe(0);
    for (const o of objects) {
      expect(await exists(cluster(), o), `${o.resource}/${o.name}`).toBe(false);
      expect(r.stderr).toContain(`deleted ${o.namespace} ${o.resource}/${o.name} (or it was already gone)`);
    }
    expect(await versions(cluster(), others)).toEqual(before);
  });

  it('tolerates objects that are already gone: a rerun and a partly created set both succeed', async () => {
    // GIVEN a completed cleanup
    expect((await cluster().run({}, cleanup)).code).toBe(0);
    // WHEN it runs again
    const again = await cluster().run({}, cleanup);
    // THEN it succeeds although nothing is left to delete
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('evidence recorded: delete-old-databases Succeeded');

    // GIVEN a prepare that got halfway: only the new PostgreSQL Deployment, Service and ServiceAccount exist
    const created = listed(removeNew).filter((o) => o.name === 'system-postgresql-external' || o.name === 'system-postgresql-service' || o.name === 'postgresql-db-external');
    expect(created).toHaveLength(3);
    await cluster().put(...created.map((o) => prepared.find((p) => p.kind === o.kind && p.metadata.name === o.name && p.metadata.namespace === o.namespace)!));
    // WHEN the rollback of prepare runs
    const rollback = await cluster().run({}, removeNew);
    // THEN it deletes those three, passes over the others that never existed, and succeeds
    expect(rollback.code, rollback.stderr).toBe(0);
    for (const o of listed(removeNew)) expect(await exists(cluster(), o), `${o.resource}/${o.name}`).toBe(false);
    expect(rollback.stderr.split('\n').filter((l) => / deleted 3scale-db /.test(l))).toHaveLength(listed(removeNew).filter((o) => o.namespace === '3scale-db').length);
  });

  it('fails when the server refuses a deletion (the Role lacks that PVC), and records no evidence', async () => {
    // GIVEN the Job's Role without the old PostgreSQL PVC among the names it may delete
    const role = structuredClone(cleanup.access.find((o) => o.kind === 'Role' && o.metadata.namespace === '3scale')!) as KubeObject & { rules: { resources?: string[]; resourceNames?: string[]; verbs: string[] }[] };
    role.rules = role.rules.map((r) => (r.resources?.includes('persistentvolumeclaims') && r.resourceNames ? { ...r, resourceNames: r.resourceNames.filter((n) => n !== 'postgresql-data') } : r));
    await cluster().put(role);
    // WHEN the cleanup Job runs
    const r = await cluster().run({}, cleanup);
    // THEN it stops there with the server's answer and does not claim success
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/persistentvolumeclaims "postgresql-data" is forbidden/);
    expect(await exists(cluster(), { ...KINDS.persistentvolumeclaim!, namespace: '3scale', name: 'postgresql-data' })).toBe(true);
    expect(await cluster().evidence('3scale', 'delete-old-databases')).toEqual({});
  });

  it('records evidence and prints no secret, within the Roles the charts render', async () => {
    // GIVEN the Roles the charts render (get and delete on the listed names, evidence in 3scale)
    // WHEN both Jobs run, one after the other, under their ServiceAccounts
    const outputs = [];
    for (const job of [cleanup, removeNew]) outputs.push(await cluster().run({}, job));
    // THEN each recorded its evidence in 3scale and nothing secret was printed (the server allowed every request)
    expect(outputs.map((o) => ({ code: o.code, stderr: o.code === 0 ? '' : o.stderr }))).toEqual([{ code: 0, stderr: '' }, { code: 0, stderr: '' }]);
    for (const step of ['delete-old-databases', 'remove-new-databases']) {
      expect(await cluster().evidence('3scale', step)).toEqual({
        [`${step}.phase`]: 'Succeeded',
        [`${step}.inputsChecksum`]: expect.stringMatching(/^[0-9a-f]{64}$/),
        [`${step}.finishedAt`]: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        [`${step}.result`]: 'deleted the listed objects',
      });
    }
    expect(outputs.map((o) => o.stdout)).toEqual(['', '']);
    expect(leakedSecrets(outputs.map((o) => o.stderr).join('\n'))).toEqual([]);
  });
});

describe('kube/delete-objects.sh on an install before 2.15 (DeploymentConfigs), real API server', () => {
  let cleanup: RenderedKubeJob;
  let fixture: KubeObject[];
  const cluster = useRealKubeScriptSuite('postgresql-dc', ['3scale', '3scale-db'], () => [cleanup], {
    setup: async () => {
      cleanup = await renderedKubeJob(EXAMPLE_PLANS['postgresql-dc'], 'delete-old-databases');
      fixture = await loadLiveFixture('postgresql-dc');
    },
  });

  it('deletes the old databases as DeploymentConfigs and leaves every other DeploymentConfig, under its Role', async () => {
    // GIVEN the 2.14 install, and the cleanup Job of examples/pre-2.15-deploymentconfigs
    const dcs = ['system-postgresql', 'backend-redis', 'system-redis'];
    expect(cleanup.env.OBJECTS!.split('\n').filter((l) => l.includes('deploymentconfig/'))).toEqual(dcs.map((n) => `3scale deploymentconfig/${n}`));
    const get = (name: string) => cluster().get('apps.openshift.io/v1', 'DeploymentConfig', '3scale', name);
    for (const name of dcs) expect(await get(name), name).toBeDefined();
    const others = fixture.filter((o) => o.kind === 'DeploymentConfig' && !dcs.includes(o.metadata.name));
    const before = await versions(cluster(), others);

    // WHEN the Job's script runs with kubectl under its ServiceAccount
    const r = await cluster().run({}, cleanup);

    // THEN the three DeploymentConfigs are gone and the twelve 3scale ones untouched (same resourceVersion)
    expect(r.code, r.stderr).toBe(0);
    for (const name of dcs) {
      expect(await get(name), name).toBeUndefined();
      expect(r.stderr).toContain(`deleted 3scale deploymentconfig/${name} (or it was already gone)`);
    }
    expect(others).toHaveLength(12);
    expect(await versions(cluster(), others)).toEqual(before);
    expect(await cluster().evidence('3scale', 'delete-old-databases')).toMatchObject({ 'delete-old-databases.phase': 'Succeeded' });
  });
});
