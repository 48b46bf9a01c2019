import * as z from 'zod/mini';
import { tryParseQuantity } from '../diff/quantity.js';
import { once } from '../util/once.js';
import { AUTOSCALABLE_DEPLOYMENTS, DEFAULT_OPERATOR_DEPLOYMENT, THREESCALE_DEPLOYMENTS } from './deployments.js';

/**
 * The plan file (`migration.yaml`): everything the charts need to render every phase, and nothing secret.
 *
 * The schema is strict (unknown keys are errors, so a typo never silently falls back to a default) and
 * every field has a documented default where one is safe. `threescale-migrate discover` writes it from a
 * live install; it can also be written by hand.
 *
 * The fields every plan kind shares (names, images, quantities, `spec.jobs`, `spec.gitops`) are built when
 * this module loads; the MigrationPlan's own schema is built by {@link migrationPlanSchema} on first use, so
 * reading a plan of another kind never builds it.
 */

export const PLAN_API_VERSION = 'threescale-migrate.3scale.net/v1alpha1';
export const PLAN_KIND = 'MigrationPlan';

/** DNS-1123 label: namespaces, most object names. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain: Deployment and APIManager names. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A label value: at most 63 characters, alphanumerics at both ends, `-`, `_` and `.` between. */
const LABEL_VALUE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** An image reference: registry/repository[:tag][@digest], no spaces, no scheme. */
const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/** Kinds a 3scale install runs its components as: Deployments since 2.15, DeploymentConfigs before. */
export const WORKLOAD_KINDS = ['Deployment', 'DeploymentConfig'] as const;
/** One of {@link WORKLOAD_KINDS}. */
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export const namespaceName = z.string().check(
  z.maxLength(63, { error: 'a namespace name of at most 63 characters' }),
  z.regex(DNS1123_LABEL, { error: 'a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit)' }),
);

export const objectName = z.string().check(
  z.maxLength(253, { error: 'an object name of at most 253 characters' }),
  z.regex(DNS1123_SUBDOMAIN, { error: 'a DNS-1123 subdomain (lower-case letters, digits, "-" and ".")' }),
);

/**
 * A Kubernetes quantity, read by the same exact parser diff uses (the grammar of the API server: `1.5Gi`,
 * `250m`, `1e3`; not `1.2.3Gi` or `1Ki5`), and at least `min` (exclusive when `above`).
 */
const quantityAtLeast = (min: bigint, above: boolean, message: string) =>
  z.string().check(
    z.refine((text) => {
      const q = tryParseQuantity(text);
      return q !== undefined && (above ? q.nanos > min : q.nanos >= min);
    }, { error: message }),
  );

/** A Kubernetes quantity of 0 or more: CPU and memory requests and limits. */
export const quantity = quantityAtLeast(0n, false, 'a Kubernetes quantity of 0 or more such as 512Mi or 250m');

/** A storage size: a Kubernetes quantity above 0 (the API server refuses a claim of 0 or less). */
export const storageSize = quantityAtLeast(0n, true, 'a storage size above 0 such as 10Gi or 512Mi');

/** A label value (`spec.appLabel` becomes the `app` label of every pod). */
export const labelValue = z.string().check(z.maxLength(63, { error: 'a label value of at most 63 characters' }), z.regex(LABEL_VALUE, { error: 'a label value (letters, digits, "-", "_" and ".", starting and ending with a letter or digit)' }));

export const image = z
  .string()
  .check(z.maxLength(512), z.regex(IMAGE, { error: 'an image reference such as registry.redhat.io/rhel9/redis-7 (optionally :tag or @sha256:digest)' }));

export const replicaCount = z
  .number({ error: 'a whole number of replicas' })
  .check(
    z.int({ error: 'a whole number of replicas' }),
    z.minimum(0, { error: 'a replica count of 0 or more' }),
    z.maximum(1000, { error: 'a replica count of at most 1000' }),
  );

const resourceList = z.strictObject({
  cpu: z.optional(quantity),
  memory: z.optional(quantity),
});

export const resources = z.strictObject({
  requests: z.optional(resourceList),
  limits: z.optional(resourceList),
});

export const storage = z.strictObject({
  /** Requested size of the new PVC. */
  size: z.optional(storageSize),
  /** Storage class of the new PVC; absent means the cluster default. */
  storageClassName: z.optional(objectName),
  /** Access mode of the new PVC. @default ReadWriteOnce */
  accessMode: z.optional(z.enum(['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany'])),
});

/** A key of a Secret, as the Jobs read it (kept to characters every client and jsonpath take literally). */
const secretKey = () => z.string().check(z.maxLength(253), z.regex(/^[A-Za-z0-9_-]+$/, { error: 'a Secret key of letters, digits, "_" and "-"' }));

/** A TCP port. */
const port = () =>
  z
    .number({ error: 'a TCP port number' })
    .check(z.int({ error: 'a TCP port number' }), z.minimum(1, { error: 'a TCP port from 1 to 65535' }), z.maximum(65535, { error: 'a TCP port from 1 to 65535' }));

/**
 * Where a managed server is reached. Checked after parsing (load-plan), so a URL or a `rediss://` scheme is
 * refused with the reason rather than a pattern.
 */
const serverHost = () => z.string({ error: 'a host name such as mydb.abc123.eu-west-1.rds.amazonaws.com' }).check(z.minLength(1), z.maxLength(253));

/**
 * The Secret holding the credentials of a managed SQL server. Only its name and key names are in the plan;
 * the Jobs read the values in the cluster (a Secret in another namespace is first copied into the 3scale
 * namespace by a Job of prepare).
 */
const sqlCredentials = () =>
  z.strictObject({
    /** Name of the Secret. */
    secretName: namespaceName,
    /** Its namespace. @default spec.threescale.namespace */
    namespace: z.optional(namespaceName),
    /** Key holding the user name. @default username */
    userKey: z._default(secretKey(), 'username'),
    /** Key holding the password. @default password */
    passwordKey: z._default(secretKey(), 'password'),
  });

/**
 * The Secret holding the password (AUTH token) of a managed Redis. `userKey` is accepted by the schema
 * only to be refused with the reason: 3scale 2.15 does not support Redis ACL users.
 */
const redisCredentials = () =>
  z.strictObject({
    /** Name of the Secret. */
    secretName: namespaceName,
    /** Its namespace. @default spec.threescale.namespace */
    namespace: z.optional(namespaceName),
    /** Key holding the password. @default password */
    passwordKey: z._default(secretKey(), 'password'),
    /** Refused (Redis ACL users are not supported by 3scale 2.15). */
    userKey: z.optional(z.string()),
  });

/** An existing PostgreSQL or MySQL server the System database moves to (seed chapters 4 and 5). */
const managedSqlServer = (defaultPort: number) =>
  z.strictObject({
    /** Host name or IP address, without scheme or port. */
    host: serverHost(),
    /** @default 5432 for PostgreSQL, 3306 for MySQL */
    port: z._default(port(), defaultPort),
    /** Database the data is loaded into and 3scale uses (PostgreSQL: must exist; MySQL: created when absent). @default system */
    databaseName: z._default(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { error: 'a database name of letters, digits and "_"' })), 'system'),
    /** Refused when true: 3scale 2.15 does not support TLS to the System database. @default false */
    tls: z._default(z.boolean(), false),
    /** The Secret with the user and password. */
    credentials: sqlCredentials(),
  });

/**
 * How the data of a managed Redis gets there.
 * `rdb-export`: copy-data writes the old server's RDB to a PVC; seeding the managed Redis from it (for
 * ElastiCache: from S3) is the user's step before load-redis, which checks the data arrived.
 * `none`: the managed Redis starts without the old data (the seed allows a new, empty system Redis).
 */
const redisSeed = () => z.enum(['rdb-export', 'none']);

/** Fields every managed Redis has. */
const managedRedisFields = () => ({
  /** Host name or IP address, without scheme or port (`rediss://` is refused: no TLS in 3scale 2.15). */
  host: serverHost(),
  /** @default 6379 */
  port: z._default(port(), 6379),
  /** Refused when true: 3scale 2.15 does not support TLS to Redis. @default false */
  tls: z._default(z.boolean(), false),
  /** Refused: 3scale 2.15 does not support Redis ACL users. */
  username: z.optional(z.string()),
  /** The Secret with the password; absent means a Redis without AUTH. */
  credentials: z.optional(redisCredentials()),
  /** @default rdb-export */
  seed: z._default(redisSeed(), 'rdb-export'),
});

const redisDatabase = () =>
  z
    .number({ error: 'a Redis database number' })
    .check(
      z.int({ error: 'a Redis database number' }),
      z.minimum(0, { error: 'a Redis database number from 0 to 15' }),
      z.maximum(15, { error: 'a Redis database number from 0 to 15' }),
    );

const MANAGED_REQUIRED = { error: 'an object with the host, port and credentials Secret of the existing server (strategy "managed" reads it)' };
const SENTINEL_REQUIRED = { error: 'an object with the sentinel hosts, the master name and the credentials Secret (strategy "sentinel" reads it)' };

/** The managed backend Redis: storage and queues in two logical databases (seed 6.2.5). */
const managedBackendRedis = () =>
  z.strictObject(
    {
      ...managedRedisFields(),
      /** Database of REDIS_STORAGE_URL. @default 0 */
      storageDatabase: z._default(redisDatabase(), 0),
      /** Database of REDIS_QUEUES_URL. @default 1 */
      queuesDatabase: z._default(redisDatabase(), 1),
    },
    MANAGED_REQUIRED,
  );

/**
 * The managed system Redis. The default database is 1, where the 2.15 system Redis keeps its data
 * (`redis://system-redis:6379/1`), so a server seeded from its RDB finds it there.
 */
const managedSystemRedis = () =>
  z.strictObject(
    {
      ...managedRedisFields(),
      /** Database of the system-redis URL. @default 1 */
      database: z._default(redisDatabase(), 1),
    },
    MANAGED_REQUIRED,
  );

/**
 * A Sentinel master name: it is the host part of the URL 3scale reads (`redis://:password@NAME/0`), so only
 * letters, digits, ".", "_" and "-".
 */
const sentinelMasterName = () =>
  z
    .string({ error: 'a Sentinel master name' })
    .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: 'a Sentinel master name of at most 64 letters, digits, ".", "_" and "-" (it is the host part of the URL 3scale reads)' }));

/** `host:port` of one sentinel (checked further after parsing, like a managed host). */
const sentinelHost = () =>
  z.string({ error: 'a sentinel address host:port such as sentinel-0.redis.example:26379' }).check(
    z.regex(/^[^\s:/@]{1,253}:\d{1,5}$/, { error: 'a sentinel address host:port such as sentinel-0.redis.example:26379 (no scheme, no password)' }),
  );

/** The Secret holding the password of the Redis servers and, when the sentinels require one, theirs. */
const sentinelCredentials = () =>
  z.strictObject({
    /** Name of the Secret. */
    secretName: namespaceName,
    /** Its namespace. @default spec.threescale.namespace */
    namespace: z.optional(namespaceName),
    /** Key holding the password of the master (and replicas). @default password */
    passwordKey: z._default(secretKey(), 'password'),
    /** Key holding the sentinels' own password (`requirepass` of the sentinels); absent: the sentinels need none. */
    sentinelPasswordKey: z.optional(secretKey()),
  });

/** Fields every Sentinel-managed Redis has. */
const sentinelRedisFields = () => ({
  /** The sentinels, as host:port; at least one. */
  hosts: z.array(sentinelHost()).check(z.minLength(1, { error: 'at least one sentinel host:port' }), z.maxLength(16)),
  /** The Secret with the password(s); absent means Redis and sentinels without AUTH. */
  credentials: z.optional(sentinelCredentials()),
});

/** The backend Redis behind sentinels: storage and queues may be two masters. */
const sentinelBackendRedis = () =>
  z.strictObject(
    {
      ...sentinelRedisFields(),
      /** Master name of REDIS_STORAGE_URL. */
      masterName: sentinelMasterName(),
      /** Master name of REDIS_QUEUES_URL. @default masterName */
      queuesMasterName: z.optional(sentinelMasterName()),
      /** Database of REDIS_STORAGE_URL. @default 0 */
      storageDatabase: z._default(redisDatabase(), 0),
      /** Database of REDIS_QUEUES_URL. @default 1 */
      queuesDatabase: z._default(redisDatabase(), 1),
    },
    SENTINEL_REQUIRED,
  );

/** The system Redis behind sentinels. */
const sentinelSystemRedis = () =>
  z.strictObject(
    {
      ...sentinelRedisFields(),
      masterName: sentinelMasterName(),
      /** Database of the system-redis URL. @default 1 */
      database: z._default(redisDatabase(), 1),
    },
    SENTINEL_REQUIRED,
  );

/** Labels and ownerReferences found on one object the MySQL keep-in-place path detaches. */
const detachedObject = () =>
  z.strictObject({
    kind: z.enum(['Deployment', 'DeploymentConfig', 'PersistentVolumeClaim', 'ConfigMap', 'Service', 'ServiceAccount']),
    name: objectName,
    /** Keys of the 3scale labels present on `metadata.labels` (only these are removed). */
    labels: z.optional(z.record(z.string().check(z.maxLength(317)), z.string().check(z.maxLength(63)))),
    /** Pod template labels present (Deployments and DeploymentConfigs only); the selector label (`deployment`, `deploymentConfig`) is never removed. */
    podTemplateLabels: z.optional(z.record(z.string().check(z.maxLength(317)), z.string().check(z.maxLength(63)))),
    /** Whether an ownerReference to the APIManager is present, and at which index. */
    apiManagerOwnerIndex: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(100))),
  });

const postgresqlDatabase = () =>
  z.strictObject({
    kind: z.literal('postgresql'),
    /**
     * `upgrade-on-cluster`: new PostgreSQL 15 Deployment, data copied in the cluster (seed 3.2).
     * `already-external`: nothing to do for the System database.
     */
    strategy: z._default(z.enum(['upgrade-on-cluster', 'managed', 'already-external']), 'upgrade-on-cluster'),
    namespace: z.optional(namespaceName),
    /** The existing server of strategy `managed` (seed chapter 5); only with that strategy. */
    managed: z.optional(managedSqlServer(5432)),
    image: z._default(image, 'registry.redhat.io/rhel9/postgresql-15'),
    databaseName: z._default(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { error: 'a PostgreSQL database name' })), 'system'),
    storage: z.prefault(storage, {}),
    resources: z.optional(resources),
    /** Parallel copy jobs; above 1 the copy Job copies that many tables at a time from one snapshot and builds the indexes in parallel (1: one pg_dump | pg_restore stream). Default 4, pgcopydb's default of table and index jobs. */
    copyParallelism: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(32)), 4),
  });

const mysqlDatabase = () =>
  z.strictObject({
    kind: z.literal('mysql'),
    /**
     * `keep-in-place`: keep `system-mysql`, detach it from the operator (seed 3.3).
     * `managed`: dump and load into an existing MySQL server (seed chapter 4), DEFINER clauses removed.
     * `already-external`: nothing to do for the System database.
     */
    strategy: z._default(z.enum(['keep-in-place', 'managed', 'already-external']), 'keep-in-place'),
    /** The existing server of strategy `managed`; only with that strategy. */
    managed: z.optional(managedSqlServer(3306)),
    /** Parallel load streams of strategy `managed`: above 1 the copy Job loads that many tables at a time, one mysqldump | mysql each (1: one stream). Absent: 4, as for PostgreSQL (no default here, so that plans without it keep their hash). */
    copyParallelism: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(32))),
    /** What discovery found on the objects that are detached; defaults to what the 2.15 operator writes. */
    detach: z.optional(z.array(detachedObject())),
  });

const oracleDatabase = () => z.looseObject({ kind: z.literal('oracle') });

/** Fields every Redis strategy accepts: the new on-cluster server's (the check and copy Jobs also run its image). */
const redisCommonFields = () => ({
  namespace: z.optional(namespaceName),
  image: z._default(image, 'registry.redhat.io/rhel9/redis-7'),
  storage: z.prefault(storage, {}),
  resources: z.optional(resources),
});

/**
 * The blocks of the other strategies, accepted by the schema only to be refused after parsing with the
 * strategy that reads them (check-managed-targets), rather than as an unknown field.
 */
const foreignBlocks = <K extends string>(...keys: K[]) => Object.fromEntries(keys.map((k) => [k, z.optional(z.unknown())])) as Record<K, z.ZodMiniOptional<z.ZodMiniUnknown>>;

/**
 * One Redis component as a union of strategies, `strategy` telling them apart (absent: upgrade-on-cluster):
 * `upgrade-on-cluster`: new Redis 7 Deployment, RDB copied in the cluster (seed 3.4).
 * `managed`: an existing Redis (ElastiCache, seed chapter 6) named by `managed`.
 * `sentinel`: an existing Sentinel-managed Redis named by `sentinel`; the data is copied into the master the sentinels name.
 * `already-external`: nothing to do.
 */
const redisComponent = <M extends z.core.SomeType, S extends z.core.SomeType>(managed: M, sentinel: S) =>
  z.discriminatedUnion(
    'strategy',
    [
      z.strictObject({ strategy: z._default(z.literal('upgrade-on-cluster'), 'upgrade-on-cluster'), ...redisCommonFields(), ...foreignBlocks('managed', 'sentinel') }),
      z.strictObject({ strategy: z.literal('managed'), managed, ...redisCommonFields(), ...foreignBlocks('sentinel') }),
      z.strictObject({ strategy: z.literal('sentinel'), sentinel, ...redisCommonFields(), ...foreignBlocks('managed') }),
      z.strictObject({ strategy: z.literal('already-external'), ...redisCommonFields(), ...foreignBlocks('managed', 'sentinel') }),
    ],
    { error: '"upgrade-on-cluster", "managed", "sentinel" or "already-external" in strategy' },
  );

/** The OLM channel the 2.15 operators follow; the upgrade rollback puts it back. */
export const CHANNEL_2_15 = 'threescale-2.15';
/** The OLM channel of 3scale 2.16. */
export const CHANNEL_2_16 = 'threescale-2.16';

/**
 * One OLM Subscription the upgrade phase moves to the new channel. Everything but the channel is what
 * discovery found on the live Subscription and is applied unchanged (the approval mode in particular: a
 * cluster that approves InstallPlans by hand keeps doing so).
 */
const operatorSubscription = (defaultPackage: string) =>
  z.strictObject({
    /** Name of the Subscription object. @default the package name */
    name: z._default(objectName, defaultPackage),
    /** Its namespace. @default spec.operator.namespace */
    namespace: z.optional(namespaceName),
    /** Package in the catalog (`spec.name` of the Subscription). */
    package: z._default(objectName, defaultPackage),
    /** CatalogSource (`spec.source`). @default redhat-operators */
    source: z._default(objectName, 'redhat-operators'),
    /** Namespace of the CatalogSource (`spec.sourceNamespace`). @default openshift-marketplace */
    sourceNamespace: z._default(namespaceName, 'openshift-marketplace'),
    /** `spec.installPlanApproval` as found live; required when the upgrade is enabled, so it is never changed by accident. */
    installPlanApproval: z.optional(z.enum(['Automatic', 'Manual'])),
  });

const upgrade = () =>
  z.strictObject({
    /** Render the phase that moves the operator Subscription(s) to the 2.16 channel. @default false */
    enabled: z._default(z.boolean(), false),
    /** The 3scale operator's Subscription. */
    subscription: z.prefault(operatorSubscription('3scale-operator'), {}),
    /** The channel to move to. @default threescale-2.16 */
    channel: z._default(z.string().check(z.regex(/^threescale-\d+\.\d+$/, { error: `an OLM channel such as ${CHANNEL_2_16}` })), CHANNEL_2_16),
    /** The APIcast operator's Subscription, when the APIcast operator is installed too. */
    apicast: z.optional(operatorSubscription('apicast-operator')),
  });

/**
 * The checks of seed chapters 1 and 2 before the move to 2.16. The vendor documentation and the upstream
 * 2.16 operator disagree on the minimum server versions (Redis 7.2 or 7.0, PostgreSQL 15.0 or 13.0.0); the
 * policy chooses which table the version-check Jobs and `diff` compare against.
 */
const preflight = () =>
  z.strictObject({
    /** `vendor`: the documentation's minimums (stricter); `operator`: what the 2.16 operator compares. @default vendor */
    versionRequirements: z._default(z.enum(['vendor', 'operator']), 'vendor'),
  });

const replicas = () =>
  z.strictObject(Object.fromEntries(THREESCALE_DEPLOYMENTS.map((name) => [name, replicaCount])) as Record<(typeof THREESCALE_DEPLOYMENTS)[number], typeof replicaCount>);

const autoscaled = () =>
  z.array(z.enum(AUTOSCALABLE_DEPLOYMENTS, { error: `one of ${AUTOSCALABLE_DEPLOYMENTS.join(', ')} (the Deployments an APIManager hpa flag covers)` })).check(
    z.refine((names) => new Set(names).size === names.length, { error: 'each Deployment once' }),
  );

/** Images and limits of the Jobs the phases run; every procedure has it. */
export const jobsSchema = z.prefault(
  z.strictObject({
    /** Image with `kubectl` for the Jobs that read and patch objects. */
    kubectlImage: z._default(image, 'registry.redhat.io/openshift4/ose-cli:latest'),
    /** Image with the MySQL client (managed targets). */
    mysqlImage: z._default(image, 'registry.redhat.io/rhel9/mysql-80'),
    /** Seconds a Job may run before it is failed. @default 3600 */
    activeDeadlineSeconds: z._default(z.number().check(z.int(), z.minimum(60), z.maximum(86_400)), 3600),
    /**
     * Lets a copy Job empty its target before copying again (the Jobs' `TARGET_RESET`), when a rerun finds the
     * source changed since its copy (a retry after a rollback): only what the Job's own evidence proves it
     * created is removed; anything else is refused by name. @default false
     */
    resetTarget: z._default(z.boolean(), false),
  }),
  {},
);

/**
 * Where the synthesized folders live in Git and how Argo CD or Flux applies them; every procedure has it.
 * `firstPhase` is the procedure's first phase, the default of `targetPhase`.
 */
export const gitopsSchema = (firstPhase: string) =>
  z.prefault(
    z.strictObject({
      /** Git repository the synthesized folder is committed to (Argo CD source); required by `synth --gitops argocd`. */
      repoURL: z.optional(
        z.string().check(z.minLength(1), z.maxLength(2048), z.regex(/^[^\s\p{Cc}]+$/u, { error: 'a Git repository URL without spaces such as https://git.example.com/platform/gitops.git' })),
      ),
      /** Branch or tag. @default main */
      targetRevision: z._default(z.string().check(z.minLength(1), z.maxLength(255)), 'main'),
      /** Where the synthesized output folder lives inside that repository. @default synth's --out, relative to the root of the Git repository holding it */
      path: z.optional(z.string().check(z.regex(/^[A-Za-z0-9._/-]+$/, { error: 'a relative repository path such as clusters/prod/3scale-migration' }), z.maxLength(1024))),
      /** The phase the GitOps engine applies; advancing the run is changing this one value. @default the procedure's first phase */
      targetPhase: z._default(z.string().check(z.regex(/^(rollback\/)?[a-z0-9-]+$/, { error: 'a phase id such as scale-down, or rollback/<phase id>' })), firstPhase),
      /**
       * The engine that applies the folders: the wiring `synth` renders when `--gitops` is not given, and the
       * field manager `diff` and `status` dry-run under when `--field-manager` is not given (argocd:
       * argocd-controller, flux: kustomize-controller, none: threescale-migrate). @default none
       */
      engine: z.optional(z.enum(['none', 'argocd', 'flux'])),
      argocd: z.prefault(
        z.strictObject({
          /** Namespace of Argo CD (OpenShift GitOps: openshift-gitops). */
          namespace: z._default(namespaceName, 'openshift-gitops'),
          project: z._default(objectName, 'default'),
        }),
        {},
      ),
      flux: z.prefault(
        z.strictObject({
          namespace: z._default(namespaceName, 'flux-system'),
          /** With sourceName: the kind of an existing source holding the synthesized folder. @default GitRepository */
          sourceKind: z._default(z.enum(['GitRepository', 'OCIRepository', 'Bucket']), 'GitRepository'),
          /** An existing source to read instead of the GitRepository the wiring renders from repoURL and targetRevision. */
          sourceName: z.optional(objectName),
          /** Reconcile interval of the Kustomization and its GitRepository. @default 5m */
          interval: z._default(z.string().check(z.regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/, { error: 'a duration such as 5m or 1h30m' })), '5m'),
        }),
        {},
      ),
    }),
    {},
  );

function buildMigrationPlanSchema() {
  return z.strictObject({
    apiVersion: z.literal(PLAN_API_VERSION, { error: `"${PLAN_API_VERSION}"` }),
    kind: z.literal(PLAN_KIND, { error: `"${PLAN_KIND}"` }),
    metadata: z.strictObject({
      /** Names the migration; used in labels and in the GitOps objects. */
      name: namespaceName,
    }),
    spec: z.strictObject({
      /** Which procedure of the registry this plan runs. @default externalize-on-cluster */
      procedure: z._default(z.enum(['externalize-on-cluster']), 'externalize-on-cluster'),
      threescale: z.strictObject({
        namespace: namespaceName,
        apiManagerName: objectName,
        /** `spec.appLabel` of the APIManager. @default 3scale-api-management */
        appLabel: z._default(labelValue, '3scale-api-management'),
        /** 3scale release found (`apps.3scale.net/apimanager-threescale-version`), e.g. 2.15.5. */
        version: z.optional(z.string().check(z.regex(/^\d+\.\d+(\.\d+)?$/, { error: 'a 3scale version such as 2.15.5' }))),
        /**
         * What runs the 3scale components and their internal databases: `Deployment` (apps/v1, 3scale
         * 2.15) or `DeploymentConfig` (apps.openshift.io/v1, installs older than 2.15). The operator itself
         * is an OLM Deployment either way. Left without a default in the validated plan so the plan
         * digest of a 2.15 plan does not change with this field; read it through `threescaleWorkload`.
         * @default Deployment
         */
        workloadKind: z.optional(z.enum(WORKLOAD_KINDS)),
      }),
      operator: z.strictObject({
        namespace: namespaceName,
        deploymentName: z._default(objectName, DEFAULT_OPERATOR_DEPLOYMENT),
      }),
      targets: z.strictObject({
        /** Namespace of the new databases unless a component names its own. */
        namespace: namespaceName,
        /** Render the Namespace object (otherwise it must exist). @default false */
        createNamespace: z._default(z.boolean(), false),
      }),
      systemDatabase: z.discriminatedUnion('kind', [postgresqlDatabase(), mysqlDatabase(), oracleDatabase()], {
        error: '"postgresql" or "mysql" in spec.systemDatabase.kind',
      }),
      backendRedis: z.prefault(redisComponent(managedBackendRedis(), sentinelBackendRedis()), {}),
      systemRedis: z.prefault(redisComponent(managedSystemRedis(), sentinelSystemRedis()), {}),
      /** Replica count of every 3scale Deployment captured before the scale-down. */
      replicas: replicas(),
      /**
       * The Deployments the APIManager hands to a HorizontalPodAutoscaler (`hpa: true` in
       * spec.apicast.productionSpec, spec.backend.listenerSpec, spec.backend.workerSpec). From scale-up on, no
       * folder carries their `spec.replicas`: a Job starts them once from 0, and the HPA keeps them. Optional.
       */
      autoscaled: z.optional(autoscaled()),
      jobs: jobsSchema,
      /** @default targetPhase preflight */
      gitops: gitopsSchema('preflight'),
      cleanup: z.prefault(
        z.strictObject({
          /** Render the destructive phase that deletes the old databases. @default false */
          enabled: z._default(z.boolean(), false),
        }),
        {},
      ),
      /** Preflight checks: which version requirements apply. */
      preflight: z.prefault(preflight(), {}),
      /**
       * The maintenance window's budget, as hours and/or minutes (`90m`, `2h`, `1h30m`): `status --watch` shows
       * the time since the window opened against it. Optional.
       */
      maintenanceWindow: z.optional(z.string().check(z.regex(/^(\d+h\d+m|\d+h|\d+m)$/, { error: 'a duration in hours and/or minutes such as 90m, 2h or 1h30m' }))),
      /**
       * The move to 3scale 2.16 once every component is external: the operator Subscription (and the
       * APIcast operator's) to the 2.16 channel. Absent, or `enabled: false`, renders nothing.
       */
      upgrade: z.optional(upgrade()),
    }),
  });
}

/** The MigrationPlan schema, built on first use (see the module comment). */
export const migrationPlanSchema = once(buildMigrationPlanSchema);

/** The plan as written in the file (before defaults). */
export type PlanInput = z.input<ReturnType<typeof migrationPlanSchema>>;
/** The validated plan with every default filled in. */
export type Plan = z.output<ReturnType<typeof migrationPlanSchema>>;
export type PostgresqlDatabase = z.output<ReturnType<typeof postgresqlDatabase>>;
export type BackendRedisComponent = Plan['spec']['backendRedis'];
export type SystemRedisComponent = Plan['spec']['systemRedis'];
export type RedisComponent = BackendRedisComponent | SystemRedisComponent;
/** The strategies a Redis component can have. */
export type RedisStrategy = RedisComponent['strategy'];
export type ManagedRedis = Extract<RedisComponent, { strategy: 'managed' }>['managed'];
export type SentinelRedis = Extract<RedisComponent, { strategy: 'sentinel' }>['sentinel'];
export type ManagedSqlServer = z.output<ReturnType<typeof managedSqlServer>>;
export type DetachedObject = z.output<ReturnType<typeof detachedObject>>;
export type StorageSpec = z.output<typeof storage>;
export type ResourcesSpec = z.output<typeof resources>;
export type JobsSpec = z.output<typeof jobsSchema>;
export type GitopsSpec = z.output<ReturnType<typeof gitopsSchema>>;
/** The plan of the externalize-on-cluster procedure (kind MigrationPlan). */
export type MigrationPlan = Plan;
export type VersionRequirementsPolicy = z.output<ReturnType<typeof preflight>>['versionRequirements'];
export type OperatorSubscriptionSpec = z.output<ReturnType<typeof operatorSubscription>>;
