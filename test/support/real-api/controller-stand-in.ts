/**
 * What a cluster's controllers would write, for a test API server that runs none: the Job controller's
 * conditions, the PersistentVolume binder's PVC phase, the Deployment controller's replica counts (all as
 * kube-controller-manager, by Update of the status subresource, as on a cluster), and the 3scale operator
 * restoring the replicas its APIManager sets (field manager `manager`, by Update, which makes it own
 * `spec.replicas` again).
 */
import { apiRequestOk, type ApiEndpoint } from './api-request.js';

/** The field manager of kube-controller-manager's status writes. */
export const CONTROLLER_MANAGER = 'kube-controller-manager';
/** The field manager of the 3scale operator (controller-runtime's default: the binary name). */
export const OPERATOR_MANAGER = 'manager';

type Obj = { metadata: { generation?: number; resourceVersion?: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> };

const nsPath = (prefix: string, namespace: string, plural: string, name: string): string =>
  `${prefix}/namespaces/${encodeURIComponent(namespace)}/${plural}/${encodeURIComponent(name)}`;

/** GET, change, PUT (Update) of an object or its subresource under a field manager. */
async function update(endpoint: ApiEndpoint, path: string, fieldManager: string, change: (obj: Obj) => void, subresource = ''): Promise<Obj> {
  const obj = (await apiRequestOk(endpoint, { method: 'GET', path })) as Obj;
  change(obj);
  return (await apiRequestOk(endpoint, { method: 'PUT', path: `${path}${subresource}?fieldManager=${encodeURIComponent(fieldManager)}`, body: obj })) as Obj;
}

/** The time the stand-in reports (now, whole seconds, as the API's RFC 3339 timestamps are). */
const now = (): string => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** The Job ran to its end: Complete (with SuccessCriteriaMet, as the Job controller writes since 1.31) or Failed. */
export async function completeJob(endpoint: ApiEndpoint, namespace: string, name: string, outcome: 'Complete' | 'Failed' = 'Complete'): Promise<void> {
  await update(
    endpoint,
    nsPath('/apis/batch/v1', namespace, 'jobs', name),
    CONTROLLER_MANAGER,
    (job) => {
      const at = now();
      const completions = (job.spec?.completions as number | undefined) ?? 1;
      const condition = (type: string, reason: string) => ({ type, status: 'True', reason, lastProbeTime: at, lastTransitionTime: at });
      job.status =
        outcome === 'Complete'
          ? { startTime: at, completionTime: at, succeeded: completions, conditions: [condition('SuccessCriteriaMet', 'CompletionsReached'), condition('Complete', 'CompletionsReached')] }
          : { startTime: at, failed: 1, conditions: [condition('FailureTarget', 'BackoffLimitExceeded'), condition('Failed', 'BackoffLimitExceeded')] };
    },
    '/status',
  );
}

/** The PersistentVolumeClaim is Bound with the capacity and access modes it asks for. */
export async function bindPvc(endpoint: ApiEndpoint, namespace: string, name: string): Promise<void> {
  await update(
    endpoint,
    nsPath('/api/v1', namespace, 'persistentvolumeclaims', name),
    CONTROLLER_MANAGER,
    (pvc) => {
      const spec = pvc.spec as { resources?: { requests?: { storage?: string } }; accessModes?: string[] };
      pvc.status = { phase: 'Bound', accessModes: spec.accessModes ?? ['ReadWriteOnce'], capacity: { storage: spec.resources?.requests?.storage ?? '1Gi' } };
    },
    '/status',
  );
}

/** The Deployment's pods: `ready` of its spec.replicas (all by default) are ready, at its current generation. */
export async function setDeploymentStatus(endpoint: ApiEndpoint, namespace: string, name: string, opts: { readonly ready?: number } = {}): Promise<void> {
  await update(
    endpoint,
    nsPath('/apis/apps/v1', namespace, 'deployments', name),
    CONTROLLER_MANAGER,
    (d) => {
      const replicas = (d.spec?.replicas as number | undefined) ?? 1;
      const ready = Math.min(opts.ready ?? replicas, replicas);
      const counts = replicas > 0 ? { replicas, updatedReplicas: replicas, readyReplicas: ready, availableReplicas: ready } : {};
      const available = ready === replicas ? 'True' : 'False';
      const at = now();
      d.status = {
        observedGeneration: d.metadata.generation,
        ...counts,
        ...(ready < replicas ? { unavailableReplicas: replicas - ready } : {}),
        conditions: [
          { type: 'Available', status: available, reason: available === 'True' ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', lastUpdateTime: at, lastTransitionTime: at },
          { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', lastUpdateTime: at, lastTransitionTime: at },
        ],
      };
    },
    '/status',
  );
}

/** Where the APIManager sets the replicas of a component Deployment (the ones the 3scale operator enforces). */
export const OPERATOR_REPLICA_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'apicast-production': ['apicast', 'productionSpec'],
  'apicast-staging': ['apicast', 'stagingSpec'],
  'backend-cron': ['backend', 'cronSpec'],
  'backend-listener': ['backend', 'listenerSpec'],
  'backend-worker': ['backend', 'workerSpec'],
  'system-app': ['system', 'appSpec'],
  'system-sidekiq': ['system', 'sidekiqSpec'],
  zync: ['zync', 'appSpec'],
  'zync-que': ['zync', 'queSpec'],
};

function replicasIn(spec: Record<string, unknown>, path: readonly string[]): number | undefined {
  let at: unknown = spec;
  for (const key of path) at = (at as Record<string, unknown> | undefined)?.[key];
  const replicas = (at as { replicas?: unknown } | undefined)?.replicas;
  return typeof replicas === 'number' ? replicas : undefined;
}

/**
 * One reconcile of the 3scale operator in `namespace`: every component Deployment whose replicas the
 * APIManager sets explicitly gets them back (Update as `manager`); returns the names it changed. Deployments
 * that do not exist are left alone (the operator would create them; the tests do not need that).
 */
export async function operatorRestoresReplicas(endpoint: ApiEndpoint, namespace: string): Promise<string[]> {
  const list = (await apiRequestOk(endpoint, { method: 'GET', path: `/apis/apps.3scale.net/v1alpha1/namespaces/${encodeURIComponent(namespace)}/apimanagers` })) as { items: Obj[] };
  const changed: string[] = [];
  for (const apim of list.items) {
    for (const [deployment, path] of Object.entries(OPERATOR_REPLICA_FIELDS)) {
      const wanted = replicasIn(apim.spec ?? {}, path);
      if (wanted === undefined) continue;
      const dPath = nsPath('/apis/apps/v1', namespace, 'deployments', deployment);
      const live = (await apiRequestOk(endpoint, { method: 'GET', path: `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments?fieldSelector=metadata.name%3D${deployment}` })) as { items: Obj[] };
      if (live.items.length === 0 || live.items[0]!.spec?.replicas === wanted) continue;
      await update(endpoint, dPath, OPERATOR_MANAGER, (d) => {
        d.spec = { ...d.spec, replicas: wanted };
      });
      changed.push(deployment);
    }
  }
  return changed;
}
