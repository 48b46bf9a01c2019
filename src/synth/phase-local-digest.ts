import { ARGOCD_HOOK, KEY_PREFIX, SCOPE_ANNOTATION } from '../../charts/constructs/metadata.js';
import type { KubeObject } from '../kube/kube-object.js';

/** Annotation on a Job's helpers: the digest of the plan its Job runs for (the Job's PLAN_SHA256). */
export const PLAN_DIGEST_ANNOTATION = `${KEY_PREFIX}/plan-sha256`;

/**
 * Puts the plan digest on a phase-local object that is not a hook (a Job's ServiceAccount, Role, RoleBinding,
 * scripts). Argo CD leaves hook Jobs out of its comparison and syncs, so runs a phase's Jobs, only when a
 * non-hook object of the folder differs from the cluster. After a rollback the helpers of the first pass are
 * still there, unchanged, so a retry with a changed plan (spec.jobs.resetTarget) would find the folder Synced and
 * never run its Jobs again; with the digest on the helpers, a changed plan makes each folder with Jobs differ.
 */
export function withPlanDigest(o: KubeObject, planSha256: string): KubeObject {
  const annotations = o.metadata.annotations ?? {};
  if (annotations[SCOPE_ANNOTATION] !== 'phase' || annotations[ARGOCD_HOOK] !== undefined) return o;
  return { ...o, metadata: { ...o.metadata, annotations: { ...annotations, [PLAN_DIGEST_ANNOTATION]: planSha256 } } };
}
