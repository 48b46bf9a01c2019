import { UserError } from '../../errors.js';
import type { KubeObject } from '../../kube/kube-object.js';
import type { DiscoveredPlan, DiscoverySource } from '../../phases/phase.js';
import { discoverPlan } from './discover-plan.js';

/**
 * `discover` for the 2.15 externalization: reads the APIManager's namespace (an export or the cluster) and
 * writes a MigrationPlan.
 */
export async function discover(options: DiscoverySource): Promise<DiscoveredPlan> {
  const { objects, namespace, sourceLabel } = options.fromFile ? await fromFile(options) : await fromCluster(options);
  const { plan, notes } = discoverPlan({
    namespace,
    objects,
    operatorNamespace: options.operatorNamespace,
    targetNamespace: options.targetNamespace,
    name: options.name,
    sourceLabel,
  });
  return { plan, notes, sourceLabel, review: 'target namespace, storage sizes and classes, resources' };
}

/** The kinds discovery reads: one LIST each in the 3scale namespace. */
const KINDS = [
  { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
] as const;

async function fromFile(options: DiscoverySource) {
  const { readExport } = await import('../../live/export-file.js');
  const objects = await readExport(options.fromFile!);
  const namespaces = [...new Set(objects.filter((o) => o.kind === 'APIManager').map((o) => o.metadata.namespace ?? ''))];
  const namespace = options.namespace ?? (namespaces.length === 1 ? namespaces[0]! : undefined);
  if (!namespace) {
    throw new UserError(
      namespaces.length
        ? `${options.fromFile}: APIManagers in several namespaces (${namespaces.join(', ')}); expected -n/--namespace to pick one.`
        : `${options.fromFile}: no APIManager found; expected an export of the 3scale namespace (oc get deployment,pvc,svc,configmap,serviceaccount,secret,apimanager,subscription -o yaml).`,
    );
  }
  return { objects, namespace, sourceLabel: options.fromFile! };
}

async function fromCluster(options: DiscoverySource) {
  const { LiveReader } = await import('../../live/live-reader.js');
  const reader = LiveReader.fromKubeconfig({ kubeconfig: options.kubeconfig, context: options.context, namespace: options.namespace, timeoutMs: options.requestTimeoutMs });
  const namespace = reader.client.namespace;
  const objects: KubeObject[] = [];
  const refs = KINDS.map((k) => ({ ...k, namespace }));
  if (options.operatorNamespace && options.operatorNamespace !== namespace) refs.push({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: options.operatorNamespace });
  for (const outcome of await reader.listEach(refs)) {
    if (!outcome.ok) throw outcome.error;
    objects.push(...outcome.items);
  }
  // DeploymentConfigs exist only on OpenShift; a cluster without the API simply has none.
  const [dcs] = await reader.listEach([{ apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', namespace }]);
  if (dcs?.ok) objects.push(...dcs.items);
  else if (dcs && dcs.error.kind !== 'missing-crd' && dcs.error.kind !== 'not-found') throw dcs.error;
  // The operator Subscriptions (spec.upgrade): OLM runs on OpenShift; a cluster without its API has none.
  const [subscriptions] = await reader.listEach([{ apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription', namespace: options.operatorNamespace ?? namespace }]);
  if (subscriptions?.ok) objects.push(...subscriptions.items);
  else if (subscriptions && subscriptions.error.kind !== 'missing-crd' && subscriptions.error.kind !== 'not-found') throw subscriptions.error;
  // Only the System database Secret is read, for the scheme of its URL (Oracle is refused); no value is kept.
  const secrets = await reader.listObjects([{ apiVersion: 'v1', kind: 'Secret', namespace }], { fieldSelector: 'metadata.name=system-database' });
  objects.push(...secrets);
  return { objects, namespace, sourceLabel: `cluster ${reader.client.server}` };
}
