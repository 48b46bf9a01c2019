/**
 * Flux on the real API server: the kustomize-controller binary built from its Go module, run against the
 * test server, and the part of source-controller the walk needs: publishing a commit's artifact in the
 * GitRepository's status, as source-controller does after a fetch.
 */
import { join } from 'node:path';
import { apiRequestOk, type ApiEndpoint } from '../real-api/index.js';
import { startServerProcess, type ServerProcess } from '../real-api/process-group.js';
import { freePort } from '../db-servers.js';
import type { SourceArtifact } from './git-source.js';

/** Starts kustomize-controller (all namespaces, no leader election, probes and metrics on loopback). */
export async function startKustomizeController(binary: string, kubeconfig: string, logDir: string): Promise<ServerProcess> {
  const [health, metrics] = [await freePort(), await freePort()];
  // controller-runtime reads KUBECONFIG (the binary has no --kubeconfig flag).
  return startServerProcess('kustomize-controller', 'env', [
    `KUBECONFIG=${kubeconfig}`,
    binary,
    `--health-addr=127.0.0.1:${health}`,
    `--metrics-addr=127.0.0.1:${metrics}`,
    '--watch-all-namespaces=true',
    '--log-level=info',
    '--requeue-dependency=5s',
  ], join(logDir, 'kustomize-controller.log'));
}

const now = (): string => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** What source-controller writes after fetching a commit: the artifact and Ready=True. */
export async function publishArtifact(endpoint: ApiEndpoint, namespace: string, name: string, artifact: SourceArtifact): Promise<void> {
  const path = `/apis/source.toolkit.fluxcd.io/v1/namespaces/${encodeURIComponent(namespace)}/gitrepositories/${encodeURIComponent(name)}`;
  const repo = (await apiRequestOk(endpoint, { method: 'GET', path })) as { metadata: { generation: number }; status?: unknown };
  const at = now();
  const status = {
    observedGeneration: repo.metadata.generation,
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Succeeded', message: `stored artifact for revision '${artifact.revision}'`, observedGeneration: repo.metadata.generation, lastTransitionTime: at },
      { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded', message: `stored artifact for revision '${artifact.revision}'`, observedGeneration: repo.metadata.generation, lastTransitionTime: at },
    ],
    artifact: { path: artifact.path, url: artifact.url, revision: artifact.revision, digest: artifact.digest, lastUpdateTime: at, size: artifact.size },
  };
  await apiRequestOk(endpoint, { method: 'PATCH', path: `${path}/status?fieldManager=source-controller`, body: JSON.stringify({ status }), contentType: 'application/merge-patch+json' });
}

/** A Kustomization's readiness as kustomize-controller reports it. */
export interface KustomizationState {
  readonly path: string;
  readonly ready: string | undefined;
  readonly reason: string | undefined;
  readonly message: string | undefined;
  readonly lastAppliedRevision: string | undefined;
  readonly lastHandledReconcileAt: string | undefined;
  readonly generation: number;
  readonly observedGeneration: number | undefined;
}

export async function kustomizationState(endpoint: ApiEndpoint, namespace: string, name: string): Promise<KustomizationState> {
  const ks = (await apiRequestOk(endpoint, { method: 'GET', path: `/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/${encodeURIComponent(namespace)}/kustomizations/${encodeURIComponent(name)}` })) as any;
  const ready = (ks.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
  return {
    path: ks.spec.path,
    ready: ready?.status,
    reason: ready?.reason,
    message: ready?.message,
    lastAppliedRevision: ks.status?.lastAppliedRevision,
    lastHandledReconcileAt: ks.status?.lastHandledReconcileAt,
    generation: ks.metadata.generation,
    observedGeneration: ks.status?.observedGeneration,
  };
}

/** Asks for a reconciliation now (what `flux reconcile kustomization` does). */
export async function requestReconcile(endpoint: ApiEndpoint, namespace: string, name: string): Promise<string> {
  const at = new Date().toISOString();
  await apiRequestOk(endpoint, {
    method: 'PATCH',
    path: `/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/${encodeURIComponent(namespace)}/kustomizations/${encodeURIComponent(name)}?fieldManager=flux-client-side-apply`,
    body: JSON.stringify({ metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': at } } }),
    contentType: 'application/merge-patch+json',
  });
  return at;
}
