import type { KubeObject } from '../kube/kube-object.js';

/**
 * File name of an object in a phase folder: namespace, kind and name, lower case, so two objects never
 * share a file (cdk8s' own per-resource naming drops the namespace and silently overwrites).
 */
export function objectFileName(o: KubeObject): string {
  const ns = o.metadata.namespace ?? '_cluster';
  return `${ns}_${o.kind.toLowerCase()}_${o.metadata.name}.yaml`.replace(/[^A-Za-z0-9._-]/g, '-');
}

/**
 * The folder's kustomization.yaml: lists the object files in apply order, so `kubectl kustomize` renders
 * the folder and Argo CD or Flux can point at it unchanged.
 */
export function kustomizationFor(files: readonly string[]) {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...files],
  };
}
