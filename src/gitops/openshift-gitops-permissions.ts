import { ownLabels } from '../contract/on-cluster.js';
import { apiGroup, type KubeObject } from '../kube/kube-object.js';
import type { PlanBase } from '../plan/plan-base.js';
import type { SynthResult } from '../synth/synthesize.js';

/** Label that lets an OpenShift GitOps (argocd-operator) instance manage a namespace. */
const MANAGED_BY_LABEL = 'argocd.argoproj.io/managed-by';

/**
 * The Argo CD application controller's ServiceAccount of an OpenShift GitOps instance: the operator names
 * it `<instance>-argocd-application-controller`; the default instance is `openshift-gitops` in the
 * namespace of the same name.
 */
export function controllerServiceAccount(argocdNamespace: string): string {
  return `${argocdNamespace}-argocd-application-controller`;
}

/** Plural resource name of a kind, as RBAC rules spell it. */
export function resourceOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  if (lower.endsWith('s')) return `${lower}es`;
  return `${lower}s`;
}

/** Every namespaced object of every folder, once. */
function allObjects(result: SynthResult): KubeObject[] {
  const seen = new Set<KubeObject>();
  for (const s of [...result.forward, ...result.rollbacks]) for (const o of s.objects) seen.add(o);
  return [...seen];
}

/** `group` → resources, sorted, from the objects' kinds and from the rules of the Roles among them. */
function writtenResources(objects: readonly KubeObject[]): Map<string, Set<string>> {
  const byGroup = new Map<string, Set<string>>();
  const add = (group: string, resource: string) => {
    if (!byGroup.has(group)) byGroup.set(group, new Set());
    byGroup.get(group)!.add(resource);
  };
  for (const o of objects) {
    if (!o.metadata.namespace) continue;
    add(apiGroup(o.apiVersion), resourceOf(o.kind));
    // A Role may only be created by someone who holds what it grants (RBAC escalation check).
    if (o.kind === 'Role') {
      for (const rule of ((o as { rules?: { apiGroups?: string[]; resources?: string[] }[] }).rules ?? [])) {
        for (const g of rule.apiGroups ?? []) for (const r of rule.resources ?? []) add(g, r);
      }
    }
  }
  return byGroup;
}

/**
 * What the default OpenShift GitOps instance lacks to apply these folders: its application controller may
 * write only a few kinds cluster-wide (not Deployments, Jobs, Services, ServiceAccounts or APIManagers), and
 * the operator expects `argocd.argoproj.io/managed-by: <instance namespace>` on each target namespace. One
 * ClusterRole with exactly the (group, resource) pairs the folders write, bound in each namespace they write
 * to, and each of those namespaces labelled. Applied once by a cluster administrator, before the first
 * promotion.
 */
export function openshiftGitopsPermissions(plan: PlanBase, result: SynthResult): KubeObject[] {
  const argoNamespace = plan.spec.gitops.argocd.namespace;
  const objects = allObjects(result);
  const namespaces = [...new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined))].sort();
  const role = `threescale-migrate-${plan.metadata.name}`.slice(0, 253);
  const groups = writtenResources(objects);
  const rules = [...groups.keys()].sort().map((g) => ({ apiGroups: [g], resources: [...groups.get(g)!].sort(), verbs: ['*'] }));
  const labels = ownLabels(plan.metadata.name);
  return [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: role, labels }, rules } as KubeObject,
    ...namespaces.flatMap((ns) => [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [MANAGED_BY_LABEL]: argoNamespace } } } as KubeObject,
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: role.slice(0, 253), namespace: ns, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ kind: 'ServiceAccount', name: controllerServiceAccount(argoNamespace), namespace: argoNamespace }],
      } as KubeObject,
    ]),
  ];
}
