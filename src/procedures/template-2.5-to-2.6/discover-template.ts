import { UserError } from '../../errors.js';
import type { KubeObject } from '../../kube/kube-object.js';
import type { DiscoveredPlan, DiscoverySource } from '../../phases/phase.js';
import { discoverTemplatePlan } from './discover-template-plan.js';

/** What a template install is read from: one LIST each in the 3scale namespace (the OpenShift kinds included). */
const TEMPLATE_KINDS = [
  { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig' },
  { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream' },
  { apiVersion: 'route.openshift.io/v1', kind: 'Route' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
] as const;

/** `discover` for the template upgrade: reads a 3scale 2.5 installed from templates and writes a TemplateUpgradePlan. */
export async function discover(options: DiscoverySource): Promise<DiscoveredPlan> {
  const { objects, namespace, sourceLabel } = options.fromFile ? await templateFromFile(options) : await templateFromCluster(options);
  const { plan, notes } = discoverTemplatePlan({ namespace, objects, name: options.name, sourceLabel });
  return { plan, notes, sourceLabel, review: 'routes.serviceDeploymentOptions and routes.accessTokenSecret (the services whose deployment option changes), images' };
}

/** The export holds a template install when it holds its DeploymentConfig system-app (what discovery reads first). */
export function recognize(objects: readonly KubeObject[]): string | undefined {
  return objects.some(isSystemApp) ? 'the DeploymentConfig system-app of a 3scale 2.5 install from templates' : undefined;
}

const isSystemApp = (o: KubeObject): boolean => o.kind === 'DeploymentConfig' && o.metadata.name === 'system-app';

async function templateFromFile(options: DiscoverySource) {
  const { readExport } = await import('../../live/export-file.js');
  const objects = await readExport(options.fromFile!);
  const namespaces = [...new Set(objects.filter(isSystemApp).map((o) => o.metadata.namespace ?? ''))];
  const namespace = options.namespace ?? (namespaces.length === 1 ? namespaces[0]! : undefined);
  if (!namespace) {
    throw new UserError(
      namespaces.length
        ? `${options.fromFile}: DeploymentConfig system-app in several namespaces (${namespaces.join(', ')}); expected -n/--namespace to pick one.`
        : `${options.fromFile}: no DeploymentConfig system-app found; expected an export of the 3scale 2.5 namespace (oc get dc,is,route,svc,configmap,secret -o yaml).`,
    );
  }
  return { objects, namespace, sourceLabel: options.fromFile! };
}

async function templateFromCluster(options: DiscoverySource) {
  const { LiveReader } = await import('../../live/live-reader.js');
  const reader = LiveReader.fromKubeconfig({ kubeconfig: options.kubeconfig, context: options.context, namespace: options.namespace, timeoutMs: options.requestTimeoutMs });
  const namespace = reader.client.namespace;
  const objects: KubeObject[] = [];
  for (const outcome of await reader.listEach(TEMPLATE_KINDS.map((k) => ({ ...k, namespace })))) {
    // A cluster without the OpenShift APIs has none of their objects; discovery then says what it expected.
    if (outcome.ok) objects.push(...outcome.items);
    else if (outcome.error.kind !== 'missing-crd') throw outcome.error;
  }
  // Optional reads: an APIManager means an operator install (refused); the cluster-wide bindings tell
  // whether service discovery gave `default` the view role, which a namespace admin may not list.
  const [managers, clusterBindings] = await reader.listEach([
    { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', namespace },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
  ]);
  if (managers?.ok) objects.push(...managers.items);
  else if (managers && managers.error.kind !== 'missing-crd' && managers.error.kind !== 'not-found') throw managers.error;
  if (clusterBindings?.ok) objects.push(...clusterBindings.items);
  else if (clusterBindings && clusterBindings.error.kind !== 'forbidden') throw clusterBindings.error;
  // Only Secret system-redis is read, for the names of its keys; no value is kept.
  objects.push(...(await reader.listObjects([{ apiVersion: 'v1', kind: 'Secret', namespace }], { fieldSelector: 'metadata.name=system-redis' })));
  return { objects, namespace, sourceLabel: `cluster ${reader.client.server}` };
}
