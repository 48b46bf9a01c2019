import { degraded, type Health, type HealthInput, healthy, type KindHealth, statusOf, stringAt } from './health.js';

/**
 * PersistentVolumeClaim: Bound is done and Lost is degraded. Pending is done too: a claim of a
 * WaitForFirstConsumer class binds only when its first pod starts (the new Redis claims of `prepare` get
 * theirs two phases later), and the workload that mounts it reports whether that pod starts.
 */
function claimHealth(input: HealthInput): Health {
  const phase = stringAt(statusOf(input.live), 'phase');
  if (phase === 'Lost') return degraded('the claim lost its volume (phase Lost)');
  if (phase === 'Bound') return healthy('Bound');
  return healthy('Pending: it binds when the first pod that mounts it starts, and that pod\'s workload reports whether it does');
}

export const PERSISTENT_VOLUME_CLAIM_HEALTH: KindHealth = {
  group: '',
  kind: 'PersistentVolumeClaim',
  healthyWhen: 'Bound, or Pending (a WaitForFirstConsumer claim binds with its first pod, whose workload carries the wait); Lost is degraded',
  reference: 'gitops-engine pkg/health (PVC: Bound healthy, Lost degraded), with Pending accepted as the Argo CD check this tool renders does',
  check: claimHealth,
};
