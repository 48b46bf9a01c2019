/**
 * A fleet of real API servers for the end-to-end tests: one kube-apiserver per cluster (started one after the
 * other, the machine has two cores), each seeded with its own export, one kubeconfig with a context per
 * cluster, and what the management cluster's GitOps engine does for a cluster: apply the folder that
 * cluster's pointer names (read from the committed wiring, as the engine reads Git), then the controllers and
 * Jobs catch up as on a cluster (the stand-in of test/support/real-api).
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { parse, stringify } from 'yaml';
import { POINTER_FILES, POINTER_PHASE_ANNOTATION } from '../../src/gitops/render-gitops.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { mysqlDetachSteps } from '../../src/procedures/externalize-on-cluster/mysql-detach.js';
import { isMigrationPlan } from '../support/plans.js';
import type { FolderState, SynthResult } from '../../src/synth/synthesize.js';
import { IN_CI } from '../support/db-servers.js';
import {
  adminEndpoint,
  apiRequestOk,
  applyFolder,
  checkEnvtestBinaries,
  completeJob,
  resourcePath,
  seedObjects,
  settleWorkloads,
  type RealApiServer,
  type RealApiServerOptions,
  useRealApiServer,
} from '../support/real-api/index.js';
import { evidenceRecord, jobsOf, synthesized } from './harness.js';

/** One cluster of the fleet: its name and what its server starts with. */
export interface FleetClusterSpec {
  readonly name: string;
  readonly objects: () => Promise<readonly KubeObject[]>;
  /** Extra CRDs (the management cluster's Flux kinds). */
  readonly crdFiles?: RealApiServerOptions['crdFiles'];
}

/** Handles on the running fleet. */
export interface FleetServers {
  server(name: string): RealApiServer;
  /** The kubeconfig with one context per cluster (named after it, namespace 3scale). */
  kubeconfig(): string;
  /** Stops one cluster's server (an unreachable cluster). */
  stop(name: string): Promise<void>;
}

/**
 * One real API server per cluster (useRealApiServer each: started in order, by hooks that run one after the
 * other), each seeded with its objects, and the shared kubeconfig written into `dir()`.
 */
export function useFleetServers(specs: readonly FleetClusterSpec[], dir: () => string): FleetServers {
  const servers = new Map(specs.map((spec) => [spec.name, useRealApiServer({ crdFiles: spec.crdFiles })]));
  const server = (name: string): RealApiServer => {
    const s = servers.get(name);
    if (!s) throw new Error(`no server for cluster ${name}`);
    return s();
  };
  let kubeconfig = '';
  beforeAll(async () => {
    if (!checkEnvtestBinaries().ok && !IN_CI) return; // skipped with a warning by useRealApiServer
    for (const spec of specs) await seedObjects(adminEndpoint(server(spec.name)), await spec.objects());
    kubeconfig = join(dir(), 'kubeconfig.yaml');
    await writeFile(kubeconfig, fleetKubeconfig(specs.map((s) => ({ name: s.name, server: server(s.name) }))), { mode: 0o600 });
  });
  return { server, kubeconfig: () => kubeconfig, stop: (name) => server(name).stop() };
}

/** A kubeconfig with one cluster, user and context per server, each context named after its cluster. */
export function fleetKubeconfig(clusters: readonly { name: string; server: RealApiServer }[]): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: clusters.map((c) => ({ name: c.name, cluster: { server: c.server.url, 'certificate-authority-data': Buffer.from(c.server.caPem).toString('base64') } })),
    users: clusters.map((c) => ({ name: `${c.name}-admin`, user: { token: c.server.adminToken } })),
    contexts: clusters.map((c) => ({ name: c.name, context: { cluster: c.name, user: `${c.name}-admin`, namespace: '3scale' } })),
    'current-context': clusters[0]!.name,
  });
}

/** The folder a cluster's pointer names (as the engine reads it from Git). */
export function pointedAt(clusterOut: string, engine: 'argocd' | 'flux'): string {
  const pointer = parse(readFileSync(join(clusterOut, POINTER_FILES[engine]), 'utf8')) as { metadata: { annotations: Record<string, string> } };
  return pointer.metadata.annotations[POINTER_PHASE_ANNOTATION]!;
}

/**
 * What the engine and the cluster do for one sync: the folder the pointer names is applied (forced server-side
 * apply under the engine's field manager), the controllers catch up, and the folder's Jobs end as their scripts
 * would (evidence, then Complete); the MySQL detach Job's guarded JSON patches are applied as it applies them.
 */
export async function syncCluster(server: RealApiServer, planPath: string, clusterOut: string, fieldManager: string): Promise<FolderState> {
  const folder = pointedAt(clusterOut, 'argocd');
  const { loaded, result } = await synthesized(planPath);
  const state = stateOf(result, folder);
  const admin = adminEndpoint(server);
  await applyFolder(server, join(clusterOut, folder), fieldManager);
  await settleWorkloads(admin, ['3scale', '3scale-db']);
  for (const job of jobsOf(state)) {
    if (job.metadata.name === 'detach-system-mysql' && isMigrationPlan(loaded.plan)) {
      for (const step of mysqlDetachSteps(loaded.plan)) {
        const path = `${await resourcePath(admin, { apiVersion: step.apiVersion, kind: step.kind, namespace: '3scale', name: step.name })}?fieldManager=kubectl-patch`;
        await apiRequestOk(admin, { method: 'PATCH', path, body: step.operations, contentType: 'application/json-patch+json' });
      }
    }
    const { object, fieldManager: jobManager } = evidenceRecord(job, 'Succeeded', `${job.metadata.name} done`);
    const path = `${await resourcePath(admin, { apiVersion: 'v1', kind: 'ConfigMap', namespace: object.metadata.namespace, name: object.metadata.name })}?fieldManager=${jobManager}&force=true`;
    await apiRequestOk(admin, { method: 'PATCH', path, body: JSON.stringify(object), contentType: 'application/apply-patch+yaml' });
    await completeJob(admin, job.metadata.namespace!, job.metadata.name);
  }
  return state;
}

function stateOf(result: SynthResult, folder: string): FolderState {
  const state = [...result.forward, ...result.rollbacks].find((s) => s.folder === folder);
  if (!state) throw new Error(`the pointer names ${folder}, which is no folder of the plan`);
  return state;
}

/** `resourceVersion` of every object in the namespaces, by `Kind/namespace/name`: what "untouched" compares. */
export async function resourceVersions(server: RealApiServer, namespaces: readonly string[]): Promise<Record<string, string>> {
  const admin = adminEndpoint(server);
  const out: Record<string, string> = {};
  const kinds = [
    ['/apis/apps/v1', 'deployments', 'Deployment'],
    ['/api/v1', 'configmaps', 'ConfigMap'],
    ['/api/v1', 'secrets', 'Secret'],
    ['/api/v1', 'services', 'Service'],
    ['/api/v1', 'persistentvolumeclaims', 'PersistentVolumeClaim'],
    ['/apis/batch/v1', 'jobs', 'Job'],
    ['/apis/apps.3scale.net/v1alpha1', 'apimanagers', 'APIManager'],
  ] as const;
  for (const ns of namespaces) {
    for (const [prefix, plural, kind] of kinds) {
      const list = (await apiRequestOk(admin, { method: 'GET', path: `${prefix}/namespaces/${ns}/${plural}` })) as { items: { metadata: { name: string; resourceVersion: string } }[] };
      for (const item of list.items) out[`${kind}/${ns}/${item.metadata.name}`] = item.metadata.resourceVersion;
    }
  }
  return out;
}
