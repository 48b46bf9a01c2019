/**
 * The controller stand-in of the real API server harness (test/support/real-api/controller-stand-in.ts): the
 * status a cluster's controllers would write is accepted by the real kube-apiserver's validation, and the
 * 3scale operator's Update takes spec.replicas back from the GitOps engine's apply.
 */
import { describe, expect, test } from 'vitest';
import {
  adminEndpoint,
  apiRequest,
  apiRequestOk,
  bindPvc,
  completeJob,
  createNamespace,
  operatorRestoresReplicas,
  NOT_READY_TAINT,
  setDeploymentStatus,
  untaintReadyNodes,
  useRealApiServer,
  type ApiEndpoint,
} from '../support/real-api/index.js';

const APPLY = 'application/apply-patch+yaml';

type Conditioned = { status: { conditions?: { type: string; status: string }[] } & Record<string, unknown>; spec: Record<string, unknown>; metadata: { managedFields: { manager: string; operation: string; fieldsV1: Record<string, unknown> }[] } };

async function apply(endpoint: ApiEndpoint, path: string, obj: unknown, manager = 'argocd-controller'): Promise<void> {
  await apiRequestOk(endpoint, { method: 'PATCH', path: `${path}?fieldManager=${manager}&force=true`, body: JSON.stringify(obj), contentType: APPLY });
}

/** The APIManager `apimanager` of `namespace` with this APIcast productionSpec. */
async function applyApiManager(endpoint: ApiEndpoint, namespace: string, productionSpec: Record<string, unknown>): Promise<void> {
  await apply(endpoint, `/apis/apps.3scale.net/v1alpha1/namespaces/${namespace}/apimanagers/apimanager`, {
    apiVersion: 'apps.3scale.net/v1alpha1',
    kind: 'APIManager',
    metadata: { name: 'apimanager', namespace },
    spec: { wildcardDomain: 'apps.example.com', apicast: { productionSpec } },
  });
}

const get = async (endpoint: ApiEndpoint, path: string): Promise<Conditioned> => (await apiRequestOk(endpoint, { method: 'GET', path })) as Conditioned;

describe('controller stand-in on the real API server', () => {
  const server = useRealApiServer();
  const NS = 'controllers';

  const job = (name: string) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: NS },
    spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.example.com/tool:1', command: ['true'] }] } } },
  });

  test('GIVEN a Job WHEN the stand-in completes it THEN the server accepts Complete with SuccessCriteriaMet and the counts', async () => {
    const admin = adminEndpoint(server());
    await createNamespace(admin, NS);
    await apply(admin, `/apis/batch/v1/namespaces/${NS}/jobs/copy-data`, job('copy-data'));
    await completeJob(admin, NS, 'copy-data');
    const got = await get(admin, `/apis/batch/v1/namespaces/${NS}/jobs/copy-data`);
    expect(got.status.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(['SuccessCriteriaMet=True', 'Complete=True']);
    expect(got.status.succeeded).toBe(1);
  });

  test('GIVEN a Job WHEN the stand-in fails it THEN the server accepts Failed after FailureTarget', async () => {
    const admin = adminEndpoint(server());
    await apply(admin, `/apis/batch/v1/namespaces/${NS}/jobs/broken`, job('broken'));
    await completeJob(admin, NS, 'broken', 'Failed');
    const got = await get(admin, `/apis/batch/v1/namespaces/${NS}/jobs/broken`);
    expect(got.status.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(['FailureTarget=True', 'Failed=True']);
  });

  test('GIVEN a pending PVC WHEN the stand-in binds it THEN it is Bound with the requested capacity', async () => {
    const admin = adminEndpoint(server());
    const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: NS }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } };
    await apply(admin, `/api/v1/namespaces/${NS}/persistentvolumeclaims/data`, pvc);
    await bindPvc(admin, NS, 'data');
    const got = await get(admin, `/api/v1/namespaces/${NS}/persistentvolumeclaims/data`);
    expect(got.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } });
  });

  const deployment = (name: string, replicas: number) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'registry.example.com/app:1' }] } } },
  });

  test('GIVEN a Deployment of 3 WHEN the stand-in reports 2 ready THEN the status says so at the current generation', async () => {
    const admin = adminEndpoint(server());
    await apply(admin, `/apis/apps/v1/namespaces/${NS}/deployments/web`, deployment('web', 3));
    await setDeploymentStatus(admin, NS, 'web', { ready: 2 });
    const got = await get(admin, `/apis/apps/v1/namespaces/${NS}/deployments/web`);
    expect(got.status).toMatchObject({ observedGeneration: 1, replicas: 3, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1 });
    expect(got.status.conditions?.find((c) => c.type === 'Available')?.status).toBe('False');
  });

  test('GIVEN an APIManager setting apicast-production to 3 and an engine applying 0 WHEN the operator reconciles THEN it restores 3 and owns spec.replicas by Update', async () => {
    // GIVEN
    const admin = adminEndpoint(server());
    await applyApiManager(admin, NS, { replicas: 3 });
    await apply(admin, `/apis/apps/v1/namespaces/${NS}/deployments/apicast-production`, deployment('apicast-production', 0));
    // WHEN
    const changed = await operatorRestoresReplicas(admin, NS);
    // THEN
    expect(changed).toEqual(['apicast-production']);
    const got = await get(admin, `/apis/apps/v1/namespaces/${NS}/deployments/apicast-production`);
    expect(got.spec.replicas).toBe(3);
    const owners = got.metadata.managedFields.filter((m) => JSON.stringify(m.fieldsV1).includes('"f:replicas"')).map((m) => `${m.manager}/${m.operation}`);
    expect(owners).toEqual(['manager/Update']);
    // and a second reconcile changes nothing
    expect(await operatorRestoresReplicas(admin, NS)).toEqual([]);
  });

  test('GIVEN an APIManager setting apicast-production to 3 with hpa: true and the HPA at 5 WHEN the operator reconciles THEN it leaves the count to the HPA, as the 3scale operator does (no replicas mutator with hpa)', async () => {
    // GIVEN
    const admin = adminEndpoint(server());
    await applyApiManager(admin, NS, { replicas: 3, hpa: true });
    await apply(admin, `/apis/apps/v1/namespaces/${NS}/deployments/apicast-production`, deployment('apicast-production', 5));
    // WHEN
    const changed = await operatorRestoresReplicas(admin, NS);
    // THEN
    expect(changed).toEqual([]);
    expect((await get(admin, `/apis/apps/v1/namespaces/${NS}/deployments/apicast-production`)).spec.replicas).toBe(5);
  });

  test('GIVEN a Ready node and a NotReady one created WHEN the node lifecycle stand-in runs THEN only the Ready one loses the not-ready taint the server gave both', async () => {
    // GIVEN two Nodes created with their status: kube-apiserver's TaintNodesByCondition taints both at creation
    const admin = adminEndpoint(server());
    for (const [name, ready] of [['node-ready', 'True'], ['node-down', 'False']] as const) {
      await apply(admin, `/api/v1/nodes/${name}`, { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] } });
      await apply(admin, `/api/v1/nodes/${name}/status`, { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { conditions: [{ type: 'Ready', status: ready, reason: 'Kubelet' }] } });
    }
    const taintsOf = async (name: string) => ((await get(admin, `/api/v1/nodes/${name}`)).spec.taints as { key: string }[]).map((t) => t.key).sort();
    expect(await taintsOf('node-ready')).toEqual(['dedicated', NOT_READY_TAINT]);

    // WHEN
    const changed = await untaintReadyNodes(admin);

    // THEN the Ready node keeps only its own taint; the NotReady one keeps both
    expect(changed).toEqual(['node-ready']);
    expect(await taintsOf('node-ready')).toEqual(['dedicated']);
    expect(await taintsOf('node-down')).toEqual(['dedicated', NOT_READY_TAINT]);
  });

  test('GIVEN a missing Job WHEN the stand-in completes it THEN it fails naming the object', async () => {
    await expect(completeJob(adminEndpoint(server()), NS, 'nope')).rejects.toThrow(/jobs\/nope answered 404/);
    expect((await apiRequest(adminEndpoint(server()), { method: 'GET', path: `/apis/batch/v1/namespaces/${NS}/jobs/nope` })).status).toBe(404);
  });
});
