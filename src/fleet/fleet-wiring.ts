import { parse } from 'yaml';
import { UserError } from '../errors.js';
import { POINTER_FILES } from '../gitops/render-gitops.js';
import type { OutputFile } from '../synth/synthesize.js';
import { toYaml } from '../synth/yaml-output.js';
import type { FleetCluster } from './fleet-schema.js';

/** What `synth --fleet` renders for: one engine's wiring. */
export type FleetEngine = 'argocd' | 'flux';

/** The folder of one engine's wiring in a cluster's tree (`gitops/argocd`). */
export const wiringFolder = (engine: FleetEngine): string => `gitops/${engine}`;

/**
 * Turns the wiring synth renders for one cluster (a pointer that reconciles the cluster the engine runs in)
 * into wiring the management cluster's engine runs for that cluster: the Argo CD Application's destination
 * becomes the cluster (`destination.name` or `.server`), the Flux Kustomization gets `spec.kubeConfig`
 * (it applies and checks health through that kubeconfig). Still one pointer per cluster; the Argo CD folder
 * gains a kustomization.yaml so the fleet's root can list it. Everything else is as synth renders it.
 */
export function targetCluster(cluster: FleetCluster, engine: FleetEngine, field: string): (files: readonly OutputFile[]) => OutputFile[] {
  return (files) => {
    const pointerPath = POINTER_FILES[engine];
    const out = files.map((f) => (f.path === pointerPath ? { path: f.path, content: toYaml(retarget(parse(f.content) as Pointer, cluster, engine, field)) } : f));
    if (!out.some((f) => f.path === pointerPath)) throw new Error(`threescale-migrate: synth rendered no ${pointerPath} for cluster ${cluster.name}`);
    if (engine === 'argocd') out.push({ path: `${wiringFolder(engine)}/kustomization.yaml`, content: toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['application.yaml'] }) });
    return out;
  };
}

interface Pointer {
  metadata: Record<string, unknown>;
  spec: Record<string, unknown> & { destination?: Record<string, unknown> };
}

function retarget(pointer: Pointer, cluster: FleetCluster, engine: FleetEngine, field: string): Pointer {
  if (engine === 'argocd') {
    if (!cluster.argocd) throw new UserError(`${field}.argocd: required with --gitops argocd; expected name (the cluster's name in Argo CD) or server (its API server URL).`);
    const { namespace } = pointer.spec.destination ?? {};
    return { ...pointer, spec: { ...pointer.spec, destination: { ...cluster.argocd, namespace } } };
  }
  if (!cluster.flux) throw new UserError(`${field}.flux: required with --gitops flux; expected kubeConfig.secretRef.name (the Secret holding the cluster's kubeconfig).`);
  return { ...pointer, spec: { ...pointer.spec, kubeConfig: { secretRef: cluster.flux.kubeConfig.secretRef } } };
}

/**
 * The management cluster's root (`<out>/fleet/kustomization.yaml`): every cluster's wiring folder, so one
 * `kubectl apply -k` (or one Application / Kustomization at that path) installs one pointer per cluster.
 */
export function fleetRootFiles(clusters: readonly string[], engine: FleetEngine): OutputFile[] {
  return [
    {
      path: 'kustomization.yaml',
      content: toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: clusters.map((c) => `../${c}/${wiringFolder(engine)}`) }),
    },
  ];
}
