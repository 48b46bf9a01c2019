/**
 * The cluster around a GitOps engine on the real API server: the 2.15 install seeded from an export, a
 * default StorageClass that binds on first use, and one tick of the controllers a cluster would run —
 * the Deployment controller (status of every Deployment), the volume binder (a claim binds only when a
 * Deployment with replicas above 0, or a Job, mounts it: WaitForFirstConsumer), the Job controller with the
 * Job's script (each new Job completes and writes its evidence record, as charts/scripts/lib/evidence.sh does),
 * and the 3scale operator, while its own Deployment has replicas, taking back the replicas its APIManager sets;
 * and the garbage collector's end of a foreground deletion of a Job.
 */
import { resourceOf } from '../../../src/gitops/openshift-gitops-permissions.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { jobDigestOf } from '../../../src/status/evidence.js';
import { apiRequest, apiRequestOk, bindPvc, completeJob, createNamespace, operatorRestoresReplicas, setDeploymentStatus, type ApiEndpoint } from '../real-api/index.js';

const APPLY = 'application/apply-patch+yaml';
/** Where the Jobs record what they did. */
export const EVIDENCE = 'threescale-migrate-evidence';

type Live = KubeObject & { spec?: Record<string, any>; status?: Record<string, any> };

/** REST collection path of a kind in a namespace (the kinds the walk touches). */
export function collection(apiVersion: string, kind: string, namespace?: string): string {
  const plural = resourceOf(kind);
  const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${prefix}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${plural}`;
}

/** Server-side apply (forced) of one object under a field manager. */
export async function applyObject(endpoint: ApiEndpoint, obj: KubeObject, fieldManager: string): Promise<Live> {
  const path = `${collection(obj.apiVersion, obj.kind, obj.metadata.namespace)}/${encodeURIComponent(obj.metadata.name)}?fieldManager=${encodeURIComponent(fieldManager)}&force=true`;
  return (await apiRequestOk(endpoint, { method: 'PATCH', path, body: JSON.stringify(obj), contentType: APPLY })) as Live;
}

/** Every object of a kind in a namespace. */
export async function listObjects(endpoint: ApiEndpoint, apiVersion: string, kind: string, namespace: string): Promise<Live[]> {
  const answer = await apiRequest(endpoint, { method: 'GET', path: collection(apiVersion, kind, namespace) });
  if (answer.status === 404) return [];
  if (answer.status !== 200) throw new Error(`list ${kind} in ${namespace}: HTTP ${answer.status}`);
  return (answer.body as { items: Live[] }).items.map((o) => ({ ...o, apiVersion, kind }));
}

/** The object as a user would have created it: no server-set metadata, no status, no allocated IPs. */
function asCreated(o: KubeObject): KubeObject {
  const { name, namespace, labels, annotations } = o.metadata;
  const spec = (o as Live).spec ? { ...(o as Live).spec } : undefined;
  if (o.kind === 'Service' && spec) {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  }
  if (o.kind === 'PersistentVolumeClaim' && spec) delete spec.volumeName;
  const { status: _status, metadata: _metadata, ...rest } = o as Live;
  return { ...rest, ...(spec ? { spec } : {}), metadata: { name, namespace, ...(labels ? { labels } : {}), ...(annotations ? { annotations: withoutLastApplied(annotations) } : {}) } } as KubeObject;
}

function withoutLastApplied(a: Record<string, string>): Record<string, string> {
  const { 'kubectl.kubernetes.io/last-applied-configuration': _l, ...rest } = a;
  return rest;
}

/** Seeds the install: namespaces, a default StorageClass binding on first use, the exported objects, running. */
export async function seedInstall(endpoint: ApiEndpoint, objects: readonly KubeObject[], storageClass: string): Promise<void> {
  for (const ns of [...new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n))]) await createNamespace(endpoint, ns);
  await applyObject(
    endpoint,
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: storageClass, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'ebs.csi.aws.com',
      volumeBindingMode: 'WaitForFirstConsumer',
    } as KubeObject,
    'walk-setup',
  );
  for (const o of objects) await applyObject(endpoint, asCreated(o), 'walk-setup');
}

/** Claim names a pod template mounts. */
function claimsOf(template: any): string[] {
  return ((template?.spec?.volumes ?? []) as any[]).map((v) => v.persistentVolumeClaim?.claimName).filter((n): n is string => typeof n === 'string');
}

/** What one tick of the controllers did (for the log of a failing test). */
export interface Tick {
  readonly operatorTookBack: string[];
  readonly jobsCompleted: string[];
  readonly claimsBound: string[];
}

/** One tick of the cluster's controllers in the given namespaces. */
export async function controllersTick(endpoint: ApiEndpoint, o: { namespaces: readonly string[]; threescaleNamespace: string; operator: { namespace: string; name: string }; onJob?: (endpoint: ApiEndpoint, job: KubeObject) => Promise<void> }): Promise<Tick> {
  const tick: Tick = { operatorTookBack: [], jobsCompleted: [], claimsBound: [] };
  const operator = (await listObjects(endpoint, 'apps/v1', 'Deployment', o.operator.namespace)).find((d) => d.metadata.name === o.operator.name);
  if (((operator?.spec?.replicas as number | undefined) ?? 0) > 0) tick.operatorTookBack.push(...(await operatorRestoresReplicas(endpoint, o.threescaleNamespace)));
  for (const ns of o.namespaces) {
    const deployments = await listObjects(endpoint, 'apps/v1', 'Deployment', ns);
    const jobs = await listObjects(endpoint, 'batch/v1', 'Job', ns);
    const consumers = new Set<string>();
    for (const d of deployments) {
      const replicas = (d.spec?.replicas as number | undefined) ?? 1;
      if (replicas > 0) for (const c of claimsOf(d.spec?.template)) consumers.add(c);
      const s = d.status ?? {};
      const settled = s.observedGeneration === (d.metadata as { generation?: number }).generation && (s.replicas ?? 0) === replicas && (s.readyReplicas ?? 0) === replicas;
      if (!settled) await setDeploymentStatus(endpoint, ns, d.metadata.name);
    }
    for (const j of jobs) {
      if ((j.metadata as { deletionTimestamp?: string }).deletionTimestamp) {
        await finishForegroundDeletion(endpoint, ns, j);
        continue;
      }
      for (const c of claimsOf(j.spec?.template)) consumers.add(c);
      if ((j.status?.conditions ?? []).length > 0) continue;
      await o.onJob?.(endpoint, j);
      await recordEvidence(endpoint, j);
      await completeJob(endpoint, ns, j.metadata.name);
      tick.jobsCompleted.push(`${ns}/${j.metadata.name}`);
    }
    for (const pvc of await listObjects(endpoint, 'v1', 'PersistentVolumeClaim', ns)) {
      if (pvc.status?.phase === 'Bound' || !consumers.has(pvc.metadata.name)) continue;
      await bindPvc(endpoint, ns, pvc.metadata.name);
      tick.claimsBound.push(`${ns}/${pvc.metadata.name}`);
    }
  }
  return tick;
}

/**
 * The garbage collector's part of a foreground deletion (Argo CD deletes a hook Job so before it creates it again):
 * the Job's pods are gone (the stand-in runs none), so the `foregroundDeletion` finalizer is removed and the Job goes.
 */
async function finishForegroundDeletion(endpoint: ApiEndpoint, ns: string, job: Live): Promise<void> {
  const finalizers = (job.metadata as { finalizers?: string[] }).finalizers ?? [];
  if (!finalizers.includes('foregroundDeletion')) return;
  const path = `${collection('batch/v1', 'Job', ns)}/${encodeURIComponent(job.metadata.name)}`;
  await apiRequestOk(endpoint, { method: 'PATCH', path, body: JSON.stringify({ metadata: { finalizers: finalizers.filter((f) => f !== 'foregroundDeletion') } }), contentType: 'application/merge-patch+json' });
}

/** What a Job's script writes when it succeeds: its evidence record, under its own field manager. */
async function recordEvidence(endpoint: ApiEndpoint, job: KubeObject): Promise<void> {
  const step = job.metadata.name;
  await applyObject(
    endpoint,
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: EVIDENCE, namespace: job.metadata.namespace },
      data: { [`${step}.phase`]: 'Succeeded', [`${step}.inputsChecksum`]: 'walk', [`${step}.jobSha256`]: jobDigestOf(job) ?? '', [`${step}.finishedAt`]: '2026-01-01T00:00:00Z', [`${step}.result`]: `${step} done` },
    } as KubeObject,
    `threescale-migrate-job.${step}`,
  );
}
