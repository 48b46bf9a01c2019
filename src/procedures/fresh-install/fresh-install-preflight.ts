import type { KubeObject } from '../../kube/kube-object.js';
import { ALL_NAMESPACES } from '../../live/live-reader.js';
import type { PreflightOutcome } from '../../phases/phase.js';
import type { FreshInstallPlan } from './fresh-install-plan-schema.js';
import { checkCluster, type ClusterCheck } from './live-checks.js';

/** Where the fresh install's `preflight` reads the cluster from. */
interface PreflightOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly requestTimeoutMs?: number;
}

/** What `preflight` found. */
export interface PreflightReport {
  readonly apiVersion: 'threescale-migrate.3scale.net/v1alpha1';
  readonly kind: 'PreflightReport';
  readonly install: string;
  readonly source: string;
  readonly checks: readonly ClusterCheck[];
  /** True when every check passed. */
  readonly ok: boolean;
}

/**
 * Reads what the fresh-install checks need from the cluster (storage classes, nodes, pods and Routes of
 * every namespace, the Secrets the user provides, by name) and judges it. Read-only. The in-cluster checks
 * (registry DNS, image architectures) are the Job of the preflight phase, because only a pod sees the
 * cluster's DNS and egress.
 */
export async function run(plan: FreshInstallPlan, options: PreflightOptions): Promise<PreflightOutcome> {
  const report = await readAndJudge(plan, options);
  return { report, text: renderPreflight(report) };
}

async function readAndJudge(plan: FreshInstallPlan, options: PreflightOptions): Promise<PreflightReport> {
  const { LiveReader } = await import('../../live/live-reader.js');
  const reader = LiveReader.fromKubeconfig({ kubeconfig: options.kubeconfig, context: options.context, timeoutMs: options.requestTimeoutMs });
  const ns = plan.spec.threescale.namespace;
  const outcomes = await reader.listEach([
    { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' },
    { apiVersion: 'v1', kind: 'Node' },
    { apiVersion: 'v1', kind: 'Pod', namespace: ALL_NAMESPACES },
    { apiVersion: 'route.openshift.io/v1', kind: 'Route', namespace: ALL_NAMESPACES },
  ]);
  const lists: KubeObject[][] = outcomes.map((o) => {
    if (o.ok) return [...o.items];
    // A cluster without the Route API (not OpenShift) has no Route to conflict with.
    if (o.ref.kind === 'Route' && (o.error.kind === 'missing-crd' || o.error.kind === 'not-found')) return [];
    throw o.error;
  });
  const names = secretNames(plan);
  // One narrow read per Secret the plan needs (never the namespace's other Secrets).
  const secrets: KubeObject[] = [];
  for (const name of names) secrets.push(...(await reader.listObjects([{ apiVersion: 'v1', kind: 'Secret', namespace: ns }], { fieldSelector: `metadata.name=${name}` })));
  const checks = checkCluster(plan, {
    storageClasses: lists[0]!,
    nodes: lists[1]!,
    pods: lists[2]!,
    routes: lists[3]!,
    // Only the names and key names of the Secrets the plan needs are kept; values are dropped here.
    secrets: secrets.filter((s) => names.includes(s.metadata.name)).map((s) => ({ ...s, data: Object.fromEntries(Object.keys((s.data as object) ?? {}).map((k) => [k, ''])), stringData: undefined })),
  });
  return { apiVersion: 'threescale-migrate.3scale.net/v1alpha1', kind: 'PreflightReport', install: plan.metadata.name, source: `cluster ${reader.client.server}`, checks, ok: checks.every((c) => c.ok) };
}

function secretNames(plan: FreshInstallPlan): string[] {
  const d = plan.spec.databases;
  return [
    ...(d.system.kind === 'managed' ? ['system-database'] : []),
    ...(d.backendRedis.kind === 'managed' ? ['backend-redis'] : []),
    ...(d.systemRedis.kind === 'managed' ? ['system-redis'] : []),
    ...(plan.spec.fileStorage.kind === 's3' ? [plan.spec.fileStorage.configurationSecretName] : []),
  ];
}

/** The text report: one line per check, then the verdict. */
function renderPreflight(report: PreflightReport): string {
  const lines = [`Preflight of ${report.install} against ${report.source}`];
  for (const c of report.checks) lines.push(`${c.ok ? 'ok    ' : 'FAILED'} ${c.id}: ${c.message}`);
  lines.push(report.ok ? 'every check passed: apply 00-preflight (its Job checks the registry and images from inside the cluster)' : 'fix the failed checks before applying anything');
  return `${lines.join('\n')}\n`;
}
