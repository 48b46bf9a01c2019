import { clusterServiceVersionHealth } from './cluster-service-version.js';
import { conditionText, degraded, type Health, type HealthInput, type KindHealth, progressing, statusOf, stringAt, trueCondition, healthy } from './health.js';

const CSV_API_VERSION = 'operators.coreos.com/v1alpha1';

/** Subscription conditions that mean OLM cannot install what it asks for: waiting will not help. */
const FAILING = ['CatalogSourcesUnhealthy', 'ResolutionFailed', 'InstallPlanFailed', 'InstallPlanMissing'];

/**
 * OLM Subscription: no failing condition, no InstallPlan waiting, `state` AtLatestKnown, the installed CSV
 * the current one, and that CSV Succeeded (AtLatestKnown is written when the InstallPlan is done, before the
 * operator's Deployment is up: the CSV's phase says when it is).
 */
function subscriptionHealth(input: HealthInput): Health {
  const failing = FAILING.map((type) => trueCondition(input.live, type)).find((c) => c !== undefined);
  if (failing) return degraded(`OLM cannot install it: ${failing.type}${conditionText(failing) ? ` (${conditionText(failing)})` : ''}`);
  const status = statusOf(input.live);
  const pending = trueCondition(input.live, 'InstallPlanPending');
  const plan = (status.installPlanRef as { name?: unknown } | undefined)?.name;
  if (pending) return progressing(`waits for InstallPlan ${typeof plan === 'string' ? plan : '(unnamed)'} to complete${pending.reason === 'RequiresApproval' ? ': it requires approval (installPlanApproval Manual)' : conditionText(pending) ? ` (${conditionText(pending)})` : ''}`);
  const state = stringAt(status, 'state');
  const current = stringAt(status, 'currentCSV');
  const installed = stringAt(status, 'installedCSV');
  if (state !== 'AtLatestKnown') return progressing(`waits for OLM to reach state AtLatestKnown (it is ${state ?? 'without a state'}${current ? `, current CSV ${current}` : ''})`);
  if (installed === undefined || installed !== current) return progressing(`waits for CSV ${current ?? '(none)'} to be installed (installed: ${installed ?? 'none'})`);
  const csv = input.related({ apiVersion: CSV_API_VERSION, kind: 'ClusterServiceVersion', namespace: input.live.metadata.namespace, name: installed });
  if (csv === null) return progressing(`waits for ClusterServiceVersion ${installed} to be readable, to see its phase`);
  if (csv === undefined) return progressing(`waits for ClusterServiceVersion ${installed} to appear in ${input.live.metadata.namespace ?? 'its namespace'}`);
  const csvHealth = clusterServiceVersionHealth({ live: csv, related: input.related });
  if (csvHealth.status === 'healthy') return healthy(`AtLatestKnown, ClusterServiceVersion ${installed} Succeeded`);
  return { status: csvHealth.status, message: `ClusterServiceVersion ${installed}: ${csvHealth.message}` };
}

export const SUBSCRIPTION_HEALTH: KindHealth = {
  group: 'operators.coreos.com',
  kind: 'Subscription',
  healthyWhen: 'state AtLatestKnown, installedCSV equal to currentCSV, no InstallPlanPending, and that ClusterServiceVersion Succeeded; CatalogSourcesUnhealthy, ResolutionFailed, InstallPlanFailed or InstallPlanMissing True is degraded',
  reference: 'OLM Subscription status (state, installedCSV, currentCSV, conditions) and the Argo CD operators.coreos.com/Subscription check',
  check: subscriptionHealth,
  relatedTypes: (live) => [{ apiVersion: CSV_API_VERSION, kind: 'ClusterServiceVersion', namespace: live.metadata.namespace }],
};
