/**
 * The on-cluster contract: every name this tool writes into a cluster and reads back from it (label and
 * annotation keys, the state and evidence ConfigMaps, the evidence record's keys, the backup name of a
 * connection Secret, the keys of the 3scale connection Secrets). The charts write through these functions, diff,
 * status, discover and synth read through them, and the Jobs' scripts get them as environment
 * ({@link contractEnv}), so TypeScript and bash cannot spell them two ways.
 *
 * No cdk8s here: the start-up bundle (`plan`) and the readers load this module without it.
 */

/** Prefix of every label and annotation key this tool owns. */
export const KEY_PREFIX = 'threescale-migrate.3scale.net';

/** Label and annotation keys, by meaning. */
export const KEYS = {
  /** Annotation: the object is phase-local (a Job and what only it uses); later phases do not carry it. */
  scope: `${KEY_PREFIX}/scope`,
  /** Annotation: the object is a partial object (server-side apply of only the fields we own). */
  partial: `${KEY_PREFIX}/partial`,
  /** Annotation: the phase that last set this object's desired state (on a GitOps pointer: the folder it points at). */
  phase: `${KEY_PREFIX}/phase`,
  /** Annotation on a pod template: sha256 of the Redis configuration, so a config change rolls the pods. */
  redisConfigHash: `${KEY_PREFIX}/redis-config-sha256`,
  /** Annotation on a Job's pod template: sha256 of its scripts, so a script change reruns the Job. */
  scriptsHash: `${KEY_PREFIX}/scripts-sha256`,
  /**
   * Annotation on a Job's scripts ConfigMap: the Job's inputs digest (its JOB_SHA256). Argo CD leaves hook Jobs
   * out of its comparison, so it runs a folder's Jobs only when a non-hook object differs; after a rollback the
   * helpers of the first pass are still there, and without this a retry whose Job changed (for example
   * spec.jobs.resetTarget) would find the folder Synced and never run it. Only the Jobs an edit changes differ.
   */
  jobSha256: `${KEY_PREFIX}/job-sha256`,
  /** Annotation: JSON pointers a phase removes from this object. */
  removedPaths: `${KEY_PREFIX}/removed-paths`,
  /** Label on every full object the tool creates: the migration (plan `metadata.name`) it belongs to. */
  migration: `${KEY_PREFIX}/migration`,
  /** Label on the in-cluster backup of a connection Secret: the Secret it is a copy of. */
  backupOf: `${KEY_PREFIX}/backup-of`,
  /** Standard label naming the tool on the objects it creates. */
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** Value of {@link KEYS.managedBy} on what this tool creates. */
export const MANAGED_BY_VALUE = 'threescale-migrate';

/** The {@link KEYS.managedBy} label as scripts take labels: `key=value`. */
export const MANAGED_BY_LABEL_TEXT = `${KEYS.managedBy}=${MANAGED_BY_VALUE}`;

/** ConfigMap (in the 3scale namespace) recording the plan and the replica counts captured before the scale-down. */
export const STATE_CONFIGMAP = 'threescale-migrate-state';
/** ConfigMap every Job writes its evidence record into (in the Job's namespace). */
export const EVIDENCE_CONFIGMAP = 'threescale-migrate-evidence';

/** Key of the state ConfigMap holding the captured replica count of one 3scale Deployment. */
export function stateReplicasKey(deployment: string): string {
  return `replicas.${deployment}`;
}

/** The fields of one step's evidence record (charts/scripts/lib/evidence.sh writes them). */
export type EvidenceField = 'phase' | 'inputsChecksum' | 'jobSha256' | 'finishedAt' | 'result' | 'sourceFingerprint' | 'targetBaseline' | 'targets';

/** Key of one field of a step's record in the evidence ConfigMap: `<step>.<field>`. */
export function evidenceKey(step: string, field: EvidenceField): string {
  return `${step}.${field}`;
}

/** One field of a step's record from the evidence ConfigMap's data; undefined when absent. */
export function evidenceField(data: Readonly<Record<string, string>> | undefined, step: string, field: EvidenceField): string | undefined {
  return data?.[evidenceKey(step, field)];
}

/** Suffix of the in-cluster backup of a connection Secret the cut-over rewrites. */
export const BACKUP_SUFFIX = '-pre-migration';

/** Name of the in-cluster backup of connection Secret `name`. */
export function backupSecretName(name: string): string {
  return `${name}${BACKUP_SUFFIX}`;
}

/** The 3scale connection Secrets and the keys this tool reads or rewrites in them. */
export const CONNECTION_SECRETS = {
  systemDatabase: { name: 'system-database', url: 'URL', user: 'DB_USER', password: 'DB_PASSWORD' },
  backendRedis: {
    name: 'backend-redis',
    storageUrl: 'REDIS_STORAGE_URL',
    queuesUrl: 'REDIS_QUEUES_URL',
    sentinelKeys: ['REDIS_STORAGE_SENTINEL_HOSTS', 'REDIS_STORAGE_SENTINEL_ROLE', 'REDIS_QUEUES_SENTINEL_HOSTS', 'REDIS_QUEUES_SENTINEL_ROLE'],
  },
  systemRedis: { name: 'system-redis', url: 'URL', sentinelKeys: ['SENTINEL_HOSTS', 'SENTINEL_ROLE'] },
} as const;

type Metadata = { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> } | undefined;
type WithMetadata = { readonly metadata?: Metadata };

/** Labels on every full object the tool creates. */
export function ownLabels(migration: string): Record<string, string> {
  return { [KEYS.managedBy]: MANAGED_BY_VALUE, [KEYS.migration]: migration };
}

/** The migration an object belongs to (its {@link KEYS.migration} label), if any. */
export function migrationOf(o: WithMetadata): string | undefined {
  return o.metadata?.labels?.[KEYS.migration];
}

/** Whether an object is a partial object (server-side apply of our fields only). */
export function isPartial(o: WithMetadata): boolean {
  return o.metadata?.annotations?.[KEYS.partial] === 'true';
}

/** Whether an object is phase-local (a Job, or what only a Job uses). */
export function isPhaseLocal(o: WithMetadata): boolean {
  return o.metadata?.annotations?.[KEYS.scope] === 'phase';
}

/** The {@link KEYS.phase} annotation of an object (on a GitOps pointer: the folder it points at). */
export function phaseOf(o: WithMetadata): string | undefined {
  return o.metadata?.annotations?.[KEYS.phase];
}

/**
 * The contract as environment of a Job's scripts: the scripts read these instead of spelling the names.
 * `MANAGED_BY_LABEL` is `key=value`; `BACKUP_OF_LABEL` a key; `BACKUP_SUFFIX` is appended to a Secret's name.
 */
export function contractEnv(...names: readonly ('MANAGED_BY_LABEL' | 'BACKUP_OF_LABEL' | 'BACKUP_SUFFIX')[]): { name: string; value: string }[] {
  const all = { MANAGED_BY_LABEL: MANAGED_BY_LABEL_TEXT, BACKUP_OF_LABEL: KEYS.backupOf, BACKUP_SUFFIX } as const;
  return names.map((name) => ({ name, value: all[name] }));
}
