import type { KubeObject } from '../kube/kube-object.js';

/** Field manager of Argo CD's application controller. */
const ARGOCD_MANAGER = 'argocd-controller';

/** The label Argo CD tracks an Application's resources by (its default tracking method before 3.0, as in OpenShift GitOps). */
export const ARGOCD_INSTANCE_LABEL = 'app.kubernetes.io/instance';

/**
 * The object as the engine would apply it. Argo CD adds its tracking label to every object it applies, so a
 * dry run as its field manager of the folder's object without it would drop the label and report every
 * object changed; with the live value added it stays owned, as after a real sync. A label the folder sets
 * itself, and every other manager, are left alone.
 */
export function asEngineApplies(desired: KubeObject, live: KubeObject, fieldManager: string): KubeObject {
  if (fieldManager !== ARGOCD_MANAGER) return desired;
  const tracked = live.metadata.labels?.[ARGOCD_INSTANCE_LABEL];
  if (tracked === undefined || desired.metadata.labels?.[ARGOCD_INSTANCE_LABEL] !== undefined) return desired;
  return { ...desired, metadata: { ...desired.metadata, labels: { ...desired.metadata.labels, [ARGOCD_INSTANCE_LABEL]: tracked } } };
}
