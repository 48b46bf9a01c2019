import * as z from 'zod/mini';
import { once } from '../../util/once.js';
import { gitopsSchema, image, jobsSchema, labelValue, namespaceName, objectName, PLAN_API_VERSION, resources, storageSize } from '../../plan/plan-schema.js';

/**
 * The plan file of a fresh self-hosted 3scale 2.16 install (kind FreshInstallPlan, procedure fresh-install):
 * the cluster facts the ROSA field report had to discover by hand (storage classes and their access modes,
 * where images come from, whether resource requests are enforced) written down before anything is applied,
 * and the databases 2.16 needs external from day one. Strict like the MigrationPlan: unknown keys are errors.
 * Built by {@link freshInstallPlanSchema} on first use, so reading a plan of another kind never builds it.
 */

export const FRESH_INSTALL_PLAN_KIND = 'FreshInstallPlan';
/** The only channel a fresh install subscribes to. */
export const FRESH_INSTALL_CHANNEL = 'threescale-2.16';

/** DNS-1123 subdomain of at most 253 characters, each label at most 63: a wildcard domain or a registry host. */
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;
/** A registry host, optionally with a port (`mirror.example.com:5000`). */
const REGISTRY = /^(?=.{1,253}(:|$))[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?$/;

const accessMode = () => z.enum(['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany']);

/** One storage class of the cluster, with the access modes its provisioner supports (gp3 on ROSA: ReadWriteOnce only). */
const storageClass = () =>
  z.strictObject({
    name: objectName,
    /** Access modes the provisioner can give; a PVC asking for another one stays Pending (the report's MULTI_NODE_MULTI_WRITER error). */
    accessModes: z.array(accessMode()).check(z.minLength(1, { error: 'a list of at least one access mode' })),
    /** The class the plan uses where a storage block names none. @default false */
    default: z._default(z.boolean(), false),
  });

/** A volume of the plan: size, class (one of spec.storageClasses) and access mode. */
const volume = (defaultSize: string, defaultMode: z.infer<ReturnType<typeof accessMode>>) =>
  z.strictObject({
    size: z._default(storageSize, defaultSize),
    /** One of spec.storageClasses. @default the class marked default there */
    storageClassName: z.optional(objectName),
    accessMode: z._default(accessMode(), defaultMode),
  });

const pvcFileStorage = () =>
  z.strictObject({
    kind: z.literal('pvc'),
    /**
     * Access mode of `system-storage`, read by system-app and system-sidekiq. The operator always asks for
     * ReadWriteMany; with ReadWriteOnce this tool creates the claim itself before the APIManager exists.
     */
    ...volume('100Mi', 'ReadWriteMany').shape,
  });

const s3FileStorage = () =>
  z.strictObject({
    kind: z.literal('s3'),
    /** Secret in the 3scale namespace with AWS_BUCKET, AWS_REGION and the credentials (or AWS_ROLE_ARN with STS); created by you, never by this tool. */
    configurationSecretName: objectName,
    /** AWS STS short-lived credentials (ROSA with STS). */
    sts: z.optional(z.strictObject({ enabled: z._default(z.boolean(), true), audience: z.optional(z.string().check(z.minLength(1), z.maxLength(253))) })),
  });

const onClusterPostgresql = () =>
  z.strictObject({
    kind: z.literal('on-cluster-postgresql'),
    image: z._default(image, 'registry.redhat.io/rhel9/postgresql-15'),
    databaseName: z._default(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { error: 'a PostgreSQL database name' })), 'system'),
    storage: z.prefault(volume('1Gi', 'ReadWriteOnce'), {}),
    resources: z.optional(resources),
  });

/** A database server run elsewhere (RDS, ElastiCache, a DBA's server): its connection Secret is created by you under the operator's name. */
const managedSystemDatabase = () => z.strictObject({ kind: z.literal('managed'), engine: z.enum(['postgresql', 'mysql']) });

const onClusterRedis = () =>
  z.strictObject({
    kind: z.literal('on-cluster'),
    image: z._default(image, 'registry.redhat.io/rhel9/redis-7'),
    storage: z.prefault(volume('1Gi', 'ReadWriteOnce'), {}),
    resources: z.optional(resources),
  });

const managedRedis = () => z.strictObject({ kind: z.literal('managed') });

const redis = () => z.prefault(z.discriminatedUnion('kind', [onClusterRedis(), managedRedis()], { error: '"on-cluster" or "managed" in kind' }), { kind: 'on-cluster' });

/** Image overrides of the APIManager (`spec.<component>.image`), for a mirror that does not rewrite the operator's digests. */
const componentImages = () =>
  z.strictObject({
    apicast: z.optional(image),
    backend: z.optional(image),
    system: z.optional(image),
    zync: z.optional(image),
    systemMemcached: z.optional(image),
    systemSearchd: z.optional(image),
    zyncDatabase: z.optional(image),
  });

function buildFreshInstallPlanSchema() {
  return z.strictObject({
    apiVersion: z.literal(PLAN_API_VERSION, { error: `"${PLAN_API_VERSION}"` }),
    kind: z.literal(FRESH_INSTALL_PLAN_KIND, { error: `"${FRESH_INSTALL_PLAN_KIND}"` }),
    metadata: z.strictObject({ name: namespaceName }),
    spec: z.strictObject({
      /** @default fresh-install */
      procedure: z._default(z.enum(['fresh-install']), 'fresh-install'),
      threescale: z.strictObject({
        namespace: namespaceName,
        apiManagerName: z._default(objectName, 'apimanager'),
        /** Root domain of the Routes zync creates (`<tenant>-admin.<wildcardDomain>`, ...). */
        wildcardDomain: z.string().check(z.regex(HOSTNAME, { error: 'a DNS domain such as apps.cluster.example.com' })),
        tenantName: z._default(z.string().check(z.regex(/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/, { error: 'a tenant name of lower-case letters, digits and "-"' })), '3scale'),
        appLabel: z._default(labelValue, '3scale-api-management'),
        /** The APIManager's own switch: false drops every request and limit (evaluation clusters). @default true */
        resourceRequirementsEnabled: z._default(z.boolean(), true),
        /** Replicas of system-app and system-sidekiq, the two Deployments that mount the file storage. @default 1 each */
        systemAppReplicas: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(100)), 1),
        systemSidekiqReplicas: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(100)), 1),
      }),
      operator: z.prefault(
        z.strictObject({
          /** Namespace of the operator and its OperatorGroup. @default spec.threescale.namespace (OwnNamespace) */
          namespace: z.optional(namespaceName),
          /** Render the Namespace objects of the install. @default true */
          createNamespaces: z._default(z.boolean(), true),
          channel: z._default(z.literal(FRESH_INSTALL_CHANNEL, { error: `"${FRESH_INSTALL_CHANNEL}"` }), FRESH_INSTALL_CHANNEL),
          package: z._default(objectName, '3scale-operator'),
          source: z._default(objectName, 'redhat-operators'),
          sourceNamespace: z._default(namespaceName, 'openshift-marketplace'),
          installPlanApproval: z._default(z.enum(['Automatic', 'Manual']), 'Automatic'),
          startingCSV: z.optional(objectName),
        }),
        {},
      ),
      /** Every storage class the plan may use, with the access modes it supports. */
      storageClasses: z.array(storageClass()).check(z.minLength(1, { error: 'a list of at least one storage class' })),
      fileStorage: z.discriminatedUnion('kind', [pvcFileStorage(), s3FileStorage()], { error: '"pvc" or "s3" in spec.fileStorage.kind' }),
      images: z.prefault(
        z.strictObject({
          /** `vendor`: registry.redhat.io; `mirror`: every image of the plan comes from `registry`. @default vendor */
          source: z._default(z.enum(['vendor', 'mirror']), 'vendor'),
          /** Registry host the install pulls from. @default registry.redhat.io */
          registry: z.optional(z.string().check(z.regex(REGISTRY, { error: 'a registry host such as mirror.example.com:5000' }))),
          /** Pull secret in the 3scale namespace (APIManager spec.imagePullSecrets). @default the operator's threescale-registry-auth */
          pullSecretName: z.optional(objectName),
          /** CPU architectures of the worker nodes; every checked image must exist for each. @default [amd64] */
          architectures: z._default(z.array(z.enum(['amd64', 'arm64', 'ppc64le', 's390x'])).check(z.minLength(1)), ['amd64']),
          components: z.prefault(componentImages(), {}),
        }),
        {},
      ),
      databases: z.strictObject({
        /** Namespace of the on-cluster database servers. @default spec.threescale.namespace */
        namespace: z.optional(namespaceName),
        system: z.discriminatedUnion('kind', [onClusterPostgresql(), managedSystemDatabase()], { error: '"on-cluster-postgresql" or "managed" in kind' }),
        backendRedis: redis(),
        systemRedis: redis(),
      }),
      jobs: jobsSchema,
      /** @default targetPhase preflight */
      gitops: gitopsSchema('preflight'),
    }),
  });
}

/** The FreshInstallPlan schema, built on first use (see the module comment). */
export const freshInstallPlanSchema = once(buildFreshInstallPlanSchema);

export type FreshInstallPlan = z.output<ReturnType<typeof freshInstallPlanSchema>>;
export type StorageClassSpec = z.output<ReturnType<typeof storageClass>>;
export type AccessMode = z.output<ReturnType<typeof accessMode>>;
export type OnClusterPostgresql = z.output<ReturnType<typeof onClusterPostgresql>>;
export type OnClusterRedis = z.output<ReturnType<typeof onClusterRedis>>;
