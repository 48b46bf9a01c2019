/**
 * Labels and annotations the tool puts on what it renders. Kept in one place because diff, the GitOps
 * wiring and the composer read them back.
 */

/** Prefix of every key this tool owns. */
export const KEY_PREFIX = 'threescale-migrate.3scale.net';

/** Annotation: the object is phase-local (a Job and what only it uses); later phases do not carry it. */
export const SCOPE_ANNOTATION = `${KEY_PREFIX}/scope`;
/** Annotation: the object is a partial object (server-side apply of only the fields we own). */
export const PARTIAL_ANNOTATION = `${KEY_PREFIX}/partial`;
/** Annotation: the phase that last set this object's desired state. */
export const PHASE_ANNOTATION = `${KEY_PREFIX}/phase`;
/** Annotation on a pod template: sha256 of the Redis configuration, so a config change rolls the pods. */
export const REDIS_CONFIG_HASH_ANNOTATION = `${KEY_PREFIX}/redis-config-sha256`;
/** Annotation: JSON pointers a phase removes from this object (rendered as JSON patches applied by a Job). */
export const REMOVED_PATHS_ANNOTATION = `${KEY_PREFIX}/removed-paths`;

/** Label on every full object the tool creates: the migration (plan `metadata.name`) it belongs to. */
export const MIGRATION_LABEL = `${KEY_PREFIX}/migration`;
/** Standard label naming the tool on the objects it creates. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'threescale-migrate';

/** Argo CD: per-resource sync options. */
export const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** Argo CD: per-resource compare options. */
export const ARGOCD_COMPARE_OPTIONS = 'argocd.argoproj.io/compare-options';
/** Flux: never garbage-collect this object. */
export const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';
/** Flux: server-side apply policy for this object. */
export const FLUX_SSA = 'kustomize.toolkit.fluxcd.io/ssa';
/** Flux: recreate on immutable-field changes (Jobs). */
export const FLUX_FORCE = 'kustomize.toolkit.fluxcd.io/force';

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
    [PARTIAL_ANNOTATION]: 'true',
    [PHASE_ANNOTATION]: phaseId,
    [ARGOCD_SYNC_OPTIONS]: 'Prune=false,Delete=false,ServerSideApply=true',
    [ARGOCD_COMPARE_OPTIONS]: 'ServerSideDiff=true',
    [FLUX_PRUNE]: 'disabled',
    [FLUX_SSA]: 'Merge',
  };
}

/** Argo CD: resource hook type. */
export const ARGOCD_HOOK = 'argocd.argoproj.io/hook';
/** Argo CD: when a hook object is deleted. */
export const ARGOCD_HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
/** Argo CD: sync wave inside one Application. */
export const ARGOCD_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/**
 * Annotations for a phase-local Job. Argo CD runs it as a Sync hook in its wave (hooks are left out of
 * Argo's diff, and the previous run is deleted before the next one); Flux recreates it when its spec
 * changes. Every Job script is idempotent, so a rerun after success does nothing harmful.
 */
export function jobAnnotations(phaseId: string, wave: number): Record<string, string> {
  return {
    [SCOPE_ANNOTATION]: 'phase',
    [PHASE_ANNOTATION]: phaseId,
    [ARGOCD_HOOK]: 'Sync',
    [ARGOCD_HOOK_DELETE_POLICY]: 'BeforeHookCreation',
    [ARGOCD_SYNC_WAVE]: String(wave),
    [FLUX_FORCE]: 'enabled',
  };
}

/** Annotations for the helpers of a phase-local Job (its ServiceAccount, Role, scripts). */
export function jobHelperAnnotations(phaseId: string): Record<string, string> {
  return {
    [SCOPE_ANNOTATION]: 'phase',
    [PHASE_ANNOTATION]: phaseId,
  };
}

/** Labels on every full object the tool creates. */
export function ownLabels(migration: string): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [MIGRATION_LABEL]: migration,
  };
}
