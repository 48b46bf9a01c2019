/**
 * Differential check of the fake API server (test/support/fake-api-*.ts) against the real kube-apiserver of
 * test/support/real-api: the same requests go to both, and the answers must agree once what legitimately
 * differs between two servers is removed (uids, timestamps, resourceVersions, the time of managedFields
 * entries, cluster IPs). Where they disagree the real server is right, so the fake is fixed, or the case is
 * listed in the README as one the suites no longer use the fake for.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { namespaceObject } from '../support/fake-api-kubectl.js';
import { startFakeApiServer, type FakeApiServer } from '../support/fake-api-server.js';
import { adminEndpoint, apiRequest, createNamespace, useRealApiServer, type ApiAnswer, type ApiCall, type ApiEndpoint } from '../support/real-api/index.js';

const NS = 'differential';
const CM = `/api/v1/namespaces/${NS}/configmaps`;
const DEPLOY = `/apis/apps/v1/namespaces/${NS}/deployments`;
const APIM = `/apis/apps.3scale.net/v1alpha1/namespaces/${NS}/apimanagers`;
const CV = '/apis/config.openshift.io/v1/clusterversions';
const APPLY = 'application/apply-patch+yaml';
const JSON_PATCH = 'application/json-patch+json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The fields a manager owns, as the leaves of its fieldsV1: a real server also marks the maps and list items
 * it created (`"."`), which the fake does not model; owning a field is what decides merges and removals.
 */
function ownedLeaves(fields: Json): Json {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return fields;
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(fields)) {
    if (k === '.') continue;
    const wasMarkerOnly = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 && Object.keys(v).every((c) => c === '.');
    if (!wasMarkerOnly) out[k] = ownedLeaves(v);
  }
  return out;
}

/** What two servers legitimately answer differently: identities, times, versions, allocated IPs. */
function normalize(value: Json | undefined): Json | undefined {
  if (Array.isArray(value)) return value.map((v) => normalize(v)!);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(value)) {
    if (['uid', 'creationTimestamp', 'resourceVersion', 'selfLink', 'time', 'clusterIP', 'clusterIPs'].includes(k)) continue;
    // A Job's generated selector and labels carry its uid.
    if (k === 'controller-uid' || k === 'batch.kubernetes.io/controller-uid') {
      out[k] = '<uid>';
      continue;
    }
    if (k === 'managedFields' && Array.isArray(v)) {
      const order = (e: Json): string => ['manager', 'operation', 'subresource'].map((f) => String((e as Record<string, Json>)[f] ?? '')).join('/');
      out[k] = v.map((e) => normalize(e)!).sort((a, b) => order(a).localeCompare(order(b)));
      continue;
    }
    out[k] = k === 'fieldsV1' ? ownedLeaves(v) : normalize(v)!;
  }
  return out;
}

const configMap = (name: string, data: Record<string, string>, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data, ...extra });

const deployment = (name: string, env: { name: string; value: string }[]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'registry.example.com/app:1', env }] } },
  },
});

const apiManager = (name: string, imagePullSecrets: { name: string }[]) => ({
  apiVersion: 'apps.3scale.net/v1alpha1',
  kind: 'APIManager',
  metadata: { name, namespace: NS },
  spec: { wildcardDomain: 'apps.example.com', imagePullSecrets },
});

const applyCall = (path: string, obj: unknown, manager: string, query = ''): ApiCall => ({
  method: 'PATCH',
  path: `${path}?fieldManager=${manager}&force=true${query}`,
  body: JSON.stringify(obj),
  contentType: APPLY,
});

describe('fake API server against the real kube-apiserver', () => {
  const real = useRealApiServer();
  let fake: FakeApiServer;

  beforeAll(async () => {
    fake = await startFakeApiServer({ objects: [namespaceObject(NS)], apis: { deploymentConfigs: true } });
    await createNamespace(adminEndpoint(real()), NS);
  });

  afterAll(async () => {
    await fake?.close();
  });

  const fakeEndpoint = (): ApiEndpoint => ({ url: fake.url, caPem: '', token: 'fake-token' });

  /** Sends `call` to both servers; resolves with both normalized answers. */
  async function both(call: ApiCall): Promise<{ fake: ApiAnswer; real: ApiAnswer }> {
    const [f, r] = [await apiRequest(fakeEndpoint(), call), await apiRequest(adminEndpoint(real()), call)];
    return { fake: { status: f.status, body: normalize(f.body as Json) }, real: { status: r.status, body: normalize(r.body as Json) } };
  }

  /** Sends `call` to both and expects the same answer. */
  async function agree(call: ApiCall): Promise<ApiAnswer> {
    const answers = await both(call);
    expect(answers.fake).toEqual(answers.real);
    return answers.real;
  }

  test('GIVEN two ConfigMaps created on both WHEN they are listed and read THEN both servers answer alike', async () => {
    const labels = { metadata: { name: '', namespace: NS, labels: { set: 'list' } } };
    await agree({ method: 'POST', path: CM, body: { ...configMap('list-a', { a: '1' }), metadata: { ...labels.metadata, name: 'list-a' } } });
    await agree({ method: 'POST', path: CM, body: { ...configMap('list-b', { b: '2' }), metadata: { ...labels.metadata, name: 'list-b' } } });
    await agree({ method: 'GET', path: `${CM}?labelSelector=set%3Dlist` });
    await agree({ method: 'GET', path: `${CM}/list-a` });
  });

  test('GIVEN no such object WHEN it is read, patched or deleted THEN both answer 404 with the same Status', async () => {
    expect((await agree({ method: 'GET', path: `${CM}/missing` })).status).toBe(404);
    expect((await agree({ method: 'PATCH', path: `${CM}/missing`, body: [{ op: 'add', path: '/data/x', value: 'y' }], contentType: JSON_PATCH })).status).toBe(404);
    expect((await agree({ method: 'DELETE', path: `${CM}/missing` })).status).toBe(404);
  });

  test('GIVEN an existing ConfigMap WHEN it is created again THEN both answer 409 AlreadyExists', async () => {
    await agree({ method: 'POST', path: CM, body: configMap('twice', { a: '1' }) });
    expect((await agree({ method: 'POST', path: CM, body: configMap('twice', { a: '1' }) })).status).toBe(409);
  });

  test('GIVEN a field owned by another manager WHEN it is applied without force THEN both answer 409 naming the conflict', async () => {
    await agree(applyCall(`${CM}/owned`, configMap('owned', { a: '1' }), 'first'));
    const call = { ...applyCall(CM, configMap('owned', { a: '2' }), 'second'), path: `${CM}/owned?fieldManager=second` };
    expect((await agree(call)).status).toBe(409);
  });

  test('GIVEN an invalid name WHEN a ConfigMap is created THEN both answer 422 Invalid', async () => {
    expect((await agree({ method: 'POST', path: CM, body: configMap('Not_A_Name', { a: '1' }) })).status).toBe(422);
  });

  test('GIVEN a Deployment WHEN it is applied as a dry run and for real THEN both return the same defaulted object', async () => {
    const obj = deployment('web', [{ name: 'A', value: '1' }]);
    await agree(applyCall(`${DEPLOY}/web`, obj, 'argocd-controller', '&dryRun=All'));
    await agree({ method: 'GET', path: `${DEPLOY}/web` }).then((a) => expect(a.status).toBe(404));
    await agree(applyCall(`${DEPLOY}/web`, obj, 'argocd-controller'));
  });

  test('GIVEN an applied env item WHEN the next apply no longer has it THEN both remove the whole item', async () => {
    await agree(applyCall(`${DEPLOY}/env`, deployment('env', [{ name: 'KEEP', value: '1' }, { name: 'DROP', value: '2' }]), 'argocd-controller'));
    await agree(applyCall(`${DEPLOY}/env`, deployment('env', [{ name: 'KEEP', value: '1' }]), 'argocd-controller'));
  });

  test('GIVEN an object applied by one manager WHEN another applies the same values THEN both record the second manager too', async () => {
    await agree(applyCall(`${CM}/shared`, configMap('shared', { a: '1' }), 'first'));
    await agree(applyCall(`${CM}/shared`, configMap('shared', { a: '1' }), 'second'));
  });

  test('GIVEN a field the schema does not know WHEN it is created THEN both drop it', async () => {
    await agree({ method: 'POST', path: CM, body: configMap('unknown-field', { a: '1' }, { spec: { bogus: true } }) });
    await agree({
      method: 'POST',
      path: CV,
      body: { apiVersion: 'config.openshift.io/v1', kind: 'ClusterVersion', metadata: { name: 'version' }, spec: { clusterID: 'c1', bogus: 'x' } },
    });
  });

  test('GIVEN a custom-resource list without x-kubernetes-list-type WHEN two managers apply items THEN both treat it as atomic (the second replaces it)', async () => {
    await agree(applyCall(`${APIM}/apim`, apiManager('apim', [{ name: 'a' }]), 'first'));
    const second = await agree(applyCall(`${APIM}/apim`, apiManager('apim', [{ name: 'b' }]), 'second'));
    expect((second.body as { spec: { imagePullSecrets: unknown } }).spec.imagePullSecrets).toEqual([{ name: 'b' }]);
  });

  test('GIVEN a ConfigMap WHEN it is JSON-patched (add, replace, remove, and a failing test) THEN both answer alike', async () => {
    await agree({ method: 'POST', path: CM, body: configMap('patched', { a: '1', b: '2' }) });
    await agree({
      method: 'PATCH',
      path: `${CM}/patched`,
      body: [
        { op: 'add', path: '/metadata/labels', value: { tier: 'db' } },
        { op: 'replace', path: '/data/a', value: '10' },
        { op: 'remove', path: '/data/b' },
      ],
      contentType: JSON_PATCH,
    });
    const failing = await agree({ method: 'PATCH', path: `${CM}/patched`, body: [{ op: 'test', path: '/data/a', value: 'nope' }], contentType: JSON_PATCH });
    expect(failing.status).toBe(422);
  });

  test.each([
    ['Job', `/apis/batch/v1/namespaces/${NS}/jobs/job`, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job', namespace: NS }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.example.com/tool:1' }] } } } }],
    ['Service', `/api/v1/namespaces/${NS}/services/svc`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: NS }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } }],
    ['PersistentVolumeClaim', `/api/v1/namespaces/${NS}/persistentvolumeclaims/pvc`, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'pvc', namespace: NS }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  ])('GIVEN a new %s WHEN it is applied as a dry run THEN both return the same defaults and status', async (_kind, path, obj) => {
    await agree(applyCall(path, obj, 'argocd-controller', '&dryRun=All'));
  });

  test('GIVEN a ConfigMap WHEN it is deleted THEN both answer with the same Status and the object is gone', async () => {
    await agree({ method: 'POST', path: CM, body: configMap('deleted', { a: '1' }) });
    await agree({ method: 'DELETE', path: `${CM}/deleted` });
    expect((await agree({ method: 'GET', path: `${CM}/deleted` })).status).toBe(404);
  });
});
