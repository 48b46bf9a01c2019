import type { k8s } from 'cdk8s-plus-28';
import type { PlanBase } from '../../src/plan/plan-base.js';
import type { PhaseChart } from '../phase-chart.js';
import { pluralOf } from './json-patch-job.js';
import { kubeJob } from './kube-job.js';

const GROUPS: Record<string, string> = { deployment: 'apps' };
const API_VERSIONS: Record<string, string> = {
  deployment: 'apps/v1',
  'deploymentconfig.apps.openshift.io': 'apps.openshift.io/v1',
  'imagestream.image.openshift.io': 'image.openshift.io/v1',
  'route.route.openshift.io': 'route.openshift.io/v1',
  'role.rbac.authorization.k8s.io': 'rbac.authorization.k8s.io/v1',
  'rolebinding.rbac.authorization.k8s.io': 'rbac.authorization.k8s.io/v1',
};
const KINDS: Record<string, string> = {
  'deploymentconfig.apps.openshift.io': 'DeploymentConfig',
  'imagestream.image.openshift.io': 'ImageStream',
  'route.route.openshift.io': 'Route',
  'role.rbac.authorization.k8s.io': 'Role',
  'rolebinding.rbac.authorization.k8s.io': 'RoleBinding',
  deployment: 'Deployment',
  service: 'Service',
  serviceaccount: 'ServiceAccount',
  persistentvolumeclaim: 'PersistentVolumeClaim',
  configmap: 'ConfigMap',
};

/** API group of a kubectl resource name: the part after the first dot (`route.route.openshift.io`), or core. */
function groupOf(resource: string): string {
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
      ([resource, names]): k8s.PolicyRule => ({ apiGroups: [GROUPS[resource] ?? groupOf(resource)], resources: [pluralOf(resource)], resourceNames: names, verbs: ['get', 'delete'] }),
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
