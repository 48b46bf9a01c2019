import { conditionText, degraded, type Health, type HealthInput, healthy, type KindHealth, numberAt, progressing, specOf, statusOf, trueCondition } from './health.js';

/** Job: Failed is final, Complete is done; otherwise it is still running (or suspended). */
function jobHealth(input: HealthInput): Health {
  const failed = trueCondition(input.live, 'Failed');
  if (failed) return degraded(`the Job failed${conditionText(failed) ? `: ${conditionText(failed)}` : ''}`);
  if (trueCondition(input.live, 'Complete')) return healthy('the Job completed');
  if (specOf(input.live).suspend === true) return progressing('waits for the Job to be resumed (spec.suspend is true)');
  const active = numberAt(statusOf(input.live), 'active') ?? 0;
  return progressing(`waits for the Job to complete${active > 0 ? ` (${active} pod${active === 1 ? '' : 's'} active)` : ''}`);
}

export const JOB_HEALTH: KindHealth = {
  group: 'batch',
  kind: 'Job',
  healthyWhen: 'condition Complete is True (Failed True is degraded); the phase verdict reads the Job\'s evidence record first, since a finished Job may be gone',
  reference: 'gitops-engine pkg/health (Job): Complete and Failed conditions, suspended Jobs',
  check: jobHealth,
};
