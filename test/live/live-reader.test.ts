import { createServer } from 'node:net';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { LiveReadError } from '../../src/live/kube-errors.js';
import { ALL_NAMESPACES, LiveReader } from '../../src/live/live-reader.js';
import type { ObjectTypeRef } from '../../src/live/object-type.js';
import { startFakeApiServer } from '../support/fake-api-server.js';
import type { FakeApiServer, FakeApiServerOptions } from '../support/fake-api-server.js';
import { leakedSecrets, loadLiveFixture, pick } from '../support/live-fixtures.js';

/** The kinds `oc get deployment,pvc,svc,configmap,secret,serviceaccount,apimanager` reads. */
const EXPORT_KINDS: ObjectTypeRef[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager' },
];

let fixture: KubeObject[];
const servers: FakeApiServer[] = [];
const readers: LiveReader[] = [];

beforeAll(async () => {
  fixture = await loadLiveFixture('postgresql');
});

afterEach(async () => {
  readers.splice(0).forEach((r) => r.client.close());
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function cluster(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const api = await startFakeApiServer({ objects: fixture, ...options });
  servers.push(api);
  return api;
}

function readerFor(api: FakeApiServer, options: { timeoutMs?: number; namespace?: string; token?: string; pageSize?: number } = {}): LiveReader {
  const reader = LiveReader.fromKubeconfig({
    kubeconfig: api.kubeconfigPath({ namespace: options.namespace ?? '3scale', token: options.token }),
    timeoutMs: options.timeoutMs,
    pageSize: options.pageSize,
  });
  readers.push(reader);
  return reader;
}

const isList = (api: FakeApiServer): number => api.requests.filter((r) => r.method === 'GET' && /\/namespaces\/[^/]+\/[^/]+$|^\/apis?\/.+\/[a-z]+$/.test(r.path) && !isDiscovery(r.path)).length;
const isDiscovery = (path: string): boolean => path === '/api/v1' || /^\/apis\/[^/]+\/[^/]+$/.test(path);
const discoveryCount = (api: FakeApiServer): number => api.requests.filter((r) => isDiscovery(r.path)).length;

function manySecrets(n: number): KubeObject[] {
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `extra-${String(i).padStart(4, '0')}`, namespace: '3scale', resourceVersion: '100', uid: `u-${i}` },
    data: { k: 'dg==' },
    type: 'Opaque',
  }));
}

describe('listObjects', () => {
  test('reads every exported object back, byte-for-byte, with one LIST per kind', async () => {
    // GIVEN a cluster holding the 2.15 PostgreSQL install
    const api = await cluster();
    const reader = readerFor(api);
    // WHEN all seven kinds are read
    const live = await reader.listObjects(EXPORT_KINDS);
    // THEN the objects equal the export (apiVersion/kind filled in for built-in LIST items)
    expect(live).toHaveLength(fixture.length);
    expect(live).toEqual(fixture);
    // AND there was exactly one LIST per kind, plus one discovery per group/version (v1, apps/v1, apps.3scale.net/v1alpha1)
    expect(isList(api)).toBe(7);
    expect(discoveryCount(api)).toBe(3);
    expect(api.count({ method: 'GET', path: '/api/v1/namespaces/3scale/secrets' })).toBe(1);
    expect(api.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  test('the number of requests does not grow with the number of objects', async () => {
    // GIVEN a small cluster and one with 300 more Secrets
    const small = await cluster();
    const big = await cluster({ objects: [...fixture, ...manySecrets(300)] });
    // WHEN both are read
    const fromSmall = await readerFor(small).listObjects(EXPORT_KINDS);
    const fromBig = await readerFor(big).listObjects(EXPORT_KINDS);
    // THEN the big one returns 300 more objects with the same requests
    expect(fromBig.length - fromSmall.length).toBe(300);
    expect(big.requests.map((r) => r.path)).toEqual(small.requests.map((r) => r.path));
    expect(big.count({ method: 'GET', path: /\/secrets\/.+/ })).toBe(0);
  });

  test('collections larger than a page are read with continue tokens, still without per-object GETs', async () => {
    // GIVEN 300 extra Secrets and a page size of 100
    const api = await cluster({ objects: [...fixture, ...manySecrets(300)] });
    const reader = readerFor(api, { pageSize: 100 });
    // WHEN
    const secrets = await reader.listObjects([{ apiVersion: 'v1', kind: 'Secret' }]);
    // THEN 320 secrets in 4 pages
    expect(secrets).toHaveLength(320);
    expect(api.count({ method: 'GET', path: '/api/v1/namespaces/3scale/secrets' })).toBe(4);
    expect(new Set(secrets.map((s) => s.metadata.name)).size).toBe(320);
  });

  test('discovery is cached: one request per group/version for the life of the reader', async () => {
    // GIVEN
    const api = await cluster();
    const reader = readerFor(api);
    // WHEN the same kinds are read twice, concurrently and then again
    await Promise.all([reader.listObjects(EXPORT_KINDS), reader.listObjects(EXPORT_KINDS)]);
    await reader.listObjects(EXPORT_KINDS);
    // THEN
    expect(discoveryCount(api)).toBe(3);
    expect(api.count({ path: '/apis/apps/v1' })).toBe(1);
    expect(isList(api)).toBe(21);
  });

  test('duplicate refs and refs naming the default namespace explicitly are listed once', async () => {
    // GIVEN
    const api = await cluster();
    const reader = readerFor(api);
    // WHEN
    const secrets = await reader.listObjects([
      { apiVersion: 'v1', kind: 'Secret' },
      { apiVersion: 'v1', kind: 'Secret', namespace: '3scale' },
      { apiVersion: 'v1', kind: 'Secret' },
    ]);
    // THEN
    expect(secrets).toHaveLength(20);
    expect(api.count({ method: 'GET', path: '/api/v1/namespaces/3scale/secrets' })).toBe(1);
  });

  test('label selectors are passed to the server: equality, !=, exists, in', async () => {
    // GIVEN
    const api = await cluster();
    const reader = readerFor(api);
    const deployments: ObjectTypeRef[] = [{ apiVersion: 'apps/v1', kind: 'Deployment' }];
    // WHEN
    const app = await reader.listObjects(deployments, { labelSelector: 'app=3scale-api-management' });
    const threescale = await reader.listObjects(deployments, { labelSelector: 'threescale_component' });
    const notSystem = await reader.listObjects(deployments, { labelSelector: 'threescale_component,threescale_component!=system' });
    const dbs = await reader.listObjects(deployments, { labelSelector: 'threescale_component_element in (postgresql,redis,database)' });
    const byName = await reader.listObjects(deployments, { fieldSelector: 'metadata.name=system-app' });
    // THEN the operator Deployment also carries app=3scale-api-management
    expect(app).toHaveLength(16);
    expect(threescale).toHaveLength(15);
    expect(notSystem.map((d) => d.metadata.name)).toEqual([
      'apicast-production',
      'apicast-staging',
      'backend-cron',
      'backend-listener',
      'backend-redis',
      'backend-worker',
      'zync',
      'zync-database',
      'zync-que',
    ]);
    expect(dbs.map((d) => d.metadata.name)).toEqual(['backend-redis', 'system-postgresql', 'system-redis', 'zync-database']);
    expect(byName.map((d) => d.metadata.name)).toEqual(['system-app']);
    expect(api.requests.at(-1)?.query).toMatchObject({ fieldSelector: 'metadata.name=system-app' });
  });

  test('namespace: default from the kubeconfig context, explicit per ref, or all namespaces', async () => {
    // GIVEN objects in two namespaces
    const other: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'other' }, data: {} };
    const api = await cluster({ objects: [...fixture, other] });
    const reader = readerFor(api, { namespace: 'other' });
    // WHEN
    const inContext = await reader.listObjects([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    const in3scale = await reader.listObjects([{ apiVersion: 'v1', kind: 'ConfigMap', namespace: '3scale' }]);
    const everywhere = await reader.listObjects([{ apiVersion: 'v1', kind: 'ConfigMap', namespace: ALL_NAMESPACES }]);
    // THEN
    expect(inContext.map((c) => c.metadata.name)).toEqual(['x']);
    expect(in3scale).toHaveLength(8);
    expect(everywhere).toHaveLength(9);
    expect(api.count({ path: '/api/v1/configmaps' })).toBe(1);
  });

  test('a kind whose CRD is not installed is a missing-crd error; listEach still reads the others', async () => {
    // GIVEN a cluster without the 3scale operator's API
    const api = await cluster({ objects: fixture.filter((o) => o.kind !== 'APIManager'), apis: { omit: ['apps.3scale.net/v1alpha1'] } });
    const reader = readerFor(api);
    // WHEN
    const err = (await reader.listObjects(EXPORT_KINDS).catch((e: unknown) => e)) as LiveReadError;
    const each = await reader.listEach(EXPORT_KINDS);
    // THEN
    expect(err).toBeInstanceOf(LiveReadError);
    expect(err.kind).toBe('missing-crd');
    expect(err.message).toBe(
      'cannot list APIManager objects in namespace 3scale: the cluster does not serve apps.3scale.net/v1alpha1, is the 3scale operator installed? (HTTP 404)',
    );
    expect(each.filter((o) => o.ok)).toHaveLength(6);
    expect(each.find((o) => !o.ok)?.ref.kind).toBe('APIManager');
    // AND the missing group/version is not cached as absent forever: it is asked again
    expect(api.count({ path: '/apis/apps.3scale.net/v1alpha1' })).toBe(2);
  });

  test('a kind missing from a served group/version is a missing-crd error too', async () => {
    // GIVEN
    const api = await cluster();
    const reader = readerFor(api);
    // WHEN
    const err = (await reader.listObjects([{ apiVersion: 'apps/v1', kind: 'DeploymentConfig' }]).catch((e: unknown) => e)) as LiveReadError;
    // THEN
    expect(err.kind).toBe('missing-crd');
    expect(err.message).toBe(
      'cannot list DeploymentConfig objects in namespace 3scale: the cluster serves apps/v1 but not the kind DeploymentConfig (not in its discovery document)',
    );
  });

  test('403 on one kind names the resource and namespace', async () => {
    // GIVEN RBAC that forbids listing Secrets
    const api = await cluster({ faults: [{ method: 'GET', path: '/api/v1/namespaces/3scale/secrets', status: 403 }] });
    const reader = readerFor(api);
    // WHEN
    const err = (await reader.listObjects(EXPORT_KINDS).catch((e: unknown) => e)) as LiveReadError;
    const each = await reader.listEach(EXPORT_KINDS);
    // THEN
    expect(err.kind).toBe('forbidden');
    expect(err.status).toBe(403);
    expect(err.message).toBe('cannot list secrets in namespace 3scale: forbidden (HTTP 403)');
    expect(each.filter((o) => !o.ok).map((o) => o.ref.kind)).toEqual(['Secret']);
  });

  test('401 (expired token) stops the whole read', async () => {
    // GIVEN a kubeconfig with a token the server does not accept
    const api = await cluster();
    const reader = readerFor(api, { token: 'expired-token' });
    // WHEN
    const err = (await reader.listEach(EXPORT_KINDS).catch((e: unknown) => e)) as LiveReadError;
    // THEN
    expect(err.kind).toBe('unauthorized');
    expect(err.message).toMatch(/^cannot list .+ in namespace 3scale: unauthorized, the cluster rejected the kubeconfig credentials .*\(HTTP 401\)$/);
  });

  test('500 is a server error naming the LIST', async () => {
    // GIVEN
    const api = await cluster({ faults: [{ path: '/apis/apps/v1/namespaces/3scale/deployments', status: 500 }] });
    // WHEN
    const err = (await readerFor(api).listObjects(EXPORT_KINDS).catch((e: unknown) => e)) as LiveReadError;
    // THEN
    expect(err.kind).toBe('server-error');
    expect(err.message).toBe('cannot list deployments.apps in namespace 3scale: the API server failed, Internal error occurred: injected fault (HTTP 500)');
  });

  test('a slow answer within the timeout is fine; beyond it, a timeout error', async () => {
    // GIVEN Secrets answered after 400 ms
    const api = await cluster({ faults: [{ path: '/api/v1/namespaces/3scale/secrets', delayMs: 400 }] });
    // WHEN read with 2 s and with 150 ms timeouts
    const ok = await readerFor(api, { timeoutMs: 2000 }).listObjects([{ apiVersion: 'v1', kind: 'Secret' }]);
    const err = (await readerFor(api, { timeoutMs: 150 })
      .listObjects([{ apiVersion: 'v1', kind: 'Secret' }])
      .catch((e: unknown) => e)) as LiveReadError;
    // THEN
    expect(ok).toHaveLength(20);
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`cannot list secrets in namespace 3scale: no answer from ${api.url} within 150 ms (timeout)`);
  });

  test('server-wide latency below the timeout does not fail the read', async () => {
    // GIVEN 30 ms on every answer
    const api = await cluster({ latencyMs: 30 });
    // WHEN
    const objects = await readerFor(api, { timeoutMs: 1000 }).listObjects(EXPORT_KINDS);
    // THEN
    expect(objects).toHaveLength(fixture.length);
  });

  test('a dropped connection is a network error', async () => {
    // GIVEN
    const api = await cluster({ faults: [{ path: '/api/v1/namespaces/3scale/configmaps', action: 'close' }] });
    // WHEN
    const err = (await readerFor(api).listObjects(EXPORT_KINDS).catch((e: unknown) => e)) as LiveReadError;
    // THEN
    expect(err.kind).toBe('network');
    expect(err.message).toBe(`cannot list configmaps in namespace 3scale: ${api.url} closed the connection before answering (ECONNRESET)`);
  });

  test('connection refused (closed port) names the server URL', async () => {
    // GIVEN a kubeconfig pointing at a closed port
    const api = await cluster();
    const port = await closedPort();
    const reader = LiveReader.fromKubeconfig({ kubeconfig: api.kubeconfigPath({ namespace: '3scale', server: `http://127.0.0.1:${port}` }) });
    readers.push(reader);
    // WHEN
    const err = (await reader.listObjects(EXPORT_KINDS).catch((e: unknown) => e)) as LiveReadError;
    // THEN
    expect(err.kind).toBe('connection-refused');
    expect(err.message).toBe(`cannot read API apps/v1: connection refused by http://127.0.0.1:${port}, is the cluster reachable?`);
  });
});

describe('dryRunApply', () => {
  test('returns what the server would store and changes nothing', async () => {
    // GIVEN the live backend-listener (scaled to 2 with oc)
    const api = await cluster();
    const reader = readerFor(api);
    const before = api.store.get('apps/v1', 'Deployment', '3scale', 'backend-listener');
    const rvBefore = api.store.resourceVersion;
    // WHEN a partial object that only sets replicas is dry-run applied
    const result = await reader.dryRunApply(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'backend-listener', namespace: '3scale' }, spec: { replicas: 0 } },
      'threescale-migrate',
    );
    // THEN the answer is the whole Deployment with replicas 0 and a new generation
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.created).toBe(false);
    const spec = result.object.spec as { replicas: number; template: unknown };
    expect(spec.replicas).toBe(0);
    expect(spec.template).toEqual((before?.spec as { template: unknown }).template);
    expect(result.object.metadata.generation).toBe(4);
    expect((result.object.metadata.managedFields as { manager: string; operation: string }[]).map((m) => `${m.manager}/${m.operation}`)).toContain(
      'threescale-migrate/Apply',
    );
    // AND the store did not change
    expect(api.store.get('apps/v1', 'Deployment', '3scale', 'backend-listener')).toEqual(before);
    expect(api.store.resourceVersion).toBe(rvBefore);
    // AND the request was a server-side apply dry run
    const patch = api.requests.find((r) => r.method === 'PATCH');
    expect(patch).toMatchObject({
      path: '/apis/apps/v1/namespaces/3scale/deployments/backend-listener',
      query: { dryRun: 'All', fieldManager: 'threescale-migrate', force: 'true' },
      contentType: 'application/apply-patch+yaml',
    });
    expect(api.count({ method: 'PATCH' })).toBe(1);
  });

  test('without force, taking spec.replicas from the "oc scale" manager is a conflict', async () => {
    // GIVEN
    const api = await cluster();
    const reader = readerFor(api);
    // WHEN
    const result = await reader.dryRunApply(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'backend-listener' }, spec: { replicas: 0 } },
      'threescale-migrate',
      { force: false },
    );
    // THEN
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('conflict');
    expect(result.error.message).toBe(
      'cannot apply Deployment backend-listener in namespace 3scale: conflict with another field manager over .spec.replicas (owned by field manager "oc") (HTTP 409)',
    );
  });

  test('an absent object would be created: HTTP 201, server defaults, nothing stored', async () => {
    // GIVEN a Service that does not exist yet
    const api = await cluster();
    const reader = readerFor(api);
    const size = api.store.size;
    // WHEN
    const result = await reader.dryRunApply(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'system-postgresql-15', resourceVersion: '1', uid: 'stale', managedFields: [] },
        spec: { ports: [{ name: 'postgresql', port: 5432 }], selector: { deployment: 'system-postgresql-15' } },
      },
      'threescale-migrate',
    );
    // THEN
    expect(result.ok && result.created).toBe(true);
    if (!result.ok) return;
    expect(result.object.metadata.namespace).toBe('3scale');
    expect(result.object.spec).toMatchObject({ type: 'ClusterIP', ports: [{ name: 'postgresql', port: 5432, protocol: 'TCP', targetPort: 5432 }] });
    expect(api.store.size).toBe(size);
    const sent = JSON.parse(api.requests.find((r) => r.method === 'PATCH')!.body) as KubeObject;
    expect(sent.metadata).toEqual({ name: 'system-postgresql-15', namespace: '3scale' });
  });

  test('changing the template of an existing Job is "immutable" (HTTP 422)', async () => {
    // GIVEN a finished system-app-pre Job
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'system-app-pre', namespace: '3scale' },
      spec: { template: { spec: { containers: [{ name: 'pre', image: 'registry.redhat.io/3scale-amp2/system-rhel8:1', args: ['rake', 'boot'] }], restartPolicy: 'Never' } } },
    };
    const api = await cluster();
    const reader = readerFor(api);
    const created = await reader.dryRunApply(job, 'threescale-migrate');
    expect(created.ok).toBe(true);
    if (created.ok) api.store.put(created.object);
    // WHEN the desired Job runs another command
    const changed = structuredClone(job) as unknown as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
    changed.spec.template.spec.containers[0].args = ['rake', 'openshift:deploy'];
    const result = await reader.dryRunApply(changed as unknown as KubeObject, 'threescale-migrate');
    // THEN
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('immutable');
    expect(result.error.message).toBe(
      'cannot apply Job system-app-pre in namespace 3scale: field spec.template is immutable, the object must be deleted and re-created (HTTP 422)',
    );
  });

  test('faults on the PATCH become classified outcomes: 409, 422 immutable, 404, 403, 500', async () => {
    // GIVEN
    const api = await cluster();
    const reader = readerFor(api);
    const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'redis-config' }, data: { 'redis.conf': 'x' } };
    const outcome = async (status: number): Promise<LiveReadError> => {
      const remove = api.setFault({ method: 'PATCH', path: /redis-config$/, status });
      const r = await reader.dryRunApply(obj, 'm');
      remove();
      if (r.ok) throw new Error('expected a refusal');
      return r.error;
    };
    // WHEN / THEN
    expect((await outcome(409)).message).toBe(
      'cannot apply ConfigMap redis-config in namespace 3scale: conflict, the object was changed by someone else in the meantime (HTTP 409)',
    );
    expect((await outcome(422)).kind).toBe('immutable');
    expect((await outcome(404)).message).toBe('cannot apply ConfigMap redis-config in namespace 3scale: not found (HTTP 404)');
    expect((await outcome(403)).message).toBe('cannot apply ConfigMap redis-config in namespace 3scale: forbidden (HTTP 403)');
    expect((await outcome(500)).kind).toBe('server-error');
  });

  test('a kind whose CRD is missing is a missing-crd outcome; connection failures throw', async () => {
    // GIVEN
    const api = await cluster({ objects: [], apis: { omit: ['apps.3scale.net/v1alpha1'] } });
    const reader = readerFor(api, { timeoutMs: 150 });
    const apim = pick(fixture, 'APIManager', 'apimanager');
    // WHEN
    const missing = await reader.dryRunApply(apim, 'm');
    api.setFault({ method: 'PATCH', action: 'hang' });
    const timeout = await reader.dryRunApply(pick(fixture, 'ConfigMap', 'redis-config'), 'm').catch((e: unknown) => e);
    // THEN
    expect(!missing.ok && missing.error.message).toBe(
      'cannot apply APIManager apimanager in namespace 3scale: the cluster does not serve apps.3scale.net/v1alpha1, is the 3scale operator installed? (HTTP 404)',
    );
    expect((timeout as LiveReadError).kind).toBe('timeout');
  });

  test('no error message ever contains a secret value', async () => {
    // GIVEN a server that echoes a Secret value in its 422 message, as real validation does
    const api = await cluster({
      faults: [
        {
          method: 'PATCH',
          status: 422,
          message: 'Secret "system-database" is invalid: data[URL]: Invalid value: "postgresql://system:FakePgAppPw-7Qx2@system-postgresql/system": bad',
          causes: [{ reason: 'FieldValueInvalid', field: 'data[URL]', message: 'Invalid value: "FakePgAppPw-7Qx2"' }],
        },
      ],
    });
    const reader = readerFor(api);
    // WHEN the live Secret is dry-run applied
    const result = await reader.dryRunApply(pick(fixture, 'Secret', 'system-database'), 'm');
    // THEN
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe(
      'cannot apply Secret system-database in namespace 3scale: the server rejected the object as invalid: data[URL] (invalid value) (HTTP 422)',
    );
    expect(leakedSecrets(`${result.error.message} ${result.error.object} ${result.error.reason}`)).toEqual([]);
  });

  test('the field manager name is validated before anything is sent', async () => {
    // GIVEN
    const api = await cluster();
    // WHEN
    const err = await readerFor(api)
      .dryRunApply(pick(fixture, 'ConfigMap', 'redis-config'), '')
      .catch((e: unknown) => e);
    // THEN
    expect((err as LiveReadError).message).toBe('the field manager name must be 1 to 128 printable ASCII characters');
    expect(api.requests).toHaveLength(0);
  });
});

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
