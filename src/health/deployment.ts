import { conditionText, degraded, type Health, type HealthInput, type KindHealth, progressing, specOf, trueCondition, conditionsOf } from './health.js';
import { generationGap, podCounts } from './replica-counts.js';

/**
 * Deployment and DeploymentConfig: not paused, the controller saw the latest spec, its rollout did not give up
 * (`Progressing` False: deadline exceeded, rollout cancelled; the only degraded state, as in gitops-engine),
 * and the wanted pods are updated and ready. A `ReplicaFailure` (a quota, an admission refusal) is still a
 * wait: the controller keeps trying until the progress deadline turns it into `Progressing` False.
 */
function workloadHealth(input: HealthInput): Health {
  if (specOf(input.live).paused === true) return progressing('waits for the rollout to be resumed (spec.paused is true)');
  const gap = generationGap(input);
  if (gap) return gap;
  const stalled = conditionsOf(input.live).find((c) => c.type === 'Progressing' && c.status === 'False');
  if (stalled) return degraded(`the rollout stopped: ${conditionText(stalled) || 'Progressing is False'}`);
  const failure = trueCondition(input.live, 'ReplicaFailure');
  if (failure) return progressing(`waits for pods that cannot be created yet (until the progress deadline): ${conditionText(failure) || 'ReplicaFailure'}`);
  return podCounts(input);
}

export const DEPLOYMENT_HEALTH: KindHealth = {
  group: 'apps',
  kind: 'Deployment',
  healthyWhen: 'not paused, the controller observed the latest generation and the wanted replicas are updated and ready; scaled to 0, no pod runs; Progressing False (ProgressDeadlineExceeded) is degraded, a ReplicaFailure still progressing',
  reference: 'gitops-engine pkg/health (Deployment): paused, observedGeneration, ProgressDeadlineExceeded, updated and available replicas',
  check: workloadHealth,
};

export const DEPLOYMENT_CONFIG_HEALTH: KindHealth = {
  group: 'apps.openshift.io',
  kind: 'DeploymentConfig',
  healthyWhen: 'as a Deployment: not paused, the latest generation observed, the wanted replicas updated and ready; Progressing False (deadline exceeded, rollout cancelled) is degraded',
  reference: 'OpenShift DeploymentConfig status (same replica counts and Progressing condition as a Deployment)',
  check: workloadHealth,
};
