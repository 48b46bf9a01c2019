import { conditionText, degraded, type Health, type HealthInput, type KindHealth, trueCondition, conditionsOf } from './health.js';
import { generationGap, podCounts } from './replica-counts.js';

/**
 * Deployment and DeploymentConfig: the controller saw the latest spec, its rollout did not give up
 * (`Progressing` False: deadline exceeded, rollout cancelled), and the wanted pods are updated and ready.
 */
function workloadHealth(input: HealthInput): Health {
  const gap = generationGap(input);
  if (gap) return gap;
  const stalled = conditionsOf(input.live).find((c) => c.type === 'Progressing' && c.status === 'False');
  if (stalled) return degraded(`the rollout stopped: ${conditionText(stalled) || 'Progressing is False'}`);
  if (trueCondition(input.live, 'ReplicaFailure')) return degraded(`pods cannot be created: ${conditionText(trueCondition(input.live, 'ReplicaFailure')!)}`);
  return podCounts(input);
}

export const DEPLOYMENT_HEALTH: KindHealth = {
  group: 'apps',
  kind: 'Deployment',
  healthyWhen: 'the controller observed the latest generation, the rollout has not stopped (Progressing not False, no ReplicaFailure) and the wanted replicas are updated and ready; scaled to 0, no pod runs',
  reference: 'gitops-engine pkg/health (Deployment): observedGeneration, ProgressDeadlineExceeded, updated and available replicas',
  check: workloadHealth,
};

export const DEPLOYMENT_CONFIG_HEALTH: KindHealth = {
  group: 'apps.openshift.io',
  kind: 'DeploymentConfig',
  healthyWhen: 'as a Deployment: the latest generation observed, Progressing not False (deadline exceeded, rollout cancelled), the wanted replicas updated and ready',
  reference: 'OpenShift DeploymentConfig status (same replica counts and Progressing condition as a Deployment)',
  check: workloadHealth,
};
