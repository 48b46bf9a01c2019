import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

/**
 * The kinds this tool synthesizes whose schemas come from maintained model packages: Kubernetes built-ins
 * from `kubernetes-models`, Argo CD from `@kubernetes-models/argo-cd`, Flux from `@kubernetes-models/flux-cd`.
 *
 * Each model module carries a validate function precompiled from the upstream OpenAPI schema; only the
 * modules listed here are loaded (each pulls in just the schemas its kind references, not the whole
 * package). Add a kind here when a chart starts rendering it.
 */

/** A model object that checks itself against its schema and throws ajv's ValidationError on failure. */
export interface ValidatableModel {
  validate(): void;
}

/** A kubernetes-models class: constructed from the object's fields, then validated. */
export type ModelClass = new (data: never) => ValidatableModel;

const MODELS: ReadonlyMap<string, ModelClass> = new Map<string, ModelClass>([
  ['v1/ConfigMap', ConfigMap],
  ['v1/Namespace', Namespace],
  ['v1/PersistentVolumeClaim', PersistentVolumeClaim],
  ['v1/Secret', Secret],
  ['v1/Service', Service],
  ['v1/ServiceAccount', ServiceAccount],
  ['apps/v1/Deployment', Deployment],
  ['batch/v1/Job', Job],
  ['rbac.authorization.k8s.io/v1/ClusterRole', ClusterRole],
  ['rbac.authorization.k8s.io/v1/ClusterRoleBinding', ClusterRoleBinding],
  ['rbac.authorization.k8s.io/v1/Role', Role],
  ['rbac.authorization.k8s.io/v1/RoleBinding', RoleBinding],
  ['argoproj.io/v1alpha1/Application', Application],
  ['argoproj.io/v1alpha1/AppProject', AppProject],
  ['kustomize.toolkit.fluxcd.io/v1/Kustomization', Kustomization],
  ['source.toolkit.fluxcd.io/v1/GitRepository', GitRepository],
]);

/** The model class for an `apiVersion` and `kind`, or `undefined` when none is registered. */
export function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  return MODELS.get(`${apiVersion}/${kind}`);
}
