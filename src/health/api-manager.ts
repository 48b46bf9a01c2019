import { type Health, type HealthInput, healthy, type KindHealth, conditionsOf } from './health.js';

/**
 * APIManager: never holds a phase. Its operator's `status` stops changing while the operator is scaled to 0
 * (scale-down to scale-up), so a stale condition would hold the maintenance window open; the 3scale
 * Deployments of the same state carry the current health. The message says what the operator last reported.
 */
function apiManagerHealth(input: HealthInput): Health {
  const available = conditionsOf(input.live).find((c) => c.type === 'Available');
  return healthy(available ? `the operator last reported Available=${available.status} (it may be stale while the operator is scaled to 0)` : 'the operator has not reported yet; the 3scale Deployments carry the health');
}

export const API_MANAGER_HEALTH: KindHealth = {
  group: 'apps.3scale.net',
  kind: 'APIManager',
  healthyWhen: 'present: its operator may be scaled to 0 and its status stale, so the 3scale Deployments of the same state carry the health',
  reference: 'the APIManager check this tool renders for Argo CD (src/gitops/argocd-health.ts)',
  check: apiManagerHealth,
};
