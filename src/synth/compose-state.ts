import { isPhaseLocal } from '../contract/on-cluster.js';
import { type KubeObject, compareApplyOrder, objectKey } from '../kube/kube-object.js';

/**
 * Phase folders are desired states, not deltas: the state after a phase is the state after the previous
 * one, minus the previous phase's own Jobs, with this phase's objects laid over it (an object a later
 * phase renders again replaces the earlier version whole). Objects the phase deletes are dropped.
 */
export function composeState(
  previous: readonly KubeObject[],
  contribution: readonly KubeObject[],
  deleted: readonly Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>[] = [],
): KubeObject[] {
  const byKey = new Map<string, KubeObject>();
  for (const o of previous) if (!isPhaseLocal(o)) byKey.set(objectKey(o), o);
  // What the phase deletes (through a Job) is no longer part of the desired state.
  for (const d of deleted) byKey.delete(objectKey(d));
  const seen = new Set<string>();
  for (const o of contribution) {
    const key = objectKey(o);
    if (seen.has(key)) throw new Error(`threescale-migrate: one phase rendered ${key} twice`);
    seen.add(key);
    byKey.set(key, o);
  }
  return [...byKey.values()].sort(compareApplyOrder);
}
