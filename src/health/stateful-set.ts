import { type Health, type HealthInput, type KindHealth, progressing, statusOf, stringAt } from './health.js';
import { generationGap, podCounts } from './replica-counts.js';

/** StatefulSet: the latest generation observed, every pod at the update revision, the wanted pods ready. */
function statefulSetHealth(input: HealthInput): Health {
  const gap = generationGap(input);
  if (gap) return gap;
  const status = statusOf(input.live);
  const current = stringAt(status, 'currentRevision');
  const update = stringAt(status, 'updateRevision');
  if (current !== undefined && update !== undefined && current !== update) return progressing(`waits for the rolling update from revision ${current} to ${update}`);
  return podCounts(input);
}

export const STATEFUL_SET_HEALTH: KindHealth = {
  group: 'apps',
  kind: 'StatefulSet',
  healthyWhen: 'the controller observed the latest generation, currentRevision equals updateRevision and the wanted replicas are ready',
  reference: 'gitops-engine pkg/health (StatefulSet): observedGeneration, revisions, ready replicas',
  check: statefulSetHealth,
};
