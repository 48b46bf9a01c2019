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

describe('container logs and Events', () => {
  const POD: Obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'system-app-1', namespace: '3scale' },
    spec: { containers: [{ name: 'system-master', image: 'i' }, { name: 'system-provider', image: 'i' }], initContainers: [{ name: 'init', image: 'i' }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        { name: 'system-master', state: { running: {} }, lastState: { terminated: { exitCode: 1 } } },
        { name: 'system-provider', state: { waiting: { reason: 'ContainerCreating' } } },
      ],
    },
  };
  const LOG = '/api/v1/namespaces/3scale/pods/system-app-1/log';

  async function log(query: Record<string, string>): Promise<{ status: number; body: string; contentType: string }> {
    return client.send({ method: 'GET', path: LOG, query, operation: { verb: 'get' } });
  }

  test('GIVEN a pod with a log WHEN it is read with tailLines, limitBytes and sinceSeconds THEN the answer is text/plain and bounded like the kubelet bounds it', async () => {
    // GIVEN lines written 2 hours, 30 minutes and 1 minute ago (the clock is 10:00)
    api.store.put(POD);
    api.setPodLog('3scale', 'system-app-1', 'system-master', [
      { text: 'old line', time: new Date('2025-07-01T08:00:00Z') },
      { text: 'half an hour ago', time: new Date('2025-07-01T09:30:00Z') },
      { text: 'a minute ago: é', time: new Date('2025-07-01T09:59:00Z') },
    ]);
    api.setPodLog('3scale', 'system-app-1', 'system-master', 'before the crash\n', { previous: true });
    // WHEN
    const all = await log({ container: 'system-master' });
    const tail = await log({ container: 'system-master', tailLines: '2' });
    const since = await log({ container: 'system-master', sinceSeconds: '3600' });
    const limited = await log({ container: 'system-master', tailLines: '1', limitBytes: '14' });
    const previous = await log({ container: 'system-master', previous: 'true' });
    const stamped = await log({ container: 'system-master', tailLines: '1', timestamps: 'true' });
    // THEN
    expect(all).toMatchObject({ status: 200, contentType: 'text/plain', body: 'old line\nhalf an hour ago\na minute ago: é\n' });
    expect(tail.body).toBe('half an hour ago\na minute ago: é\n');
    expect(since.body).toBe('half an hour ago\na minute ago: é\n');
    expect(Buffer.byteLength(limited.body)).toBeLessThanOrEqual(14);
    expect(limited.body.startsWith('a minute ago')).toBe(true);
    expect(previous.body).toBe('before the crash\n');
    expect(stamped.body).toBe('2025-07-01T09:59:00.000Z a minute ago: é\n');
  });

  test('GIVEN requests a kube-apiserver refuses WHEN they are sent THEN the same 400/404/422 Status answers come back', async () => {
    // GIVEN
    api.store.put(POD);
    // WHEN
    const noContainer = await log({});
    const unknown = await log({ container: 'nope' });
    const notStarted = await log({ container: 'system-provider' });
    const noPrevious = await log({ container: 'system-provider', previous: 'true' });
    const negative = await log({ container: 'system-master', tailLines: '-1' });
    const missing = await client.send({ method: 'GET', path: '/api/v1/namespaces/3scale/pods/gone/log', operation: { verb: 'get' } });
    // THEN
    expect([noContainer.status, unknown.status, notStarted.status, noPrevious.status, negative.status, missing.status]).toEqual([400, 400, 400, 400, 422, 404]);
    expect(JSON.parse(noContainer.body).message).toBe('a container name must be specified for pod system-app-1, choose one of: [system-master system-provider] or one of the init containers: [init]');
    expect(JSON.parse(unknown.body).message).toBe('container nope is not valid for pod system-app-1');
    expect(JSON.parse(notStarted.body).message).toBe('container "system-provider" in pod "system-app-1" is waiting to start: ContainerCreating');
    expect(JSON.parse(noPrevious.body).message).toBe('previous terminated container "system-provider" in pod "system-app-1" not found');
    expect(JSON.parse(missing.body).message).toBe('pods "gone" not found');
  });

  test('GIVEN a pod deleted and created again under its name WHEN its log is read THEN it starts empty, as on a node', async () => {
    // GIVEN
    api.store.put(POD);
    api.setPodLog('3scale', 'system-app-1', 'system-master', 'first pod');
    api.store.remove('v1', 'Pod', '3scale', 'system-app-1');
    api.store.put({ ...POD, metadata: { name: 'system-app-1', namespace: '3scale' } });
    // WHEN
    const again = await log({ container: 'system-master' });
    // THEN
    expect(again).toMatchObject({ status: 200, body: '' });
  });

  test('GIVEN a 403 rule on logs WHEN a log is read THEN the message names the pods/log subresource as RBAC does', async () => {
    // GIVEN
    api.store.put(POD);
    api.setFault({ path: /\/log$/, status: 403 });
    // WHEN
    const denied = await log({ container: 'system-master' });
    // THEN
    expect(JSON.parse(denied.body).message).toBe('pods "system-app-1" is forbidden: User "system:serviceaccount:test:reader" cannot get resource "pods/log" in API group "" in the namespace "3scale"');
  });

  test('GIVEN core/v1 Events WHEN the namespace\'s Events are listed THEN they come back as an EventList', async () => {
    // GIVEN
    api.store.put({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: '3scale' }, type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container', involvedObject: { kind: 'Pod', name: 'system-app-1', namespace: '3scale' } } as Obj);
    // WHEN
    const events = (await call('GET', '/api/v1/namespaces/3scale/events')).json as unknown as { kind: string; items: Record<string, unknown>[] };
    // THEN
    expect(events.kind).toBe('EventList');
    expect(events.items).toMatchObject([{ reason: 'BackOff', type: 'Warning', involvedObject: { name: 'system-app-1' } }]);
  });
});
