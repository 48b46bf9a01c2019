/**
 * The fake API server's REST semantics, driven through the real KubeClient: other suites (patch
 * builders, diff) rely on it behaving like kube-apiserver.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { KubeClient } from '../../src/live/kube-client.js';
import type { KubeMethod } from '../../src/live/kube-client.js';
import { startFakeApiServer } from '../support/fake-api-server.js';
import type { FakeApiServer } from '../support/fake-api-server.js';

type Obj = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

let api: FakeApiServer;
let client: KubeClient;

const deployment = (name: string, image = 'registry.example.com/app:1'): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: 'x' } },
  spec: {
    selector: { matchLabels: { deployment: name } },
    template: { metadata: { labels: { deployment: name } }, spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] } },
  },
});

async function call(method: KubeMethod, path: string, body?: unknown, contentType?: string, query?: Record<string, string>): Promise<{ status: number; json: Obj & Record<string, unknown> }> {
  const res = await client.send({
    method,
    path,
    query,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    contentType,
    operation: { verb: 'get' },
  });
  return { status: res.status, json: JSON.parse(res.body) as Obj & Record<string, unknown> };
}

const DEPLOYMENTS = '/apis/apps/v1/namespaces/3scale/deployments';

beforeAll(async () => {
  api = await startFakeApiServer({ clock: () => new Date('2025-07-01T10:00:00.123Z') });
  client = KubeClient.fromOptions({ kubeconfig: api.kubeconfigPath('3scale') });
});
afterEach(() => {
  api.clearFaults();
  api.clearRequests();
});
afterAll(async () => {
  client.close();
  await api.close();
});

describe('discovery', () => {
  test('serves core, apps, batch, rbac, 3scale and OLM APIs; DeploymentConfigs only on request', async () => {
    // GIVEN / WHEN
    const groups = (await call('GET', '/apis')).json as unknown as { groups: { name: string }[] };
    const olm = (await call('GET', '/apis/operators.coreos.com/v1alpha1')).json as unknown as { resources: { name: string }[] };
    const core = await call('GET', '/api');
    const dc = await call('GET', '/apis/apps.openshift.io/v1');
    const withDc = await startFakeApiServer({ apis: { deploymentConfigs: true }, token: null });
    const dcServed = await fetch(`${withDc.url}/apis/apps.openshift.io/v1`).then((r) => r.json() as Promise<{ resources: { name: string }[] }>);
    await withDc.close();
    // THEN
    expect(groups.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(['apps', 'batch', 'rbac.authorization.k8s.io', 'apps.3scale.net', 'operators.coreos.com']),
    );
    expect(olm.resources.map((r) => r.name)).toEqual(expect.arrayContaining(['subscriptions', 'clusterserviceversions', 'installplans']));
    expect(core.json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    expect(dc.status).toBe(404);
    expect(dc.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    expect(dcServed.resources.map((r) => r.name)).toContain('deploymentconfigs');
  });
});

describe('discovery of the OpenShift and OLM read APIs the preflight checks use', () => {
  test('GIVEN the default server WHEN discovery is read THEN ClusterVersion is cluster-scoped and PackageManifest is a read-only namespaced API that refuses writes', async () => {
    // GIVEN / WHEN
    const config = (await call('GET', '/apis/config.openshift.io/v1')).json as unknown as { resources: { name: string; namespaced: boolean; kind: string }[] };
    const packages = (await call('GET', '/apis/packages.operators.coreos.com/v1')).json as unknown as { resources: { name: string; namespaced: boolean; verbs: string[] }[] };
    const write = await call('POST', '/apis/packages.operators.coreos.com/v1/namespaces/openshift-marketplace/packagemanifests', {
      apiVersion: 'packages.operators.coreos.com/v1',
      kind: 'PackageManifest',
      metadata: { name: '3scale-operator' },
    });
    const list = await call('GET', '/apis/packages.operators.coreos.com/v1/namespaces/openshift-marketplace/packagemanifests');

    // THEN
    expect(config.resources.find((r) => r.name === 'clusterversions')).toMatchObject({ kind: 'ClusterVersion', namespaced: false });
    expect(packages.resources.find((r) => r.name === 'packagemanifests')).toMatchObject({ namespaced: true, verbs: ['get', 'list', 'watch'] });
    expect(write.status).toBe(405);
    expect(write.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'MethodNotAllowed' });
    expect(list.status).toBe(200);
  });
});

describe('writes', () => {
  test('create fills server fields and defaults; dryRun=All stores nothing; a second create is AlreadyExists', async () => {
    // GIVEN
    const before = api.store.resourceVersion;
    // WHEN
    const dry = await call('POST', DEPLOYMENTS, deployment('dry'), undefined, { dryRun: 'All' });
    const created = await call('POST', DEPLOYMENTS, deployment('web'), undefined, { fieldManager: 'tester' });
    const again = await call('POST', DEPLOYMENTS, deployment('web'));
    // THEN
    expect(dry.status).toBe(201);
    expect(api.store.get('apps/v1', 'Deployment', '3scale', 'dry')).toBeUndefined();
    expect(created.status).toBe(201);
    const meta = created.json.metadata;
    expect(meta).toMatchObject({ namespace: '3scale', generation: 1, creationTimestamp: '2025-07-01T10:00:00Z' });
    expect(typeof meta.uid).toBe('string');
    expect(Number(meta.resourceVersion)).toBeGreaterThan(Number(before));
    expect(meta.managedFields).toMatchObject([{ manager: 'tester', operation: 'Update', fieldsType: 'FieldsV1' }]);
    expect(created.json.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { creationTimestamp: null },
        spec: {
          dnsPolicy: 'ClusterFirst',
          containers: [{ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', ports: [{ containerPort: 8080, protocol: 'TCP' }] }],
        },
      },
    });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', message: 'deployments.apps "web" already exists' });
  });

  test('json-patch: a failed test op is 422 and changes nothing; a good patch bumps resourceVersion and generation', async () => {
    // GIVEN
    await call('POST', DEPLOYMENTS, deployment('jp'));
    const rv = api.store.get('apps/v1', 'Deployment', '3scale', 'jp')!.metadata.resourceVersion;
    // WHEN
    const failed = await call('PATCH', `${DEPLOYMENTS}/jp`, [{ op: 'test', path: '/metadata/labels/app', value: 'other' }, { op: 'remove', path: '/metadata/labels/app' }], 'application/json-patch+json');
    const label = await call('PATCH', `${DEPLOYMENTS}/jp`, [{ op: 'test', path: '/metadata/labels/app', value: 'x' }, { op: 'remove', path: '/metadata/labels/app' }], 'application/json-patch+json');
    const spec = await call('PATCH', `${DEPLOYMENTS}/jp`, [{ op: 'replace', path: '/spec/replicas', value: 0 }], 'application/json-patch+json');
    // THEN
    expect(failed.status).toBe(422);
    expect(failed.json).toMatchObject({ kind: 'Status', reason: 'Invalid' });
    expect(label.status).toBe(200);
    expect(label.json.metadata.labels).toEqual({});
    expect(label.json.metadata.generation).toBe(1);
    expect(Number(label.json.metadata.resourceVersion)).toBeGreaterThan(Number(rv));
    expect(spec.json.metadata.generation).toBe(2);
  });

  test('merge and strategic merge patches; a no-op patch keeps the resourceVersion', async () => {
    // GIVEN
    await call('POST', DEPLOYMENTS, deployment('mp'));
    // WHEN
    const smp = await call('PATCH', `${DEPLOYMENTS}/mp`, { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.example.com/app:2' }] } } } }, 'application/strategic-merge-patch+json');
    const merge = await call('PATCH', `${DEPLOYMENTS}/mp`, { metadata: { labels: { app: null, tier: 'db' } } }, 'application/merge-patch+json');
    const noop = await call('PATCH', `${DEPLOYMENTS}/mp`, { metadata: { labels: { tier: 'db' } } }, 'application/merge-patch+json');
    // THEN strategic merge kept the container's other fields
    const container = (smp.json.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0];
    expect(container).toMatchObject({ name: 'app', image: 'registry.example.com/app:2', ports: [{ containerPort: 8080, protocol: 'TCP' }] });
    expect(merge.json.metadata.labels).toEqual({ tier: 'db' });
    expect(noop.json.metadata.resourceVersion).toBe(merge.json.metadata.resourceVersion);
  });

  test('PUT with a stale resourceVersion is a 409 Conflict; DELETE (also dry-run) and GET 404', async () => {
    // GIVEN
    const created = await call('POST', DEPLOYMENTS, deployment('put'));
    await call('PATCH', `${DEPLOYMENTS}/put`, { metadata: { labels: { v: '2' } } }, 'application/merge-patch+json');
    // WHEN
    const stale = await call('PUT', `${DEPLOYMENTS}/put`, created.json);
    const dryDelete = await call('DELETE', `${DEPLOYMENTS}/put`, undefined, undefined, { dryRun: 'All' });
    const stillThere = await call('GET', `${DEPLOYMENTS}/put`);
    const del = await call('DELETE', `${DEPLOYMENTS}/put`);
    const gone = await call('GET', `${DEPLOYMENTS}/put`);
    // THEN
    expect(stale.status).toBe(409);
    expect(stale.json.message).toMatch(/^Operation cannot be fulfilled on deployments\.apps "put": the object has been modified/);
    expect(dryDelete.status).toBe(200);
    expect(stillThere.status).toBe(200);
    expect(del.json).toMatchObject({ kind: 'Status', status: 'Success' });
    expect(gone.status).toBe(404);
    expect(gone.json).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'deployments.apps "put" not found', details: { name: 'put', group: 'apps', kind: 'deployments' } });
  });

  test('a Job template is immutable; the scale subresource records its own field manager', async () => {
    // GIVEN
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pre' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i:1' }] } } } };
    await call('POST', '/apis/batch/v1/namespaces/3scale/jobs', job);
    await call('POST', DEPLOYMENTS, deployment('scaled'));
    // WHEN
    const changed = await call('PATCH', '/apis/batch/v1/namespaces/3scale/jobs/pre', { spec: { template: { spec: { containers: [{ name: 'c', image: 'i:2' }] } } } }, 'application/merge-patch+json');
    const scaled = await call('PATCH', `${DEPLOYMENTS}/scaled/scale`, { spec: { replicas: 3 } }, 'application/merge-patch+json', { fieldManager: 'oc' });
    // THEN
    expect(changed.status).toBe(422);
    expect(changed.json.message).toMatch(/^Job\.batch "pre" is invalid: spec\.template: Invalid value: .*: field is immutable$/);
    expect(scaled.json).toMatchObject({ kind: 'Scale', spec: { replicas: 3 } });
    const stored = api.store.get('apps/v1', 'Deployment', '3scale', 'scaled')!;
    expect((stored.spec as { replicas: number }).replicas).toBe(3);
    expect(stored.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: 'oc', subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }));
  });

  test('server-side apply without fieldManager is refused; with it, dry-run leaves the store alone', async () => {
    // GIVEN
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { a: '1' } });
    // WHEN
    const noManager = await call('PATCH', '/api/v1/namespaces/3scale/configmaps/ssa', body, 'application/apply-patch+yaml');
    const dry = await call('PATCH', '/api/v1/namespaces/3scale/configmaps/ssa', body, 'application/apply-patch+yaml', { fieldManager: 'm', dryRun: 'All' });
    const real = await call('PATCH', '/api/v1/namespaces/3scale/configmaps/ssa', body, 'application/apply-patch+yaml', { fieldManager: 'm' });
    // THEN
    expect(noManager.status).toBe(400);
    expect(dry.status).toBe(201);
    expect(real.status).toBe(201);
    expect(real.json.metadata.managedFields).toMatchObject([{ manager: 'm', operation: 'Apply', fieldsV1: { 'f:data': { 'f:a': {} } } }]);
  });
});

describe('lists, selectors and faults', () => {
  test('built-in LIST items have no apiVersion/kind; custom resources keep theirs', async () => {
    // GIVEN
    await call('POST', '/apis/apps.3scale.net/v1alpha1/namespaces/3scale/apimanagers', { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', metadata: { name: 'a' }, spec: {} });
    // WHEN
    const deployments = (await call('GET', DEPLOYMENTS)).json as unknown as { kind: string; metadata: { resourceVersion: string }; items: Record<string, unknown>[] };
    const apims = (await call('GET', '/apis/apps.3scale.net/v1alpha1/namespaces/3scale/apimanagers')).json as unknown as { items: Record<string, unknown>[] };
    const bad = await call('GET', DEPLOYMENTS, undefined, undefined, { labelSelector: 'a in (b' });
    // THEN
    expect(deployments.kind).toBe('DeploymentList');
    expect(deployments.metadata.resourceVersion).toBe(api.store.resourceVersion);
    expect(deployments.items[0].kind).toBeUndefined();
    expect(apims.items[0]).toMatchObject({ apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager' });
    expect(bad.status).toBe(400);
  });

  test('fault rules: query conditions, times, default 403 text; requests are recorded', async () => {
    // GIVEN
    api.setFault({ method: 'GET', path: /\/secrets$/, query: { labelSelector: 'x=y' }, status: 403, times: 1 });
    // WHEN
    const first = await call('GET', '/api/v1/namespaces/3scale/secrets', undefined, undefined, { labelSelector: 'x=y' });
    const second = await call('GET', '/api/v1/namespaces/3scale/secrets', undefined, undefined, { labelSelector: 'x=y' });
    const other = await call('GET', '/api/v1/namespaces/3scale/secrets');
    // THEN
    expect(first.status).toBe(403);
    expect(first.json.message).toBe(
      'secrets is forbidden: User "system:serviceaccount:test:reader" cannot list resource "secrets" in API group "" in the namespace "3scale"',
    );
    expect(second.status).toBe(200);
    expect(other.status).toBe(200);
    expect(api.requests.map((r) => [r.method, r.path, r.faulted])).toEqual([
      ['GET', '/api/v1/namespaces/3scale/secrets', true],
      ['GET', '/api/v1/namespaces/3scale/secrets', false],
      ['GET', '/api/v1/namespaces/3scale/secrets', false],
    ]);
    expect(api.requests[0].query).toEqual({ labelSelector: 'x=y' });
  });
});
