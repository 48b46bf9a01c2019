/**
 * The failure signatures `--explain` recognizes, as data: the troubleshooting chapter of the vendor
 * procedure (chapter 7: system database and Redis connectivity, limitations and bottlenecks), the log
 * lines this procedure's own steps produce, and the Kubernetes states and Events that stop a pod. Order
 * matters: the first signature that matches a line wins, so specific signatures come before general ones
 * (an `Unknown database` line also names `ActiveRecord`, a TLS refusal is also a connection failure).
 */
import { BACKUP_SUFFIX } from '../../contract/on-cluster.js';

/** Where a signature is looked for. */
export type EvidenceKind = 'log' | 'event' | 'pod-state';

/** One recognized failure. */
export interface FailureSignature {
  /** Stable kebab-case id (JSON output). */
  readonly id: string;
  /** One line naming the failure. */
  readonly title: string;
  /** What is looked at: container log lines, Event `<reason>: <message>` lines, pod-state lines (see pod-findings). */
  readonly where: readonly EvidenceKind[];
  /** Tested against each line; the first signature that matches wins. */
  readonly pattern: RegExp;
  /**
   * The line only counts when the number captured by the pattern's first group is at least this (a query
   * duration in milliseconds).
   * @default every match counts
   */
  readonly atLeast?: number;
  /** What the README shows in its signature column. */
  readonly recognizes: string;
  /** The section of the vendor chapter 7 it comes from, or `Kubernetes` / the procedure step. */
  readonly source: string;
  /** What it means, in one sentence. */
  readonly meaning: string;
  /** What to do about it, in this tool's terms. */
  readonly remedy: string;
  /**
   * Phases whose desired state addresses it, most likely first; the first one the plan runs is named.
   * A pod of a Job or server this tool renders is addressed by that object's phase instead. Empty: nothing
   * in the migration changes it (a setting of an external database, of the cluster).
   */
  readonly phases: readonly string[];
  /**
   * `phases` apply only to pods and objects this plan renders (the new servers, the Jobs): an image, memory
   * limit or volume of a 3scale component is the operator's, not a phase's.
   * @default false
   */
  readonly ownObjectsOnly?: boolean;
  /** A line it recognizes, as the component writes it (tests and documentation). */
  readonly example: string;
}

const SECRET_URLS = 'the URL keys of Secrets system-database (URL), system-redis (URL) and backend-redis (REDIS_STORAGE_URL, REDIS_QUEUES_URL)';

/** Every signature, in matching order. */
export const FAILURE_SIGNATURES: readonly FailureSignature[] = [
  {
    id: 'database-tls-required',
    title: 'System database demands TLS',
    where: ['log', 'event'],
    pattern: /no pg_hba\.conf entry for host .*no encryption|SSL connection is required|require_secure_transport|insecure transport are prohibited/,
    recognizes: '`no pg_hba.conf entry … no encryption`, `Connections using insecure transport are prohibited`',
    source: '7.1.1.1',
    meaning: 'The database server refuses connections without TLS, and 3scale 2.15 cannot use TLS to the System database.',
    remedy: 'Allow unencrypted connections from the cluster for the 3scale user on the database server (pg_hba `host` rule, MySQL `require_secure_transport=OFF`), or keep the database on the cluster.',
    phases: [],
    example: 'PG::ConnectionBad: FATAL:  no pg_hba.conf entry for host "10.128.2.15", user "system", database "system", no encryption',
  },
  {
    id: 'database-unknown-database',
    title: 'System database name does not exist',
    where: ['log'],
    pattern: /Unknown database '|ActiveRecord::NoDatabaseError|database "[^"]*" does not exist/,
    recognizes: "`Unknown database '<name>' (ActiveRecord::NoDatabaseError)`",
    source: '7.1.1.2',
    meaning: 'system reaches the database server, but the database named in the path of the system-database URL is not there.',
    remedy: 'Make the path of URL in Secret system-database name the database that holds the data (spec.systemDatabase.databaseName, default `system`), or create it; the new PostgreSQL creates it at its first start and copy-data fills it.',
    phases: ['cutover', 'prepare'],
    example: "Unknown database 'system' (ActiveRecord::NoDatabaseError)",
  },
  {
    id: 'database-authentication-failed',
    title: 'System database refuses the credentials',
    where: ['log'],
    pattern: /password authentication failed for user|Access denied for user|role "[^"]*" does not exist/,
    recognizes: '`password authentication failed for user`, `Access denied for user`',
    source: '7.1.1.2',
    meaning: 'The user or password in the system-database URL is not accepted by the server.',
    remedy: 'Compare the user and password in URL of Secret system-database with the server; the prepare phase copies DB_USER and DB_PASSWORD to the new server and the cut-over writes the URL from them.',
    phases: ['cutover', 'prepare'],
    example: 'PG::ConnectionBad: FATAL:  password authentication failed for user "system"',
  },
  {
    id: 'database-unreachable',
    title: 'System database unreachable',
    where: ['log', 'event'],
    pattern: /ActiveRecord::ConnectionNotEstablished|PG::ConnectionBad|Mysql2::Error::ConnectionError|could not translate host name|Unknown MySQL server host|Can't connect to MySQL server/,
    recognizes: "`ActiveRecord::ConnectionNotEstablished: Unknown <provider> server host '<host>'`, `PG::ConnectionBad`",
    source: '7.1.1.2',
    meaning: 'system cannot connect to the host of the system-database URL (wrong format, a host that does not resolve, a server that is down or not reachable from the 3scale namespace).',
    remedy: 'Check that URL in Secret system-database has the form `postgresql://user:password@host:port/database` (`mysql2://` for MySQL), that its host resolves from the 3scale namespace and that the database pod is ready; for a cloud database, that the cluster can reach it.',
    phases: ['cutover', 'prepare'],
    example: "ActiveRecord::ConnectionNotEstablished: Unknown PostgreSQL server host 'system-postgresql-service.3scale-db.svc.cluster.local'",
  },
  {
    id: 'database-connection-limit',
    title: 'System database connections exhausted',
    where: ['log'],
    pattern: /ActiveRecord::ConnectionTimeoutError|could not obtain a connection from the pool|sorry, too many clients already|remaining connection slots are reserved|Too many connections/,
    recognizes: '`ActiveRecord::ConnectionTimeoutError`, `sorry, too many clients already`, `Too many connections`',
    source: '7.1.1.3 (connection pool saturation)',
    meaning: 'The database server or the connection pool has no free connection left.',
    remedy: 'Raise the server connection limit (and its memory), or lower the system-app and system-sidekiq replicas that hold connections; on the new PostgreSQL, give it more resources in spec.systemDatabase.resources.',
    phases: ['prepare'],
    example: 'ActiveRecord::ConnectionTimeoutError: could not obtain a connection from the pool within 5.000 seconds (waited 5.001 seconds); all pooled connections were in use',
  },
  {
    id: 'database-lock-contention',
    title: 'System database lock waits or deadlocks',
    where: ['log'],
    pattern: /Lock wait timeout exceeded|deadlock detected|Deadlock found when trying to get lock|PG::LockNotAvailable|ActiveRecord::Deadlocked|ActiveRecord::LockWaitTimeout/,
    recognizes: '`Lock wait timeout exceeded`, `deadlock detected`, `Deadlock found when trying to get lock`',
    source: '7.1.1.3 (locking, query contention)',
    meaning: 'Transactions wait for each other on the database; queries are delayed or aborted.',
    remedy: 'Look for long transactions and blocking queries on the server; give the database more CPU and memory (spec.systemDatabase.resources for the new PostgreSQL) and tune its configuration.',
    phases: ['prepare'],
    example: 'ActiveRecord::Deadlocked: PG::TRDeadlockDetected: ERROR:  deadlock detected',
  },
  {
    id: 'database-query-timeout',
    title: 'System database queries time out',
    where: ['log'],
    pattern: /canceling statement due to statement timeout|maximum statement execution time exceeded|ActiveRecord::QueryCanceled|Lost connection to MySQL server during query/,
    recognizes: '`canceling statement due to statement timeout`, `Lost connection to MySQL server during query`',
    source: '7.1.1.3 (slow queries, timeouts)',
    meaning: 'Queries run longer than the time limits allow.',
    remedy: 'Check CPU, memory and disk I/O of the database (3scale monitoring, the provider metrics); after a restore make sure the tables were analyzed (the copy Job runs ANALYZE unless PG_ANALYZE is false) and give the server more resources.',
    phases: ['prepare', 'copy-data'],
    example: 'ActiveRecord::QueryCanceled: PG::QueryCanceled: ERROR:  canceling statement due to statement timeout',
  },
  {
    id: 'database-slow-query',
    title: 'Slow System database query (debug log)',
    where: ['log'],
    pattern: /\((\d+(?:\.\d+)?)ms\)\s+(?:SELECT|INSERT|UPDATE|DELETE)\b/,
    atLeast: 1000,
    recognizes: '`<Model> Load (<n>ms) SELECT …` of 1000 ms or more (system debug log)',
    source: '7.1.1.3.2',
    meaning: 'A query took a second or more; compare with earlier logs to see whether response times grew.',
    remedy: 'Track CPU, memory and I/O of the database; raise its resources (spec.systemDatabase.resources for the new PostgreSQL) or tune buffer and cache sizes.',
    phases: ['prepare'],
    example: 'Settings Load (1532.7ms)  SELECT settings.* FROM settings WHERE settings.account_id = 1 LIMIT 1',
  },
  {
    id: 'disk-full',
    title: 'Volume full',
    where: ['log', 'event'],
    pattern: /No space left on device|could not extend file|The table '[^']*' is full/,
    recognizes: '`No space left on device`, `could not extend file`',
    source: '7.1.1.3 (resource exhaustion)',
    meaning: 'The volume of a database (or of a copy Job) has no space left.',
    remedy: 'Give the volume more space: spec.systemDatabase.storage.size or spec.backendRedis/systemRedis.storage.size for the new servers (PVCs can be expanded when the storage class allows it).',
    phases: ['prepare'],
    example: 'pg_restore: error: could not execute query: ERROR:  could not extend file "base/16384/16521": No space left on device',
  },
  {
    id: 'redis-tls-url',
    title: 'Redis URL asks for TLS',
    where: ['log'],
    pattern: /rediss:\/\//,
    recognizes: '`rediss://` in a Redis error',
    source: '7.1.2.1',
    meaning: '3scale 2.15 does not support TLS to Redis; a `rediss://` URL cannot work.',
    remedy: 'Use a `redis://` URL to a Redis that accepts plain connections in ' + SECRET_URLS + '.',
    phases: ['cutover'],
    example: 'Redis::CannotConnectError: Connection reset by peer (rediss://redis.example.com:6380/1)',
  },
  {
    id: 'redis-authentication',
    title: 'Redis refuses the credentials (or needs an ACL user)',
    where: ['log', 'event'],
    pattern: /NOAUTH Authentication required|WRONGPASS|NOPERM/,
    recognizes: '`NOAUTH Authentication required`, `WRONGPASS`, `NOPERM`',
    source: '7.1.2.1',
    meaning: 'Redis wants a password the URL does not give, or an ACL user; 3scale 2.15 supports neither Redis ACL users nor per-user permissions.',
    remedy: 'Put the Redis password in the URL (`redis://:password@host:6379/1`) in ' + SECRET_URLS + ', and use the default user.',
    phases: ['cutover'],
    example: 'Redis::CommandError: NOAUTH Authentication required.',
  },
  {
    id: 'redis-out-of-memory',
    title: 'Redis out of memory',
    where: ['log'],
    pattern: /OOM command not allowed when used memory > 'maxmemory'/,
    recognizes: "`OOM command not allowed when used memory > 'maxmemory'`",
    source: '7.1.2.3',
    meaning: 'Redis reached its maxmemory and refuses writes (backend: usage data, system: Sidekiq jobs).',
    remedy: 'Give Redis more memory (spec.backendRedis/systemRedis.resources.limits.memory for the new servers) and review the eviction policy (INFO memory, INFO stats); for system Redis, make sure system-sidekiq processes its jobs.',
    phases: ['prepare'],
    example: "/opt/ruby/deps/redis-rb/lib/redis/client.rb:126:in `call': OOM command not allowed when used memory > 'maxmemory'.",
  },
  {
    id: 'redis-queues-unreachable',
    title: 'backend-worker cannot reach the queues Redis',
    where: ['log'],
    pattern: /Error connecting to Redis queue storage/,
    recognizes: '`Error connecting to Redis queue storage`',
    source: '7.1.2.2',
    meaning: 'backend-worker cannot connect to the Redis of REDIS_QUEUES_URL.',
    remedy: 'Check REDIS_QUEUES_URL (and REDIS_STORAGE_URL) in Secret backend-redis: format `redis://host:6379/1`, a host that resolves from the 3scale namespace, and the new backend Redis pod ready.',
    phases: ['cutover', 'load-redis'],
    example: 'Error connecting to Redis queue storage: Bad file descriptor (redis://backend-redis-service.3scale-db.svc.cluster.local:6379/1)',
  },
  {
    id: 'redis-unreachable',
    title: 'Redis unreachable',
    where: ['log', 'event'],
    pattern: /Redis::CannotConnectError|Error connecting to Redis|Could not connect to Redis at/,
    recognizes: '`Redis::CannotConnectError: … (redis://<host>:<port>/1)`',
    source: '7.1.2.2',
    meaning: 'A 3scale component cannot connect to the Redis of its connection Secret.',
    remedy: 'Check ' + SECRET_URLS + ': format `redis://host:6379/<db>`, a host that resolves from the 3scale namespace, and the new Redis pod ready; pods read the Secrets only when they start.',
    phases: ['cutover', 'load-redis'],
    example: 'Redis::CannotConnectError: Bad file descriptor (redis://system-redis-service.3scale-db.svc.cluster.local:6379/1)',
  },
  {
    id: 'redis-timeout',
    title: 'Redis answers too slowly',
    where: ['log'],
    pattern: /Redis::TimeoutError/,
    recognizes: '`Redis::TimeoutError`',
    source: '7.1.2.3 (latency)',
    meaning: 'Redis latency spikes, often while it writes its data to disk.',
    remedy: 'Measure with `redis-cli --latency-history`; tune persistence (SAVE, AOF fsync) and give Redis more CPU (spec.backendRedis/systemRedis.resources).',
    phases: ['load-redis', 'prepare'],
    example: 'Redis::TimeoutError: Connection timed out',
  },
  {
    id: 'redis-persistence-failed',
    title: 'Redis cannot persist',
    where: ['log'],
    pattern: /MISCONF /,
    recognizes: '`MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk`',
    source: '7.1.2.3 (persistence)',
    meaning: 'Redis failed to write its snapshot or AOF and refuses writes until it can.',
    remedy: 'Check the free space and permissions of the Redis volume (spec.backendRedis/systemRedis.storage.size) and the persistence settings of redis-config-external (prepare writes them).',
    phases: ['load-redis', 'prepare'],
    example: 'Redis::CommandError: MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk.',
  },
  {
    id: 'redis-loading',
    title: 'Redis still loading its data',
    where: ['log', 'event'],
    pattern: /LOADING Redis is loading the dataset in memory/,
    recognizes: '`LOADING Redis is loading the dataset in memory`',
    source: 'procedure 3.4 (restart on the copied data)',
    meaning: 'A Redis that restarted on copied data answers LOADING until its dataset is in memory; clients retry.',
    remedy: 'Wait for the Redis pod to become ready (larger datasets take longer); if it stays, check its memory limit against the dataset size.',
    phases: ['load-redis'],
    example: 'Redis::CommandError: LOADING Redis is loading the dataset in memory',
  },
  {
    id: 'backend-worker-failed-to-start',
    title: 'backend-worker failed to start',
    where: ['log'],
    pattern: /bundler: failed to load command: bin\/3scale_backend_worker/,
    recognizes: '`bundler: failed to load command: bin/3scale_backend_worker`',
    source: '7.1.2.3.2',
    meaning: 'The backend-worker process exited at start; the next lines of the same log say why (usually a Redis error).',
    remedy: 'Read the Redis explanation of the same pod; check Secret backend-redis.',
    phases: ['cutover'],
    example: 'bundler: failed to load command: bin/3scale_backend_worker (bin/3scale_backend_worker)',
  },
  {
    id: 'secret-key-missing',
    title: 'Secret or key missing',
    where: ['pod-state', 'event'],
    pattern: /^waiting: CreateContainerConfigError|^Failed: Error: (?:secret "[^"]*" not found|couldn't find key)/,
    recognizes: '`CreateContainerConfigError`, `couldn\'t find key URL in Secret …`',
    source: 'Kubernetes',
    meaning: 'A container cannot start because a Secret (or a key of it) it reads is missing.',
    remedy: `Restore the connection Secret: the cut-over backs each one up as \`<name>${BACKUP_SUFFIX}\` and its rollback puts them back; check that every key the pod reads is there.`,
    phases: ['cutover'],
    example: "waiting: CreateContainerConfigError: couldn't find key URL in Secret 3scale/system-database",
  },
  {
    id: 'image-pull-failed',
    title: 'Image cannot be pulled',
    where: ['pod-state', 'event'],
    pattern: /^waiting: (?:ImagePullBackOff|ErrImagePull|InvalidImageName)|^Failed: (?:Failed to pull image|Error: (?:ImagePullBackOff|ErrImagePull))|^BackOff: Back-off pulling image/,
    recognizes: '`ImagePullBackOff`, `ErrImagePull`, Event `Failed to pull image`',
    source: 'Kubernetes',
    meaning: 'The node cannot pull the container image (wrong name, no pull secret for the registry, registry unreachable).',
    remedy: 'Check the image of the plan (spec.systemDatabase.image, spec.backendRedis/systemRedis.image, spec.jobs.kubectlImage, spec.jobs.mysqlImage) and that the namespace can pull from its registry (registry.redhat.io needs a pull secret).',
    phases: ['prepare'],
    ownObjectsOnly: true,
    example: 'waiting: ImagePullBackOff: Back-off pulling image "registry.redhat.io/rhel9/redis-7"',
  },
  {
    id: 'oom-killed',
    title: 'Container killed for memory',
    where: ['pod-state', 'event'],
    pattern: /terminated: OOMKilled|^OOMKilling:/,
    recognizes: '`OOMKilled`',
    source: 'Kubernetes (7.1.1.3, 7.1.2.3 memory)',
    meaning: 'The container used more memory than its limit and was killed.',
    remedy: 'Raise the memory limit: spec.systemDatabase.resources or spec.backendRedis/systemRedis.resources for the new servers, the APIManager resources for 3scale components.',
    phases: ['prepare'],
    ownObjectsOnly: true,
    example: 'last terminated: OOMKilled (exit code 137)',
  },
  {
    id: 'crash-loop',
    title: 'Container restarts again and again',
    where: ['pod-state', 'event'],
    pattern: /^waiting: CrashLoopBackOff|^BackOff: Back-off restarting failed container/,
    recognizes: '`CrashLoopBackOff`, Event `Back-off restarting failed container`',
    source: 'Kubernetes (7.1.1.2, 7.1.2.2 manifestation)',
    meaning: 'The container exits soon after each start; its last log (read from the previous instance) says why.',
    remedy: 'Read the log explanations of the same pod; after the cut-over this is most often a connection Secret.',
    phases: ['cutover'],
    example: 'waiting: CrashLoopBackOff: back-off 5m0s restarting failed container=system-master pod=system-app-5d8f9c7b6d-x2x9z_3scale',
  },
  {
    id: 'volume-node-affinity-conflict',
    title: 'Pod cannot run in the zone of its volume',
    where: ['pod-state', 'event'],
    pattern: /^(?:PodScheduled False: Unschedulable|FailedScheduling):.*\bvolume node affinity conflict/,
    recognizes: '`FailedScheduling` … `volume node affinity conflict`',
    source: 'Kubernetes; field report, seed 004',
    meaning: 'The pod\'s volume is a zonal disk (EBS, GCE PD, Azure Disk) bound in one availability zone, and no node of that zone can run the pod (full, tainted or none); nodes in other zones cannot attach it.',
    remedy: 'Free or add capacity in the volume\'s zone (a machine set there) or lower the requests; do not delete a PVC that holds data. For new volumes use a storage class with volumeBindingMode WaitForFirstConsumer, so the disk is made in the zone of the node the pod lands on.',
    phases: ['prepare'],
    ownObjectsOnly: true,
    example: 'FailedScheduling: 0/9 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {node-role.kubernetes.io/infra: }, 6 node(s) had volume node affinity conflict.',
  },
  {
    id: 'failed-scheduling',
    title: 'Pod cannot be scheduled',
    where: ['pod-state', 'event'],
    pattern: /^PodScheduled False: Unschedulable|^FailedScheduling:/,
    recognizes: '`FailedScheduling`, `Unschedulable`',
    source: 'Kubernetes',
    meaning: 'No node can run the pod: not enough CPU or memory for its requests, a PVC that is not bound, node selectors or taints.',
    remedy: 'Read the scheduler message: lower the requests (spec.*.resources.requests) or add capacity; for an unbound PVC, check spec.*.storage.storageClassName.',
    phases: ['prepare'],
    ownObjectsOnly: true,
    example: 'FailedScheduling: 0/6 nodes are available: 3 Insufficient memory, 3 node(s) had untolerated taint {node-role.kubernetes.io/master: }.',
  },
  {
    id: 'failed-mount',
    title: 'Volume cannot be mounted',
    where: ['event'],
    pattern: /^(?:FailedMount|FailedAttachVolume):/,
    recognizes: '`FailedMount`, `FailedAttachVolume` (`Multi-Attach error`)',
    source: 'Kubernetes',
    meaning: 'The pod waits for a volume: a ReadWriteOnce volume still attached to another pod, or a ConfigMap or Secret that does not exist.',
    remedy: 'A Multi-Attach error means the old pod still holds the volume: let the scale-down finish first; a missing ConfigMap or Secret comes from the phase that creates it.',
    phases: ['prepare', 'scale-down'],
    ownObjectsOnly: true,
    example: 'FailedAttachVolume: Multi-Attach error for volume "pvc-7d1c" Volume is already used by pod(s) backend-redis-7c9d8b-abcde',
  },
  {
    id: 'volume-provisioning-failed',
    title: 'Volume cannot be provisioned',
    where: ['event'],
    pattern: /^ProvisioningFailed:/,
    recognizes: '`ProvisioningFailed`',
    source: 'Kubernetes',
    meaning: 'The storage class could not create the volume of a new PVC.',
    remedy: 'Set spec.systemDatabase.storage.storageClassName (or the Redis ones) to a class that can provision ReadWriteOnce volumes of that size.',
    phases: ['prepare'],
    ownObjectsOnly: true,
    example: 'ProvisioningFailed: storageclass.storage.k8s.io "fast-ssd" not found',
  },
  {
    id: 'pod-creation-refused',
    title: 'Pod creation refused',
    where: ['event'],
    pattern: /^FailedCreate:/,
    recognizes: '`FailedCreate` (quota, security context constraints)',
    source: 'Kubernetes',
    meaning: 'A controller cannot create the pod: a quota is exhausted or an admission policy (SCC) refuses it.',
    remedy: 'Read the message: raise the namespace quota, or grant the pod\'s ServiceAccount the security context constraint it needs.',
    phases: [],
    example: 'FailedCreate: Error creating: pods "copy-system-database-" is forbidden: exceeded quota: compute, requested: limits.memory=2Gi, used: limits.memory=15Gi, limited: limits.memory=16Gi',
  },
  {
    id: 'job-backoff-limit',
    title: 'Job gave up after its retries',
    where: ['event'],
    pattern: /^BackoffLimitExceeded:/,
    recognizes: '`BackoffLimitExceeded`',
    source: 'Kubernetes',
    meaning: 'Every retry of the Job failed.',
    remedy: 'Read the log explanations of its pods, fix the cause, then run the Job again: on Argo CD with `argocd app sync <application>` or a commit (a hook Job deleted by hand is not re-created, self-heal skips hooks), on Flux by deleting the Job (the next reconciliation creates it); each script restarts cleanly.',
    phases: [],
    example: 'BackoffLimitExceeded: Job has reached the specified backoff limit',
  },
  {
    id: 'job-deadline-exceeded',
    title: 'Job ran out of time',
    where: ['event'],
    pattern: /^DeadlineExceeded:/,
    recognizes: '`DeadlineExceeded`',
    source: 'Kubernetes',
    meaning: 'The Job ran longer than its activeDeadlineSeconds.',
    remedy: 'Raise spec.jobs.activeDeadlineSeconds for large databases (or check why the copy is slow), synthesize and let the Job run again.',
    phases: [],
    example: 'DeadlineExceeded: Job was active longer than specified deadline',
  },
  {
    id: 'evicted',
    title: 'Pod evicted',
    where: ['pod-state', 'event'],
    pattern: /^Failed: Evicted|^Evicted:/,
    recognizes: '`Evicted`',
    source: 'Kubernetes',
    meaning: 'The node ran short of memory or disk and evicted the pod.',
    remedy: 'Check the node pressure and the requests of the pod; set requests close to real use so the scheduler places it where it fits.',
    phases: [],
    example: 'Evicted: The node was low on resource: memory. Threshold quantity: 100Mi, available: 80200Ki.',
  },
  {
    id: 'probe-failed',
    title: 'Component not ready (probe failing)',
    where: ['event'],
    pattern: /^Unhealthy:/,
    recognizes: 'Event `Unhealthy` (`Readiness probe failed`)',
    source: '7.1.1.2.1, 7.1.2.2.1 (component cannot get ready)',
    meaning: 'The component runs but does not become ready; with external databases this is the first sign of a connection problem.',
    remedy: 'Read the log explanations of the same pod; check the connection Secrets the cut-over wrote.',
    phases: ['cutover'],
    example: 'Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503',
  },
];

/** The first signature that recognizes `line` in evidence of `kind`, or undefined. */
export function matchSignature(line: string, kind: EvidenceKind, signatures: readonly FailureSignature[] = FAILURE_SIGNATURES): FailureSignature | undefined {
  for (const s of signatures) {
    if (!s.where.includes(kind)) continue;
    const m = s.pattern.exec(line);
    if (!m) continue;
    if (s.atLeast !== undefined && !(Number(m[1]) >= s.atLeast)) continue;
    return s;
  }
  return undefined;
}

/** The README table of the signatures: signature, meaning, remedy, phase (kept in step by test/readme.test.ts). */
export function signatureTableMarkdown(signatures: readonly FailureSignature[] = FAILURE_SIGNATURES): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = signatures.map((s) => `| ${cell(s.recognizes)} | ${cell(s.meaning)} (${cell(s.source)}) | ${cell(s.remedy)} | ${s.phases.length ? `${s.phases.map((p) => `\`${p}\``).join(', ')}${s.ownObjectsOnly ? ' (objects this tool creates; else outside the migration)' : ''}` : 'outside the migration'} |`);
  return ['| signature | meaning (source) | remedy | phase |', '| --- | --- | --- | --- |', ...rows].join('\n') + '\n';
}
