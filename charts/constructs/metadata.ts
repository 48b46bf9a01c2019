/**
 * Labels and annotations the tool puts on what it renders. Its own keys are the on-cluster contract
 * (src/contract/on-cluster.ts), which diff, status and the GitOps wiring read back through the same module;
 * the GitOps engines' keys are here.
 */
import { KEYS } from '../../src/contract/on-cluster.js';

export { ownLabels } from '../../src/contract/on-cluster.js';

/** Annotation on a pod template: sha256 of the Redis configuration, so a config change rolls the pods. */
export const REDIS_CONFIG_HASH_ANNOTATION = KEYS.redisConfigHash;

/** Argo CD: per-resource sync options. */
const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** Argo CD: per-resource compare options. */
export const ARGOCD_COMPARE_OPTIONS = 'argocd.argoproj.io/compare-options';
/** Flux: never garbage-collect this object. */
const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';
/** Flux: server-side apply policy for this object. */
const FLUX_SSA = 'kustomize.toolkit.fluxcd.io/ssa';
/** Flux: recreate on immutable-field changes (Jobs). */
const FLUX_FORCE = 'kustomize.toolkit.fluxcd.io/force';

/**
 * Annotations for objects a GitOps engine must never delete: data-bearing objects (PVCs, the new database
 * Deployments) and everything the operator owns. Removing them from a later folder, or deleting the
 * Application, leaves them alone.
 */
export function keepAnnotations(): Record<string, string> {
  return {
    [ARGOCD_SYNC_OPTIONS]: 'Prune=false,Delete=false',
    [FLUX_PRUNE]: 'disabled',
  };
}

/**
 * Annotations for a partial object of something the operator or OLM owns: apply only our fields with
 * server-side apply, never prune or delete it, compare it server-side so Argo CD does not report the
 * fields we do not carry as missing.
 */
export function partialAnnotations(phaseId: string): Record<string, string> {
  return {
    [KEYS.partial]: 'true',
    [KEYS.phase]: phaseId,
    [ARGOCD_SYNC_OPTIONS]: 'Prune=false,Delete=false,ServerSideApply=true',
    [ARGOCD_COMPARE_OPTIONS]: 'ServerSideDiff=true',
    [FLUX_PRUNE]: 'disabled',
    [FLUX_SSA]: 'Merge',
  };
}

/** Argo CD: resource hook type. */
export const ARGOCD_HOOK = 'argocd.argoproj.io/hook';
/** Argo CD: when a hook object is deleted. */
const ARGOCD_HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
/** Argo CD: sync wave inside one Application. */
export const ARGOCD_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/**
 * Annotations for a phase-local Job. Argo CD runs it as a Sync hook in its wave (hooks are left out of
 * Argo's diff, and the previous run is deleted before the next one); Flux recreates it when its spec
 * changes. Every Job script is idempotent, so a rerun after success does nothing harmful. With `argoSkips`,
 * Argo CD never applies it (`hook: Skip`; gitops-engine gives such an object no sync task and counts it in no
 * sync status or health): work only an engine that keeps Complete Jobs needs (Flux, which ignores the key).
 */
export function jobAnnotations(phaseId: string, wave: number, argoSkips = false): Record<string, string> {
  return {
    [KEYS.scope]: 'phase',
    [KEYS.phase]: phaseId,
    ...(argoSkips ? ARGOCD_SKIP : { [ARGOCD_HOOK]: 'Sync', [ARGOCD_HOOK_DELETE_POLICY]: 'BeforeHookCreation' }),
    [ARGOCD_SYNC_WAVE]: String(wave),
    [FLUX_FORCE]: 'enabled',
  };
}

/** Argo CD: never apply this object (a Job only Flux needs, and its helpers). */
export const ARGOCD_SKIP: Readonly<Record<string, string>> = { [ARGOCD_HOOK]: 'Skip' };

/** Annotations for the helpers of a phase-local Job (its ServiceAccount, Role, scripts). */
export function jobHelperAnnotations(phaseId: string, argoSkips = false): Record<string, string> {
  return {
    [KEYS.scope]: 'phase',
    [KEYS.phase]: phaseId,
    ...(argoSkips ? ARGOCD_SKIP : {}),
  };
}
