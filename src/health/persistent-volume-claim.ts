import { degraded, type Health, type HealthInput, healthy, type KindHealth } from './health.js';
import { healthByStatusField, type StatusFieldTable } from './status-field-table.js';

/**
 * PersistentVolumeClaim by `status.phase`: Bound is done and Lost is degraded. Pending is done too: a claim of
 * a WaitForFirstConsumer class binds only when its first pod starts (the new Redis claims of `prepare` get
 * theirs two phases later), and the workload that mounts it reports whether that pod starts. The Argo CD check
 * this tool renders is generated from this table.
 */
export const CLAIM_HEALTH_BY_PHASE: StatusFieldTable = {
  field: 'phase',
  cases: { Bound: healthy('Bound'), Lost: degraded('the claim lost its volume (phase Lost)') },
  otherwise: healthy('Pending: it binds when the first pod that mounts it starts, and that pod\'s workload reports whether it does'),
};

function claimHealth(input: HealthInput): Health {
  return healthByStatusField(CLAIM_HEALTH_BY_PHASE, input.live);
}

export const PERSISTENT_VOLUME_CLAIM_HEALTH: KindHealth = {
  group: '',
  kind: 'PersistentVolumeClaim',
  healthyWhen: 'Bound, or Pending (a WaitForFirstConsumer claim binds with its first pod, whose workload carries the wait); Lost is degraded',
  reference: 'gitops-engine pkg/health (PVC: Bound healthy, Lost degraded), with Pending accepted; the Argo CD check this tool renders is generated from the same table',
  check: claimHealth,
};
