import { ARGOCD_COMPARE_OPTIONS, ARGOCD_HOOK } from '../../charts/constructs/metadata.js';
import type { KubeObject } from '../kube/kube-object.js';

/** Argo CD's compare option that leaves an object out of the sync status once it is no longer in the folder. */
export const IGNORE_EXTRANEOUS = 'IgnoreExtraneous';

/**
 * Adds Argo CD's `IgnoreExtraneous` compare option to an object (hooks excepted: Argo leaves them out of the sync
 * status anyway). The engine never prunes (prune: false), so when the Application's path moves to another folder
 * the objects of the previous folder that the new one does not carry (a phase's Job helpers, the new database
 * servers after a rollback) stay in the cluster with the tracking label; without the option each of them would
 * keep the Application OutOfSync ("requires pruning") for good.
 */
export function withIgnoreExtraneous(o: KubeObject): KubeObject {
  const annotations = o.metadata.annotations ?? {};
  if (annotations[ARGOCD_HOOK] !== undefined) return o;
  const options = (annotations[ARGOCD_COMPARE_OPTIONS] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (options.includes(IGNORE_EXTRANEOUS)) return o;
  return { ...o, metadata: { ...o.metadata, annotations: { ...annotations, [ARGOCD_COMPARE_OPTIONS]: [...options, IGNORE_EXTRANEOUS].join(',') } } };
}
