/**
 * What a cluster's controllers would write, for a test API server that runs none: the Job controller's
 * conditions, the PersistentVolume binder's PVC phase, the Deployment controller's replica counts (all as
 * kube-controller-manager, by Update of the status subresource, as on a cluster), and the 3scale operator
 * restoring the replicas its APIManager sets (field manager `manager`, by Update, which makes it own
 * `spec.replicas` again).
 */
import { apiRequest, apiRequestOk, type ApiEndpoint } from './api-request.js';

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

/**
 * The Deployment's pods: `ready` of its spec.replicas (all by default) are ready, at its current generation;
 * with `stalled`, the controller gave up on the rollout (Progressing False, ProgressDeadlineExceeded, that message).
 */
export async function setDeploymentStatus(endpoint: ApiEndpoint, namespace: string, name: string, opts: { readonly ready?: number; readonly stalled?: string } = {}): Promise<void> {
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
          opts.stalled === undefined
            ? { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', lastUpdateTime: at, lastTransitionTime: at }
            : { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: opts.stalled, lastUpdateTime: at, lastTransitionTime: at },
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
  // With `hpa: true` the 3scale operator leaves the replicas to the HPA it creates (no replicas mutator).
  const { replicas, hpa } = (at as { replicas?: unknown; hpa?: unknown } | undefined) ?? {};
  return typeof replicas === 'number' && hpa !== true ? replicas : undefined;
}

/**
 * One reconcile of the 3scale operator in `namespace`: every component Deployment whose replicas the
 * APIManager sets explicitly, unless it hands them to an HPA (`hpa: true`), gets them back (Update as
 * `manager`); returns the names it changed. Deployments
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

/** The taint kube-apiserver's TaintNodesByCondition admission puts on every new Node until its lifecycle controller sees it Ready. */
export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';

/**
 * The node lifecycle controller of kube-controller-manager: every Node whose status says Ready loses the
 * `node.kubernetes.io/not-ready` taint the server gave it at creation (Update of the Node). Returns the names it changed.
 */
export async function untaintReadyNodes(endpoint: ApiEndpoint): Promise<string[]> {
  const nodes = ((await apiRequestOk(endpoint, { method: 'GET', path: '/api/v1/nodes' })) as { items: (Obj & { metadata: { name: string } })[] }).items;
  const changed: string[] = [];
  for (const n of nodes) {
    const ready = ((n.status?.conditions ?? []) as { type: string; status: string }[]).some((c) => c.type === 'Ready' && c.status === 'True');
    const taints = (n.spec?.taints ?? []) as { key: string }[];
    if (!ready || !taints.some((t) => t.key === NOT_READY_TAINT)) continue;
    await update(endpoint, `/api/v1/nodes/${encodeURIComponent(n.metadata.name)}`, CONTROLLER_MANAGER, (node) => {
      const left = taints.filter((t) => t.key !== NOT_READY_TAINT);
      const { taints: _t, ...spec } = node.spec ?? {};
      node.spec = left.length ? { ...spec, taints: left } : spec;
    });
    changed.push(n.metadata.name);
  }
  return changed;
}

/** openshift-controller-manager's status of a DeploymentConfig whose latest rollout is complete with every replica ready. */
async function setDeploymentConfigStatus(endpoint: ApiEndpoint, namespace: string, name: string): Promise<void> {
  await update(
    endpoint,
    nsPath('/apis/apps.openshift.io/v1', namespace, 'deploymentconfigs', name),
    'openshift-controller-manager',
    (dc) => {
      const replicas = (dc.spec?.replicas as number | undefined) ?? 0;
      const latestVersion = (dc.status?.latestVersion as number | undefined) ?? 1;
      dc.status = { ...dc.status, observedGeneration: dc.metadata.generation, latestVersion, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, unavailableReplicas: 0 };
    },
    '/status',
  );
}

/** True when a workload's status shows its spec.replicas ready at its current generation. */
function caughtUp(w: Obj, defaultReplicas: number): boolean {
  const replicas = (w.spec?.replicas as number | undefined) ?? defaultReplicas;
  const status = w.status ?? {};
  return status.observedGeneration === w.metadata.generation && (status.replicas ?? 0) === replicas && (status.readyReplicas ?? 0) === replicas;
}

/**
 * The controllers catch up in `namespaces`: every Deployment (and DeploymentConfig) whose status is behind its
 * spec gets all its replicas ready, OLM installs what a new Subscription asks for, every ImageStream tag is
 * imported, every Pending PersistentVolumeClaim is bound. Returns what it changed
 * (`Kind/namespace/name`).
 */
export async function settleWorkloads(endpoint: ApiEndpoint, namespaces: readonly string[]): Promise<string[]> {
  const changed: string[] = [];
  for (const ns of namespaces) {
    const list = async (path: string) => ((await apiRequestOk(endpoint, { method: 'GET', path })) as { items: (Obj & { metadata: { name: string } })[] }).items;
    for (const d of await list(`/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/deployments`)) {
      if (caughtUp(d, 1)) continue;
      await setDeploymentStatus(endpoint, ns, d.metadata.name);
      changed.push(`Deployment/${ns}/${d.metadata.name}`);
    }
    for (const dc of await list(`/apis/apps.openshift.io/v1/namespaces/${encodeURIComponent(ns)}/deploymentconfigs`)) {
      if (caughtUp(dc, 0)) continue;
      await setDeploymentConfigStatus(endpoint, ns, dc.metadata.name);
      changed.push(`DeploymentConfig/${ns}/${dc.metadata.name}`);
    }
    for (const s of await list(`/apis/operators.coreos.com/v1alpha1/namespaces/${encodeURIComponent(ns)}/subscriptions`)) {
      if (await olmInstalls(endpoint, ns, s)) changed.push(`Subscription/${ns}/${s.metadata.name}`);
    }
    for (const is of await list(`/apis/image.openshift.io/v1/namespaces/${encodeURIComponent(ns)}/imagestreams`)) {
      if (await importTags(endpoint, ns, is)) changed.push(`ImageStream/${ns}/${is.metadata.name}`);
    }
    const pvcs = (await apiRequestOk(endpoint, { method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(ns)}/persistentvolumeclaims` })) as { items: (Obj & { metadata: { name: string } })[] };
    for (const pvc of pvcs.items) {
      if (pvc.status?.phase === 'Bound') continue;
      await bindPvc(endpoint, ns, pvc.metadata.name);
      changed.push(`PersistentVolumeClaim/${ns}/${pvc.metadata.name}`);
    }
  }
  return changed;
}

/** The field manager of OLM's catalog operator, which writes a Subscription's status. */
const OLM_MANAGER = 'catalog';
const CSV_PATH = '/apis/operators.coreos.com/v1alpha1';

/** A ClusterServiceVersion exists in `namespace` in `phase` (created when missing), as OLM's operators write it. */
export async function setCsvPhase(endpoint: ApiEndpoint, namespace: string, name: string, phase: string): Promise<void> {
  const path = nsPath(CSV_PATH, namespace, 'clusterserviceversions', name);
  if ((await apiRequest(endpoint, { method: 'GET', path })).status === 404) {
    await apiRequestOk(endpoint, { method: 'POST', path: `${CSV_PATH}/namespaces/${encodeURIComponent(namespace)}/clusterserviceversions?fieldManager=olm`, body: { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'ClusterServiceVersion', metadata: { name, namespace }, spec: {} } });
  }
  await update(endpoint, path, 'olm', (csv) => void (csv.status = { phase, reason: phase === 'Succeeded' ? 'InstallSucceeded' : 'InstallWaiting' }), '/status');
}

/** The Subscription's status, as OLM's catalog operator writes it (Update of the status subresource). */
export async function setSubscriptionStatus(endpoint: ApiEndpoint, namespace: string, name: string, status: Record<string, unknown>): Promise<void> {
  await update(endpoint, nsPath(CSV_PATH, namespace, 'subscriptions', name), OLM_MANAGER, (s) => void (s.status = status), '/status');
}

/**
 * OLM installs what a Subscription asks for: with no state yet, its `startingCSV` (or `<package>.<channel>`, there
 * being no catalog to ask) becomes the installed CSV, AtLatestKnown; the installed CSV exists and Succeeded.
 * A Subscription in another state (an upgrade waiting for approval) is left as it is. True when it changed something.
 */
async function olmInstalls(endpoint: ApiEndpoint, namespace: string, s: Obj & { metadata: { name: string } }): Promise<boolean> {
  const spec = (s.spec ?? {}) as { name?: string; channel?: string; startingCSV?: string };
  const status = s.status ?? {};
  if (status.state !== undefined && status.state !== 'AtLatestKnown') return false;
  const csv = typeof status.installedCSV === 'string' ? status.installedCSV : (spec.startingCSV ?? `${spec.name ?? s.metadata.name}.${spec.channel ?? 'stable'}`);
  const live = await apiRequest(endpoint, { method: 'GET', path: nsPath(CSV_PATH, namespace, 'clusterserviceversions', csv) });
  const succeeded = live.status === 200 && (live.body as Obj).status?.phase === 'Succeeded';
  if (status.state === 'AtLatestKnown' && succeeded) return false;
  if (!succeeded) await setCsvPhase(endpoint, namespace, csv, 'Succeeded');
  if (status.state !== 'AtLatestKnown') await setSubscriptionStatus(endpoint, namespace, s.metadata.name, { state: 'AtLatestKnown', currentCSV: csv, installedCSV: csv });
  return true;
}

/** openshift-apiserver's image import: every tag of the ImageStream's spec gets an image in status.tags. True when it changed something. */
async function importTags(endpoint: ApiEndpoint, namespace: string, is: Obj & { metadata: { name: string } }): Promise<boolean> {
  const wanted = (((is.spec ?? {}) as { tags?: { name?: string }[] }).tags ?? []).map((t) => t.name).filter((n): n is string => typeof n === 'string');
  const have = new Set((((is.status ?? {}) as { tags?: { tag?: string; items?: unknown[] }[] }).tags ?? []).filter((t) => (t.items?.length ?? 0) > 0).map((t) => t.tag));
  if (wanted.every((t) => have.has(t))) return false;
  const at = now();
  await update(
    endpoint,
    nsPath('/apis/image.openshift.io/v1', namespace, 'imagestreams', is.metadata.name),
    'openshift-apiserver',
    (o) => void (o.status = { dockerImageRepository: `image-registry.openshift-image-registry.svc:5000/${namespace}/${is.metadata.name}`, tags: wanted.map((tag) => ({ tag, items: [{ created: at, dockerImageReference: `registry.example/${is.metadata.name}@sha256:${'0'.repeat(64)}`, image: `sha256:${'0'.repeat(64)}`, generation: 1 }] })) }),
    '/status',
  );
  return true;
}

/**
 * DELETE of one object, finished as the controllers would finish it: a PersistentVolumeClaim's
 * `kubernetes.io/pvc-protection` finalizer is removed (no pod uses it), a Namespace is finalized (its content
 * must be gone already, as the namespace controller would have deleted it). Resolves once the object is gone;
 * an object already gone is fine.
 */
export async function deleteObject(endpoint: ApiEndpoint, path: string): Promise<void> {
  const answer = await apiRequest(endpoint, { method: 'DELETE', path: `${path}?propagationPolicy=Background` });
  if (answer.status === 404) return;
  if (answer.status !== 200 && answer.status !== 202) throw new Error(`DELETE ${path} answered ${answer.status}`);
  const left = await apiRequest(endpoint, { method: 'GET', path });
  if (left.status === 404) return;
  const obj = left.body as { kind: string; metadata: { name: string; finalizers?: string[] }; spec?: { finalizers?: string[] } };
  if (obj.kind === 'Namespace') {
    await apiRequestOk(endpoint, { method: 'PUT', path: `${path}/finalize`, body: { ...obj, spec: { ...obj.spec, finalizers: [] } } });
  } else if (obj.metadata.finalizers?.length) {
    await apiRequestOk(endpoint, { method: 'PATCH', path, body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
  }
  const gone = await apiRequest(endpoint, { method: 'GET', path });
  if (gone.status !== 404) throw new Error(`${path} is still there after its deletion was finished`);
}
