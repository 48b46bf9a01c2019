/**
 * The resource types the Jobs act on, in one table: API version, kind, REST plural, the kubectl names the
 * scripts use (a short name, or `singular.group` where a short name could be ambiguous on OpenShift), and
 * whether objects of the type live in a namespace. RBAC rules, deletions and JSON-patch steps look types up
 * here instead of guessing a plural or a group from a name.
 */
export interface ResourceType {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly kubectlNames: readonly string[];
  readonly namespaced: boolean;
}

const type = (apiVersion: string, kind: string, plural: string, kubectlNames: readonly string[], namespaced = true): ResourceType => ({ apiVersion, kind, plural, kubectlNames, namespaced });

export const RESOURCE_TYPES: readonly ResourceType[] = [
  type('v1', 'ConfigMap', 'configmaps', ['configmap']),
  type('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', ['persistentvolumeclaim']),
  type('v1', 'Pod', 'pods', ['pod']),
  type('v1', 'ReplicationController', 'replicationcontrollers', ['replicationcontroller']),
  type('v1', 'Secret', 'secrets', ['secret']),
  type('v1', 'Service', 'services', ['service']),
  type('v1', 'ServiceAccount', 'serviceaccounts', ['serviceaccount']),
  type('apps/v1', 'Deployment', 'deployments', ['deployment']),
  type('apps/v1', 'StatefulSet', 'statefulsets', ['statefulset']),
  type('batch/v1', 'Job', 'jobs', ['job']),
  type('apps.openshift.io/v1', 'DeploymentConfig', 'deploymentconfigs', ['deploymentconfig', 'deploymentconfig.apps.openshift.io']),
  type('image.openshift.io/v1', 'ImageStream', 'imagestreams', ['imagestream.image.openshift.io']),
  type('route.openshift.io/v1', 'Route', 'routes', ['route.route.openshift.io']),
  type('apps.3scale.net/v1alpha1', 'APIManager', 'apimanagers', ['apimanager']),
  type('operators.coreos.com/v1alpha1', 'Subscription', 'subscriptions', ['subscription']),
  type('operators.coreos.com/v1', 'OperatorGroup', 'operatorgroups', ['operatorgroup']),
  type('rbac.authorization.k8s.io/v1', 'Role', 'roles', ['role.rbac.authorization.k8s.io']),
  type('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', ['rolebinding.rbac.authorization.k8s.io']),
];

const BY_KUBECTL_NAME = new Map(RESOURCE_TYPES.flatMap((t) => t.kubectlNames.map((n) => [n, t] as const)));

/** The type a kubectl resource name names; throws (a rendering bug) for a name not in the table. */
export function resourceType(kubectlName: string): ResourceType {
  const found = BY_KUBECTL_NAME.get(kubectlName);
  if (!found) throw new Error(`resource type "${kubectlName}" is not in RESOURCE_TYPES (src/kube/resource-types.ts); expected one of ${[...BY_KUBECTL_NAME.keys()].sort().join(', ')}`);
  return found;
}

/** The type of a kind (`Deployment`); throws (a rendering bug) for a kind not in the table. */
export function resourceTypeOfKind(kind: string): ResourceType {
  const found = RESOURCE_TYPES.find((t) => t.kind === kind);
  if (!found) throw new Error(`kind ${kind} is not in RESOURCE_TYPES (src/kube/resource-types.ts)`);
  return found;
}

/** API group of a type (`''` for the core group). */
export function apiGroupOf(t: Pick<ResourceType, 'apiVersion'>): string {
  const slash = t.apiVersion.indexOf('/');
  return slash < 0 ? '' : t.apiVersion.slice(0, slash);
}
