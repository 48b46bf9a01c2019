/**
 * OLM's part in a walk, for one operator Subscription: the catalog's head CSV of each channel is what OLM
 * resolves. A Subscription without an installed CSV gets the head of its channel installed (the 2.15 install
 * as seeded); when its channel's head is another CSV (the upgrade moved the channel), OLM creates one
 * InstallPlan towards it and records it in the Subscription's status (`UpgradePending`, condition
 * `InstallPlanPending` while it waits for approval); once the InstallPlan is approved (Manual approval: an
 * administrator sets `spec.approved`), it is `Complete` and the Subscription `AtLatestKnown` on the new CSV.
 * The CSV it installs exists and has Succeeded (the install strategy ran). Only status (and the InstallPlan and CSV OLM owns) is written: the engine's fields of the Subscription are never touched.
 */
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { setCsvPhase } from '../real-api/controller-stand-in.js';
import { apiRequest, apiRequestOk, type ApiEndpoint } from '../real-api/index.js';
import { collection, listObjects } from './cluster-actors.js';

/** The Subscription OLM follows and the head CSV of each channel of its catalog, oldest first. */
export interface OlmCatalog {
  readonly namespace: string;
  readonly subscription: string;
  readonly heads: Readonly<Record<string, string>>;
}

type Live = KubeObject & { spec?: Record<string, any>; status?: Record<string, any> };

const OLM = 'catalog-operator';
const MERGE = 'application/merge-patch+json';

/** The 3scale operator's catalog as the walks seed it: the head CSV of `threescale-2.15` and of `threescale-2.16`. */
export const HEAD_2_15 = '3scale-operator.v0.12.5';
export const HEAD_2_16 = '3scale-operator.v0.13.1';
export const THREESCALE_CATALOG: OlmCatalog = { namespace: '3scale', subscription: '3scale-operator', heads: { 'threescale-2.15': HEAD_2_15, 'threescale-2.16': HEAD_2_16 } };

/** The InstallPlan OLM creates towards a CSV (one per target CSV). */
export function installPlanName(csv: string): string {
  return `install-${csv.replace(/[^a-z0-9]+/g, '-').replace(/-+$/, '')}`.slice(0, 63);
}

/** The path of the InstallPlan OLM creates towards `csv` in `namespace`, written as `fieldManager`. */
export function installPlanPath(namespace: string, csv: string, fieldManager: string): string {
  return `${collection('operators.coreos.com/v1alpha1', 'InstallPlan', namespace)}/${installPlanName(csv)}?fieldManager=${fieldManager}`;
}

/** The administrator approves the InstallPlan towards `csv`, as `oc patch installplan --type merge -p '{"spec":{"approved":true}}'` does. */
export async function approveInstallPlan(endpoint: ApiEndpoint, namespace: string, csv: string): Promise<void> {
  await apiRequestOk(endpoint, { method: 'PATCH', path: installPlanPath(namespace, csv, 'kubectl-patch'), body: JSON.stringify({ spec: { approved: true } }), contentType: MERGE });
}

async function patchStatus(endpoint: ApiEndpoint, obj: Live, kind: string, status: Record<string, unknown>): Promise<void> {
  const path = `${collection('operators.coreos.com/v1alpha1', kind, obj.metadata.namespace)}/${encodeURIComponent(obj.metadata.name)}/status?fieldManager=${OLM}`;
  await apiRequestOk(endpoint, { method: 'PATCH', path, body: JSON.stringify({ status }), contentType: MERGE });
}

const condition = (type: string, status: 'True' | 'False', reason: string) => ({ type, status, reason, lastTransitionTime: '2026-01-01T00:00:00Z' });

/** One pass of OLM over the catalog's Subscription; returns what it did (for a failing test's log). */
export async function olmTick(endpoint: ApiEndpoint, catalog: OlmCatalog): Promise<string[]> {
  const sub = (await listObjects(endpoint, 'operators.coreos.com/v1alpha1', 'Subscription', catalog.namespace)).find((s) => s.metadata.name === catalog.subscription);
  if (!sub) return [];
  const head = catalog.heads[String(sub.spec?.channel)];
  const installed = sub.status?.installedCSV as string | undefined;
  if (!head) return [];
  if (!installed) {
    await setCsvPhase(endpoint, catalog.namespace, head, 'Succeeded');
    await patchStatus(endpoint, sub, 'Subscription', { installedCSV: head, currentCSV: head, state: 'AtLatestKnown', conditions: [condition('CatalogSourcesUnhealthy', 'False', 'AllCatalogSourcesHealthy')] });
    return [`installed ${head}`];
  }
  if (installed === head) return [];
  // OLM never downgrades: a channel whose head comes before the installed CSV in the catalog (a rollback of the
  // channel) offers no update, and the Subscription stays AtLatestKnown on what is installed.
  const order = Object.values(catalog.heads);
  if (order.indexOf(head) < order.indexOf(installed)) return [];
  // The channel's head is another CSV: the InstallPlan towards it, waiting for approval unless Automatic.
  const name = installPlanName(head);
  const plans = await listObjects(endpoint, 'operators.coreos.com/v1alpha1', 'InstallPlan', catalog.namespace);
  let plan = plans.find((p) => p.metadata.name === name);
  if (!plan) {
    const approval = sub.spec?.installPlanApproval === 'Automatic' ? 'Automatic' : 'Manual';
    const created = await apiRequest(endpoint, {
      method: 'POST',
      path: `${collection('operators.coreos.com/v1alpha1', 'InstallPlan', catalog.namespace)}?fieldManager=${OLM}`,
      body: JSON.stringify({
        apiVersion: 'operators.coreos.com/v1alpha1',
        kind: 'InstallPlan',
        metadata: { name, namespace: catalog.namespace, ownerReferences: [{ apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription', name: sub.metadata.name, uid: String(sub.metadata.uid) }] },
        spec: { approval, approved: approval === 'Automatic', clusterServiceVersionNames: [head], generation: 2 },
      }),
      contentType: 'application/json',
    });
    if (created.status !== 201) throw new Error(`create InstallPlan ${name}: HTTP ${created.status}`);
    plan = created.body as Live;
  }
  const ref = { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'InstallPlan', name, namespace: catalog.namespace };
  if (plan.spec?.approved !== true) {
    if (plan.status?.phase !== 'RequiresApproval') await patchStatus(endpoint, plan, 'InstallPlan', { phase: 'RequiresApproval', catalogSources: [String(sub.spec?.source)] });
    if (sub.status?.state !== 'UpgradePending') {
      await patchStatus(endpoint, sub, 'Subscription', { currentCSV: head, state: 'UpgradePending', installPlanRef: ref, conditions: [condition('CatalogSourcesUnhealthy', 'False', 'AllCatalogSourcesHealthy'), condition('InstallPlanPending', 'True', 'RequiresApproval')] });
    }
    return [`${name} waits for approval`];
  }
  await setCsvPhase(endpoint, catalog.namespace, head, 'Succeeded');
  await patchStatus(endpoint, plan, 'InstallPlan', { phase: 'Complete', catalogSources: [String(sub.spec?.source)] });
  await patchStatus(endpoint, sub, 'Subscription', { installedCSV: head, currentCSV: head, state: 'AtLatestKnown', installPlanRef: ref, conditions: [condition('CatalogSourcesUnhealthy', 'False', 'AllCatalogSourcesHealthy'), condition('InstallPlanPending', 'False', 'Installed')] });
  return [`installed ${head} (${name} approved)`];
}
