import * as z from 'zod';
import { DEFAULT_OPERATOR_DEPLOYMENT, THREESCALE_DEPLOYMENTS } from './deployments.js';

/**
 * The plan file (`migration.yaml`): everything the charts need to render every phase, and nothing secret.
 *
 * The schema is strict (unknown keys are errors, so a typo never silently falls back to a default) and
 * every field has a documented default where one is safe. `threescale-migrate discover` writes it from a
 * live install; it can also be written by hand.
 */

export const PLAN_API_VERSION = 'threescale-migrate.3scale.net/v1alpha1';
export const PLAN_KIND = 'MigrationPlan';

/** DNS-1123 label: namespaces, most object names. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain: Deployment and APIManager names. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A Kubernetes quantity, as the API server accepts it. */
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
/** An image reference: registry/repository[:tag][@digest], no spaces, no scheme. */
const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/** Kinds a 3scale install runs its components as: Deployments since 2.15, DeploymentConfigs before. */
export const WORKLOAD_KINDS = ['Deployment', 'DeploymentConfig'] as const;
/** One of {@link WORKLOAD_KINDS}. */
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export const namespaceName = z
  .string()
  .max(63, { message: 'a namespace name of at most 63 characters' })
  .regex(DNS1123_LABEL, { message: 'a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit)' });

export const objectName = z
  .string()
  .max(253, { message: 'an object name of at most 253 characters' })
  .regex(DNS1123_SUBDOMAIN, { message: 'a DNS-1123 subdomain (lower-case letters, digits, "-" and ".")' });

export const quantity = z.string().regex(QUANTITY, { message: 'a Kubernetes quantity such as 10Gi, 512Mi or 250m' });

export const image = z.string().max(512).regex(IMAGE, { message: 'an image reference such as registry.redhat.io/rhel9/redis-7 (optionally :tag or @sha256:digest)' });

export const replicaCount = z
  .number({ message: 'a whole number of replicas' })
  .int({ message: 'a whole number of replicas' })
  .min(0, { message: 'a replica count of 0 or more' })
  .max(1000, { message: 'a replica count of at most 1000' });

const resourceList = z
  .object({
    cpu: quantity.optional(),
    memory: quantity.optional(),
  })
  .strict();

export const resources = z
  .object({
    requests: resourceList.optional(),
    limits: resourceList.optional(),
  })
  .strict();

export const storage = z
  .object({
    /** Requested size of the new PVC. */
    size: quantity.optional(),
    /** Storage class of the new PVC; absent means the cluster default. */
    storageClassName: objectName.optional(),
    /** Access mode of the new PVC. @default ReadWriteOnce */
    accessMode: z.enum(['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany']).optional(),
  })
  .strict();

/** A key of a Secret, as the Jobs read it (kept to characters every client and jsonpath take literally). */
const secretKey = z.string().max(253).regex(/^[A-Za-z0-9_-]+$/, { message: 'a Secret key of letters, digits, "_" and "-"' });

/** A TCP port. */
const port = z.number({ message: 'a TCP port number' }).int({ message: 'a TCP port number' }).min(1, { message: 'a TCP port from 1 to 65535' }).max(65535, { message: 'a TCP port from 1 to 65535' });

/**
 * Where a managed server is reached. Checked after parsing (load-plan), so a URL or a `rediss://` scheme is
 * refused with the reason rather than a pattern.
 */
const serverHost = z.string({ message: 'a host name such as mydb.abc123.eu-west-1.rds.amazonaws.com' }).min(1).max(253);

/**
 * The Secret holding the credentials of a managed SQL server. Only its name and key names are in the plan;
 * the Jobs read the values in the cluster (a Secret in another namespace is first copied into the 3scale
 * namespace by a Job of prepare).
 */
const sqlCredentials = z
  .object({
    /** Name of the Secret. */
    secretName: namespaceName,
    /** Its namespace. @default spec.threescale.namespace */
    namespace: namespaceName.optional(),
    /** Key holding the user name. @default username */
    userKey: secretKey.default('username'),
    /** Key holding the password. @default password */
    passwordKey: secretKey.default('password'),
  })
  .strict();

/**
 * The Secret holding the password (AUTH token) of a managed Redis. `userKey` is accepted by the schema
 * only to be refused with the reason: 3scale 2.15 does not support Redis ACL users.
 */
const redisCredentials = z
  .object({
    /** Name of the Secret. */
    secretName: namespaceName,
    /** Its namespace. @default spec.threescale.namespace */
    namespace: namespaceName.optional(),
    /** Key holding the password. @default password */
    passwordKey: secretKey.default('password'),
    /** Refused (Redis ACL users are not supported by 3scale 2.15). */
    userKey: z.string().optional(),
  })
  .strict();

/** An existing PostgreSQL or MySQL server the System database moves to (seed chapters 4 and 5). */
const managedSqlServer = (defaultPort: number) =>
  z
    .object({
      /** Host name or IP address, without scheme or port. */
      host: serverHost,
      /** @default 5432 for PostgreSQL, 3306 for MySQL */
      port: port.default(defaultPort),
      /** Database the data is loaded into and 3scale uses (PostgreSQL: must exist; MySQL: created when absent). @default system */
      databaseName: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { message: 'a database name of letters, digits and "_"' }).default('system'),
      /** Refused when true: 3scale 2.15 does not support TLS to the System database. @default false */
      tls: z.boolean().default(false),
      /** The Secret with the user and password. */
      credentials: sqlCredentials,
    })
    .strict();

/**
 * How the data of a managed Redis gets there.
 * `rdb-export`: copy-data writes the old server's RDB to a PVC; seeding the managed Redis from it (for
 * ElastiCache: from S3) is the user's step before load-redis, which checks the data arrived.
 * `none`: the managed Redis starts without the old data (the seed allows a new, empty system Redis).
 */
const redisSeed = z.enum(['rdb-export', 'none']);

/** Fields every managed Redis has. */
const managedRedisFields = {
  /** Host name or IP address, without scheme or port (`rediss://` is refused: no TLS in 3scale 2.15). */
  host: serverHost,
  /** @default 6379 */
  port: port.default(6379),
  /** Refused when true: 3scale 2.15 does not support TLS to Redis. @default false */
  tls: z.boolean().default(false),
  /** Refused: 3scale 2.15 does not support Redis ACL users. */
  username: z.string().optional(),
  /** The Secret with the password; absent means a Redis without AUTH. */
  credentials: redisCredentials.optional(),
  /** @default rdb-export */
  seed: redisSeed.default('rdb-export'),
};

const redisDatabase = z.number({ message: 'a Redis database number' }).int({ message: 'a Redis database number' }).min(0, { message: 'a Redis database number from 0 to 15' }).max(15, { message: 'a Redis database number from 0 to 15' });

/** The managed backend Redis: storage and queues in two logical databases (seed 6.2.5). */
const managedBackendRedis = z
  .object({
    ...managedRedisFields,
    /** Database of REDIS_STORAGE_URL. @default 0 */
    storageDatabase: redisDatabase.default(0),
    /** Database of REDIS_QUEUES_URL. @default 1 */
    queuesDatabase: redisDatabase.default(1),
  })
  .strict();

/**
 * The managed system Redis. The default database is 1, where the 2.15 system Redis keeps its data
 * (`redis://system-redis:6379/1`), so a server seeded from its RDB finds it there.
 */
const managedSystemRedis = z
  .object({
    ...managedRedisFields,
    /** Database of the system-redis URL. @default 1 */
    database: redisDatabase.default(1),
  })
  .strict();

/** Labels and ownerReferences found on one object the MySQL keep-in-place path detaches. */
const detachedObject = z
  .object({
    kind: z.enum(['Deployment', 'DeploymentConfig', 'PersistentVolumeClaim', 'ConfigMap', 'Service']),
    name: objectName,
    /** Keys of the 3scale labels present on `metadata.labels` (only these are removed). */
    labels: z.record(z.string().max(317), z.string().max(63)).optional(),
    /** Pod template labels present (Deployments and DeploymentConfigs only); the selector label (`deployment`, `deploymentConfig`) is never removed. */
    podTemplateLabels: z.record(z.string().max(317), z.string().max(63)).optional(),
    /** Whether an ownerReference to the APIManager is present, and at which index. */
    apiManagerOwnerIndex: z.number().int().min(0).max(100).optional(),
  })
  .strict();

const postgresqlDatabase = z
  .object({
    kind: z.literal('postgresql'),
    /**
     * `upgrade-on-cluster`: new PostgreSQL 15 Deployment, data copied in the cluster (seed 3.2).
     * `already-external`: nothing to do for the System database.
     */
    strategy: z.enum(['upgrade-on-cluster', 'managed', 'already-external']).default('upgrade-on-cluster'),
    namespace: namespaceName.optional(),
    /** The existing server of strategy `managed` (seed chapter 5); only with that strategy. */
    managed: managedSqlServer(5432).optional(),
    image: image.default('registry.redhat.io/rhel9/postgresql-15'),
    databaseName: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { message: 'a PostgreSQL database name' }).default('system'),
    storage: storage.prefault({}),
    resources: resources.optional(),
    /** Parallel restore jobs; above 1 the copy Job dumps to a scratch volume first (a pipe cannot be restored in parallel). */
    copyParallelism: z.number().int().min(1).max(32).default(1),
  })
  .strict();

const mysqlDatabase = z
  .object({
    kind: z.literal('mysql'),
    /**
     * `keep-in-place`: keep `system-mysql`, detach it from the operator (seed 3.3).
     * `managed`: dump and load into an existing MySQL server (seed chapter 4), DEFINER clauses removed.
     * `already-external`: nothing to do for the System database.
     */
    strategy: z.enum(['keep-in-place', 'managed', 'already-external']).default('keep-in-place'),
    /** The existing server of strategy `managed`; only with that strategy. */
    managed: managedSqlServer(3306).optional(),
    /** What discovery found on the objects that are detached; defaults to what the 2.15 operator writes. */
    detach: z.array(detachedObject).optional(),
  })
  .strict();

const oracleDatabase = z.object({ kind: z.literal('oracle') }).passthrough();

const redisComponent = <M extends z.ZodType>(managed: M) =>
  z
    .object({
      /**
       * `upgrade-on-cluster`: new Redis 7 Deployment, RDB copied in the cluster (seed 3.4).
       * `managed`: an existing Redis (ElastiCache, seed chapter 6) named by `managed`.
       * `already-external`: nothing to do.
       */
      strategy: z.enum(['upgrade-on-cluster', 'managed', 'already-external']).default('upgrade-on-cluster'),
      /** The existing server of strategy `managed`; only with that strategy. */
      managed: managed.optional(),
      namespace: namespaceName.optional(),
      image: image.default('registry.redhat.io/rhel9/redis-7'),
      storage: storage.prefault({}),
      resources: resources.optional(),
    })
    .strict();

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
  z
    .object({
      /** Name of the Subscription object. @default the package name */
      name: objectName.default(defaultPackage),
      /** Its namespace. @default spec.operator.namespace */
      namespace: namespaceName.optional(),
      /** Package in the catalog (`spec.name` of the Subscription). */
      package: objectName.default(defaultPackage),
      /** CatalogSource (`spec.source`). @default redhat-operators */
      source: objectName.default('redhat-operators'),
      /** Namespace of the CatalogSource (`spec.sourceNamespace`). @default openshift-marketplace */
      sourceNamespace: namespaceName.default('openshift-marketplace'),
      /** `spec.installPlanApproval` as found live; required when the upgrade is enabled, so it is never changed by accident. */
      installPlanApproval: z.enum(['Automatic', 'Manual']).optional(),
    })
    .strict();

const upgrade = z
  .object({
    /** Render the phase that moves the operator Subscription(s) to the 2.16 channel. @default false */
    enabled: z.boolean().default(false),
    /** The 3scale operator's Subscription. */
    subscription: operatorSubscription('3scale-operator').prefault({}),
    /** The channel to move to. @default threescale-2.16 */
    channel: z.string().regex(/^threescale-\d+\.\d+$/, { message: `an OLM channel such as ${CHANNEL_2_16}` }).default(CHANNEL_2_16),
    /** The APIcast operator's Subscription, when the APIcast operator is installed too. */
    apicast: operatorSubscription('apicast-operator').optional(),
  })
  .strict();

/**
 * The checks of seed chapters 1 and 2 before the move to 2.16. The vendor documentation and the upstream
 * 2.16 operator disagree on the minimum server versions (Redis 7.2 or 7.0, PostgreSQL 15.0 or 13.0.0); the
 * policy chooses which table the version-check Jobs and `diff` compare against.
 */
const preflight = z
  .object({
    /** `vendor`: the documentation's minimums (stricter); `operator`: what the 2.16 operator compares. @default vendor */
    versionRequirements: z.enum(['vendor', 'operator']).default('vendor'),
  })
  .strict();

const replicas = z
  .object(Object.fromEntries(THREESCALE_DEPLOYMENTS.map((name) => [name, replicaCount])) as Record<(typeof THREESCALE_DEPLOYMENTS)[number], typeof replicaCount>)
  .strict();

/** Images and limits of the Jobs the phases run; every procedure has it. */
export const jobsSchema = z
  .object({
    /** Image with `kubectl` for the Jobs that read and patch objects. */
    kubectlImage: image.default('registry.redhat.io/openshift4/ose-cli:latest'),
    /** Image with the MySQL client (managed targets). */
    mysqlImage: image.default('registry.redhat.io/rhel9/mysql-80'),
    /** Seconds a Job may run before it is failed. @default 3600 */
    activeDeadlineSeconds: z.number().int().min(60).max(86_400).default(3600),
  })
  .strict()
  .prefault({});

/**
 * Where the synthesized folders live in Git and how Argo CD or Flux applies them; every procedure has it.
 * `firstPhase` is the procedure's first phase, the default of `targetPhase`.
 */
export const gitopsSchema = (firstPhase: string) =>
  z
    .object({
      /** Git repository the synthesized folder is committed to (Argo CD source). */
      repoURL: z.string().min(1).max(2048).default('https://git.example.com/platform/gitops.git'),
      /** Branch or tag. @default main */
      targetRevision: z.string().min(1).max(255).default('main'),
      /** Where the synthesized output folder lives inside that repository. @default dist */
      path: z.string().regex(/^[A-Za-z0-9._/-]+$/, { message: 'a relative repository path such as clusters/prod/3scale-migration' }).max(1024).default('dist'),
      /** The phase the GitOps engine applies; advancing the run is changing this one value. @default the procedure's first phase */
      targetPhase: z.string().regex(/^(rollback\/)?[a-z0-9-]+$/, { message: 'a phase id such as scale-down, or rollback/<phase id>' }).default(firstPhase),
      argocd: z
        .object({
          /** Namespace of Argo CD (OpenShift GitOps: openshift-gitops). */
          namespace: namespaceName.default('openshift-gitops'),
          project: objectName.default('default'),
        })
        .strict()
        .prefault({}),
      flux: z
        .object({
          namespace: namespaceName.default('flux-system'),
          /** The GitRepository (or OCIRepository/Bucket) holding the synthesized folder. */
          sourceKind: z.enum(['GitRepository', 'OCIRepository', 'Bucket']).default('GitRepository'),
          sourceName: objectName.default('flux-system'),
          /** Reconcile interval of each Kustomization. @default 5m */
          interval: z.string().regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/, { message: 'a duration such as 5m or 1h30m' }).default('5m'),
        })
        .strict()
        .prefault({}),
    })
    .strict()
    .prefault({});

export const planSchema = z
  .object({
    apiVersion: z.literal(PLAN_API_VERSION, { message: `"${PLAN_API_VERSION}"` }),
    kind: z.literal(PLAN_KIND, { message: `"${PLAN_KIND}"` }),
    metadata: z
      .object({
        /** Names the migration; used in labels and in the GitOps objects. */
        name: namespaceName,
      })
      .strict(),
    spec: z
      .object({
        /** Which procedure of the registry this plan runs. @default externalize-on-cluster */
        procedure: z.enum(['externalize-on-cluster']).default('externalize-on-cluster'),
        threescale: z
          .object({
            namespace: namespaceName,
            apiManagerName: objectName,
            /** `spec.appLabel` of the APIManager. @default 3scale-api-management */
            appLabel: z.string().max(63).default('3scale-api-management'),
            /** 3scale release found (`apps.3scale.net/apimanager-threescale-version`), e.g. 2.15.5. */
            version: z.string().regex(/^\d+\.\d+(\.\d+)?$/, { message: 'a 3scale version such as 2.15.5' }).optional(),
            /**
             * What runs the 3scale components and their internal databases: `Deployment` (apps/v1, 3scale
             * 2.15) or `DeploymentConfig` (apps.openshift.io/v1, installs older than 2.15). The operator itself
             * is an OLM Deployment either way. Left without a default in the validated plan so the plan
             * digest of a 2.15 plan does not change with this field; read it through `threescaleWorkload`.
             * @default Deployment
             */
            workloadKind: z.enum(WORKLOAD_KINDS).optional(),
          })
          .strict(),
        operator: z
          .object({
            namespace: namespaceName,
            deploymentName: objectName.default(DEFAULT_OPERATOR_DEPLOYMENT),
          })
          .strict(),
        targets: z
          .object({
            /** Namespace of the new databases unless a component names its own. */
            namespace: namespaceName,
            /** Render the Namespace object (otherwise it must exist). @default false */
            createNamespace: z.boolean().default(false),
          })
          .strict(),
        systemDatabase: z.discriminatedUnion('kind', [postgresqlDatabase, mysqlDatabase, oracleDatabase], {
          message: '"postgresql" or "mysql" in spec.systemDatabase.kind',
        }),
        backendRedis: redisComponent(managedBackendRedis).prefault({}),
        systemRedis: redisComponent(managedSystemRedis).prefault({}),
        /** Replica count of every 3scale Deployment captured before the scale-down. */
        replicas,
        jobs: jobsSchema,
        /** @default targetPhase preflight */
        gitops: gitopsSchema('preflight'),
        cleanup: z
          .object({
            /** Render the destructive phase that deletes the old databases. @default false */
            enabled: z.boolean().default(false),
          })
          .strict()
          .prefault({}),
        /** Preflight checks: which version requirements apply. */
        preflight: preflight.prefault({}),
        /**
         * The move to 3scale 2.16 once every component is external: the operator Subscription (and the
         * APIcast operator's) to the 2.16 channel. Absent, or `enabled: false`, renders nothing.
         */
        upgrade: upgrade.optional(),
      })
      .strict(),
  })
  .strict();

/** The plan as written in the file (before defaults). */
export type PlanInput = z.input<typeof planSchema>;
/** The validated plan with every default filled in. */
export type Plan = z.output<typeof planSchema>;
export type PostgresqlDatabase = z.output<typeof postgresqlDatabase>;
export type MysqlDatabase = z.output<typeof mysqlDatabase>;
export type RedisComponent = z.output<ReturnType<typeof redisComponent<typeof managedBackendRedis>>> | z.output<ReturnType<typeof redisComponent<typeof managedSystemRedis>>>;
export type ManagedSqlServer = z.output<ReturnType<typeof managedSqlServer>>;
export type ManagedBackendRedis = z.output<typeof managedBackendRedis>;
export type ManagedSystemRedis = z.output<typeof managedSystemRedis>;
export type CredentialsRef = z.output<typeof sqlCredentials>;
export type RedisCredentialsRef = z.output<typeof redisCredentials>;
export type DetachedObject = z.output<typeof detachedObject>;
export type StorageSpec = z.output<typeof storage>;
export type ResourcesSpec = z.output<typeof resources>;
export type JobsSpec = z.output<typeof jobsSchema>;
export type GitopsSpec = z.output<ReturnType<typeof gitopsSchema>>;
/** The plan of the externalize-on-cluster procedure (kind MigrationPlan). */
export type MigrationPlan = Plan;
export type VersionRequirementsPolicy = z.output<typeof preflight>['versionRequirements'];
export type OperatorSubscriptionSpec = z.output<ReturnType<typeof operatorSubscription>>;
