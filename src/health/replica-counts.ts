import { type Health, type HealthInput, healthy, numberAt, progressing, specOf, statusOf } from './health.js';

/** The replicas wanted: the desired object's, else the live object's, else 1 (the API default). */
export function wantedReplicas(input: HealthInput): number {
  return numberAt(specOf(input.desired), 'replicas') ?? numberAt(specOf(input.live), 'replicas') ?? 1;
}

/**
 * The controller has not caught up with the latest spec yet: `status.observedGeneration` is behind
 * `metadata.generation` (only when both are there: an export may carry neither).
 */
export function generationGap(input: HealthInput): Health | undefined {
  const generation = input.live.metadata.generation;
  const observed = numberAt(statusOf(input.live), 'observedGeneration');
  if (typeof generation !== 'number' || observed === undefined || observed >= generation) return undefined;
  return progressing(`waits for the controller to observe generation ${generation} (it has seen ${observed})`);
}

/**
 * The pod counts of a workload (Deployment, DeploymentConfig, StatefulSet): every wanted pod updated (when the
 * status counts them) and ready, or, scaled to 0, none left running.
 */
export function podCounts(input: HealthInput): Health {
  const status = statusOf(input.live);
  const wanted = wantedReplicas(input);
  const ready = numberAt(status, 'readyReplicas') ?? 0;
  const running = numberAt(status, 'replicas') ?? 0;
  if (wanted === 0) return running > 0 ? progressing(`waits for ${running} pods to stop (scaled to 0)`) : healthy('scaled to 0, no pod running');
  const updated = numberAt(status, 'updatedReplicas');
  if (updated !== undefined && updated < wanted) return progressing(`waits for the rollout: ${updated} of ${wanted} pods updated`);
  if (ready < wanted) return progressing(`waits for pods to be ready: ${ready} of ${wanted} ready`);
  return healthy(`${ready} of ${wanted} pods ready`);
}
