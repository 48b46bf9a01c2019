import { conditionText, degraded, type Health, type HealthInput, healthy, type KindHealth, progressing, statusOf, stringAt } from './health.js';

/** ClusterServiceVersion: OLM's install strategy ran to `Succeeded`; `Failed` is degraded; every other phase is on its way. */
export function clusterServiceVersionHealth(input: HealthInput): Health {
  const status = statusOf(input.live);
  const phase = stringAt(status, 'phase');
  const why = conditionText({ type: 'phase', status: '', reason: stringAt(status, 'reason'), message: stringAt(status, 'message') });
  if (phase === 'Succeeded') return healthy('Succeeded');
  if (phase === 'Failed') return degraded(`the operator install failed${why ? `: ${why}` : ''}`);
  return progressing(`waits for OLM to install the operator to phase Succeeded (it is ${phase ?? 'without a phase'}${why ? `: ${why}` : ''})`);
}

export const CLUSTER_SERVICE_VERSION_HEALTH: KindHealth = {
  group: 'operators.coreos.com',
  kind: 'ClusterServiceVersion',
  healthyWhen: 'status.phase Succeeded (Failed is degraded; Pending, InstallReady, Installing, Replacing and Deleting are on their way)',
  reference: 'OLM ClusterServiceVersion phases (operator-lifecycle-manager api: CSVPhase)',
  check: clusterServiceVersionHealth,
};
