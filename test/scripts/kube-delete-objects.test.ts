/**
 * Specification of charts/scripts/kube/delete-objects.sh, run with bash and the real kubectl against the
 * fake API server holding the 3scale 2.15 PostgreSQL install, with the OBJECTS of the two Jobs the charts
 * render with it for examples/postgresql-and-redis: the cleanup phase's `delete-old-databases` (plan with
 * `spec.cleanup.enabled: true`) and the prepare rollback's `remove-new-databases`.
 */
import { describe, expect, it } from 'vitest';
import { checkKubectl, EXAMPLE_PLANS, evidenceOf, renderedKubeJob, requestsOutsideRole, skipKubectlSuite, useKubeScriptSuite, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { leakedSecrets } from '../support/live-fixtures.js';

const kubectl = checkKubectl();

const KINDS: Record<string, { apiVersion: string; kind: string }> = {
  deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  service: { apiVersion: 'v1', kind: 'Service' },
  serviceaccount: { apiVersion: 'v1', kind: 'ServiceAccount' },
  persistentvolumeclaim: { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  configmap: { apiVersion: 'v1', kind: 'ConfigMap' },
};

/** The OBJECTS lines as { namespace, resource, name, apiVersion, kind }. */
function listed(job: RenderedKubeJob) {
  return job.env.OBJECTS!.split('\n').map((line) => {
    const [namespace, ref] = line.split(' ') as [string, string];
    const [resource, name] = ref.split('/') as [string, string];
    return { namespace, resource, name, ...KINDS[resource]! };
  });
}

describe.skipIf(skipKubectlSuite(kubectl))('kube/delete-objects.sh', () => {
  let cleanup: RenderedKubeJob;
  let removeNew: RenderedKubeJob;
  const kube = useKubeScriptSuite(kubectl, 'postgresql', {
    clusterPerTest: ['3scale', '3scale-db'],
    setup: async () => {
      [cleanup, removeNew] = await Promise.all([
        renderedKubeJob(EXAMPLE_PLANS.postgresql, 'delete-old-databases', { cleanup: { enabled: true } }),
        renderedKubeJob(EXAMPLE_PLANS.postgresql, 'remove-new-databases'),
      ]);
    },
  });

  const exists = (o: { apiVersion: string; kind: string; namespace: string; name: string }): boolean =>
    kube.cluster.api.store.get(o.apiVersion, o.kind, o.namespace, o.name) !== undefined;

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
    for (const o of objects) expect(exists(o), `${o.resource}/${o.name}`).toBe(true);
    const others = kube.fixture.filter((f) => !objects.some((o) => o.kind === f.kind && o.name === f.metadata.name));
    // WHEN the cleanup Job runs
    const r = await kube.cluster.run(cleanup);
    // THEN the listed objects are gone, each reported, and all others are untouched
    expect(r.code).toBe(0);
    for (const o of objects) {
      expect(exists(o), `${o.resource}/${o.name}`).toBe(false);
      expect(r.stderr).toContain(`deleted ${o.namespace} ${o.resource}/${o.name} (or it was already gone)`);
    }
    for (const f of others) expect(kube.cluster.api.store.get(f.apiVersion, f.kind, f.metadata.namespace, f.metadata.name)).toEqual(f);
  });

  it('tolerates objects that are already gone: a rerun and a partly created set both succeed', async () => {
    // GIVEN a completed cleanup
    expect((await kube.cluster.run(cleanup)).code).toBe(0);
    // WHEN it runs again
    const again = await kube.cluster.run(cleanup);
    // THEN it succeeds although nothing is left to delete
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('evidence recorded: delete-old-databases Succeeded');

    // GIVEN a prepare that got halfway: only the new PostgreSQL Deployment, Service and ServiceAccount exist
    const created = listed(removeNew).filter((o) => o.name === 'system-postgresql-external' || o.name === 'system-postgresql-service' || o.name === 'postgresql-db-external');
    expect(created).toHaveLength(3);
    for (const o of created) kube.cluster.api.store.put({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: o.namespace } });
    // WHEN the rollback of prepare runs
    const rollback = await kube.cluster.run(removeNew);
    // THEN it deletes those three, passes over the ten that never existed, and succeeds
    expect(rollback.code).toBe(0);
    for (const o of listed(removeNew)) expect(exists(o), `${o.resource}/${o.name}`).toBe(false);
    expect(kube.cluster.api.requests.filter((q) => q.method === 'DELETE' && q.path.includes('/namespaces/3scale-db/'))).toHaveLength(13);
  });

  it('fails when the API server refuses a deletion, and records no evidence', async () => {
    // GIVEN an API server that forbids deleting the old PostgreSQL PVC
    kube.cluster.api.setFault({ method: 'DELETE', path: '/api/v1/namespaces/3scale/persistentvolumeclaims/postgresql-data', status: 403 });
    // WHEN the cleanup Job runs
    const r = await kube.cluster.run(cleanup);
    // THEN it stops there with kubectl's message and does not claim success
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/persistentvolumeclaims "postgresql-data" is forbidden/);
    expect(exists({ ...KINDS.persistentvolumeclaim!, namespace: '3scale', name: 'postgresql-data' })).toBe(true);
    expect(evidenceOf(kube.cluster.api, '3scale', 'delete-old-databases')).toEqual({});
  });

  it('records evidence, prints no secret and makes only requests its Role allows', async () => {
    // GIVEN the Roles the charts render (get and delete on the listed names, evidence in 3scale)
    // WHEN both Jobs run, one after the other
    const outputs = [];
    const outside = [];
    for (const job of [cleanup, removeNew]) {
      kube.cluster.api.clearRequests();
      outputs.push(await kube.cluster.run(job));
      outside.push(...requestsOutsideRole(kube.cluster.api.requests, job));
    }
    // THEN each recorded its evidence in 3scale, nothing secret was printed, and every request was allowed
    expect(outputs.map((o) => o.code)).toEqual([0, 0]);
    for (const step of ['delete-old-databases', 'remove-new-databases']) {
      expect(evidenceOf(kube.cluster.api, '3scale', step)).toEqual({
        [`${step}.phase`]: 'Succeeded',
        [`${step}.inputsChecksum`]: expect.stringMatching(/^[0-9a-f]{64}$/),
        [`${step}.finishedAt`]: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        [`${step}.result`]: 'deleted the listed objects',
      });
    }
    expect(outputs.map((o) => o.stdout)).toEqual(['', '']);
    expect(leakedSecrets(outputs.map((o) => o.stderr).join('\n'))).toEqual([]);
    expect(outside).toEqual([]);
  });
});

describe.skipIf(skipKubectlSuite(kubectl))('kube/delete-objects.sh on an install before 2.15 (DeploymentConfigs)', () => {
  let cleanup: RenderedKubeJob;
  const kube = useKubeScriptSuite(kubectl, 'postgresql-dc', {
    clusterPerTest: ['3scale', '3scale-db'],
    apis: { deploymentConfigs: true },
    setup: async () => {
      cleanup = await renderedKubeJob(EXAMPLE_PLANS['postgresql-dc'], 'delete-old-databases');
    },
  });

  it('deletes the old databases as DeploymentConfigs, leaves every other DeploymentConfig, and stays inside its Role', async () => {
    // GIVEN the 2.14 install, and the cleanup Job of examples/pre-2.15-deploymentconfigs
    const dcs = ['system-postgresql', 'backend-redis', 'system-redis'];
    expect(cleanup.env.OBJECTS!.split('\n').filter((l) => l.includes('deploymentconfig/'))).toEqual(dcs.map((n) => `3scale deploymentconfig/${n}`));
    const get = (name: string) => kube.cluster.api.store.get('apps.openshift.io/v1', 'DeploymentConfig', '3scale', name);
    for (const name of dcs) expect(get(name), name).toBeDefined();

    // WHEN the Job's script runs with kubectl
    const r = await kube.cluster.run(cleanup);

    // THEN the three DeploymentConfigs are gone, the twelve 3scale ones are untouched, and every request was allowed
    expect(r.code).toBe(0);
    for (const name of dcs) {
      expect(get(name), name).toBeUndefined();
      expect(r.stderr).toContain(`deleted 3scale deploymentconfig/${name} (or it was already gone)`);
    }
    for (const f of kube.fixture.filter((o) => o.kind === 'DeploymentConfig' && !dcs.includes(o.metadata.name))) expect(get(f.metadata.name)).toEqual(f);
    expect(kube.cluster.api.requests.filter((q) => q.method === 'DELETE' && q.path.startsWith('/apis/apps.openshift.io/v1/namespaces/3scale/deploymentconfigs/'))).toHaveLength(3);
    expect(requestsOutsideRole(kube.cluster.api.requests, cleanup)).toEqual([]);
    expect(evidenceOf(kube.cluster.api, '3scale', 'delete-old-databases')).toMatchObject({ 'delete-old-databases.phase': 'Succeeded' });
  });
});
