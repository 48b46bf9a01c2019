import { type Health, type HealthInput, healthy, type KindHealth, conditionsOf } from './health.js';

/**
 * What the APIManager's health says, as data: always healthy, the message quoting the operator's last
 * `Available` condition. The Argo CD check this tool renders is generated from it.
 */
export const API_MANAGER_REPORT = {
  condition: 'Available',
  /** The message when the operator reported the condition: `before` + its status + `after`. */
  reported: { before: 'the operator last reported Available=', after: ' (it may be stale while the operator is scaled to 0)' },
  /** The message when it has not. */
  silent: 'the operator has not reported yet; the 3scale Deployments carry the health',
} as const;

/**
 * APIManager: never holds a phase. Its operator's `status` stops changing while the operator is scaled to 0
 * (scale-down to scale-up), so a stale condition would hold the maintenance window open; the 3scale
 * Deployments of the same state carry the current health. The message says what the operator last reported.
 */
function apiManagerHealth(input: HealthInput): Health {
  const reported = conditionsOf(input.live).find((c) => c.type === API_MANAGER_REPORT.condition);
  const { before, after } = API_MANAGER_REPORT.reported;
  return healthy(reported ? `${before}${reported.status}${after}` : API_MANAGER_REPORT.silent);
}

export const API_MANAGER_HEALTH: KindHealth = {
  group: 'apps.3scale.net',
  kind: 'APIManager',
  healthyWhen: 'present: its operator may be scaled to 0 and its status stale, so the 3scale Deployments of the same state carry the health',
  reference: 'the APIManager check this tool renders for Argo CD (src/gitops/argocd-health.ts), generated from the same data',
  check: apiManagerHealth,
};
