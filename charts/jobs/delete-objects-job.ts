import type { k8s } from 'cdk8s-plus-28';
import type { PlanBase } from '../../src/plan/plan-base.js';
import type { PhaseChart } from '../phase-chart.js';
import { pluralOf } from './json-patch-job.js';
import { kubeJob } from './kube-job.js';

/**
 * kubectl resource names the Jobs delete: short names for the kinds every procedure knows, and fully
 * qualified ones (`route.route.openshift.io`) where a short name could be ambiguous on OpenShift.
 */
const GROUPS: Record<string, string> = {
  deployment: 'apps',
  deploymentconfig: 'apps.openshift.io',
  apimanager: 'apps.3scale.net',
  subscription: 'operators.coreos.com',
  operatorgroup: 'operators.coreos.com',
};
const API_VERSIONS: Record<string, string> = {
  deployment: 'apps/v1',
  deploymentconfig: 'apps.openshift.io/v1',
  apimanager: 'apps.3scale.net/v1alpha1',
  subscription: 'operators.coreos.com/v1alpha1',
  operatorgroup: 'operators.coreos.com/v1',
  'deploymentconfig.apps.openshift.io': 'apps.openshift.io/v1',
  'imagestream.image.openshift.io': 'image.openshift.io/v1',
  'route.route.openshift.io': 'route.openshift.io/v1',
  'role.rbac.authorization.k8s.io': 'rbac.authorization.k8s.io/v1',
  'rolebinding.rbac.authorization.k8s.io': 'rbac.authorization.k8s.io/v1',
};
const KINDS: Record<string, string> = {
  deployment: 'Deployment',
  deploymentconfig: 'DeploymentConfig',
  service: 'Service',
  serviceaccount: 'ServiceAccount',
  persistentvolumeclaim: 'PersistentVolumeClaim',
  configmap: 'ConfigMap',
  secret: 'Secret',
  apimanager: 'APIManager',
  subscription: 'Subscription',
  operatorgroup: 'OperatorGroup',
  'deploymentconfig.apps.openshift.io': 'DeploymentConfig',
  'imagestream.image.openshift.io': 'ImageStream',
  'route.route.openshift.io': 'Route',
  'role.rbac.authorization.k8s.io': 'Role',
  'rolebinding.rbac.authorization.k8s.io': 'RoleBinding',
};

/** API group of a kubectl resource name: a known short name's group, else the part after the first dot, or core. */
function groupOf(resource: string): string {
  if (GROUPS[resource] !== undefined) return GROUPS[resource];
  const dot = resource.indexOf('.');
  return dot < 0 ? '' : resource.slice(dot + 1);
}

/** A Job deleting exactly the listed objects ("<namespace> <resource>/<name>"), with delete rights on those names only. */
export function deleteObjectsJob(chart: PhaseChart<PlanBase>, name: string, objects: readonly string[]): void {
  if (!objects.length) return;
  const byNamespace = new Map<string, Map<string, string[]>>();
  for (const line of objects) {
    const [ns, ref] = line.split(' ') as [string, string];
    const [resource, objName] = ref.split('/') as [string, string];
    chart.declareDeleted({ apiVersion: API_VERSIONS[resource] ?? 'v1', kind: KINDS[resource] ?? resource, namespace: ns, name: objName });
    const perNs = byNamespace.get(ns) ?? new Map<string, string[]>();
    perNs.set(resource, [...(perNs.get(resource) ?? []), objName]);
    byNamespace.set(ns, perNs);
  }
  const access = [...byNamespace.entries()].map(([namespace, perNs]) => ({
    namespace,
    rules: [...perNs.entries()].map(
      ([resource, names]): k8s.PolicyRule => ({ apiGroups: [groupOf(resource)], resources: [pluralOf(resource)], resourceNames: names, verbs: ['get', 'delete'] }),
    ),
  }));
  kubeJob(chart, 'Delete', {
    name,
    namespace: chart.plan.spec.threescale.namespace,
    script: 'delete-objects.sh',
    wave: 0,
    env: [{ name: 'OBJECTS', value: objects.join('\n') }],
    access,
  });
}
