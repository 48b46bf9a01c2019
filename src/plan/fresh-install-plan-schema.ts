import * as z from 'zod';
import { gitopsSchema, image, jobsSchema, namespaceName, objectName, PLAN_API_VERSION, quantity, resources } from './plan-schema.js';

/**
 * The plan file of a fresh self-hosted 3scale 2.16 install (kind FreshInstallPlan, procedure fresh-install):
 * the cluster facts the ROSA field report had to discover by hand (storage classes and their access modes,
 * where images come from, whether resource requests are enforced) written down before anything is applied,
 * and the databases 2.16 needs external from day one. Strict like the MigrationPlan: unknown keys are errors.
 */

export const FRESH_INSTALL_PLAN_KIND = 'FreshInstallPlan';
/** The only channel a fresh install subscribes to. */
export const FRESH_INSTALL_CHANNEL = 'threescale-2.16';

/** DNS-1123 subdomain of at most 253 characters, each label at most 63: a wildcard domain or a registry host. */
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;
/** A registry host, optionally with a port (`mirror.example.com:5000`). */
const REGISTRY = /^(?=.{1,253}(:|$))[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?$/;

const accessMode = z.enum(['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany']);

/** One storage class of the cluster, with the access modes its provisioner supports (gp3 on ROSA: ReadWriteOnce only). */
const storageClass = z
  .object({
    name: objectName,
    /** Access modes the provisioner can give; a PVC asking for another one stays Pending (the report's MULTI_NODE_MULTI_WRITER error). */
    accessModes: z.array(accessMode).min(1, { message: 'a list of at least one access mode' }),
    /** The class the plan uses where a storage block names none. @default false */
    default: z.boolean().default(false),
  })
  .strict();

/** A volume of the plan: size, class (one of spec.storageClasses) and access mode. */
const volume = (defaultSize: string, defaultMode: z.infer<typeof accessMode>) =>
  z
    .object({
      size: quantity.default(defaultSize),
      /** One of spec.storageClasses. @default the class marked default there */
      storageClassName: objectName.optional(),
      accessMode: accessMode.default(defaultMode),
    })
    .strict();

const pvcFileStorage = z
  .object({
    kind: z.literal('pvc'),
    /**
     * Access mode of `system-storage`, read by system-app and system-sidekiq. The operator always asks for
     * ReadWriteMany; with ReadWriteOnce this tool creates the claim itself before the APIManager exists.
     */
    ...volume('100Mi', 'ReadWriteMany').shape,
  })
  .strict();

const s3FileStorage = z
  .object({
    kind: z.literal('s3'),
    /** Secret in the 3scale namespace with AWS_BUCKET, AWS_REGION and the credentials (or AWS_ROLE_ARN with STS); created by you, never by this tool. */
    configurationSecretName: objectName,
    /** AWS STS short-lived credentials (ROSA with STS). */
    sts: z.object({ enabled: z.boolean().default(true), audience: z.string().min(1).max(253).optional() }).strict().optional(),
  })
  .strict();

const onClusterPostgresql = z
  .object({
    kind: z.literal('on-cluster-postgresql'),
    image: image.default('registry.redhat.io/rhel9/postgresql-15'),
    databaseName: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { message: 'a PostgreSQL database name' }).default('system'),
    storage: volume('1Gi', 'ReadWriteOnce').prefault({}),
    resources: resources.optional(),
  })
  .strict();

/** A database server run elsewhere (RDS, ElastiCache, a DBA's server): its connection Secret is created by you under the operator's name. */
const managedSystemDatabase = z.object({ kind: z.literal('managed'), engine: z.enum(['postgresql', 'mysql']) }).strict();

const onClusterRedis = z
  .object({
    kind: z.literal('on-cluster'),
    image: image.default('registry.redhat.io/rhel9/redis-7'),
    storage: volume('1Gi', 'ReadWriteOnce').prefault({}),
    resources: resources.optional(),
  })
  .strict();

const managedRedis = z.object({ kind: z.literal('managed') }).strict();

const redis = z.discriminatedUnion('kind', [onClusterRedis, managedRedis], { message: '"on-cluster" or "managed" in kind' }).prefault({ kind: 'on-cluster' });

/** Image overrides of the APIManager (`spec.<component>.image`), for a mirror that does not rewrite the operator's digests. */
const componentImages = z
  .object({
    apicast: image.optional(),
    backend: image.optional(),
    system: image.optional(),
    zync: image.optional(),
    systemMemcached: image.optional(),
    systemSearchd: image.optional(),
    zyncDatabase: image.optional(),
  })
  .strict();

export const freshInstallPlanSchema = z
  .object({
    apiVersion: z.literal(PLAN_API_VERSION, { message: `"${PLAN_API_VERSION}"` }),
    kind: z.literal(FRESH_INSTALL_PLAN_KIND, { message: `"${FRESH_INSTALL_PLAN_KIND}"` }),
    metadata: z.object({ name: namespaceName }).strict(),
    spec: z
      .object({
        /** @default fresh-install */
        procedure: z.enum(['fresh-install']).default('fresh-install'),
        threescale: z
          .object({
            namespace: namespaceName,
            apiManagerName: objectName.default('apimanager'),
            /** Root domain of the Routes zync creates (`<tenant>-admin.<wildcardDomain>`, ...). */
            wildcardDomain: z.string().regex(HOSTNAME, { message: 'a DNS domain such as apps.cluster.example.com' }),
            tenantName: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/, { message: 'a tenant name of lower-case letters, digits and "-"' }).default('3scale'),
            appLabel: z.string().max(63).default('3scale-api-management'),
            /** The APIManager's own switch: false drops every request and limit (evaluation clusters). @default true */
            resourceRequirementsEnabled: z.boolean().default(true),
            /** Replicas of system-app and system-sidekiq, the two Deployments that mount the file storage. @default 1 each */
            systemAppReplicas: z.number().int().min(1).max(100).default(1),
            systemSidekiqReplicas: z.number().int().min(1).max(100).default(1),
          })
          .strict(),
        operator: z
          .object({
            /** Namespace of the operator and its OperatorGroup. @default spec.threescale.namespace (OwnNamespace) */
            namespace: namespaceName.optional(),
            /** Render the Namespace objects of the install. @default true */
            createNamespaces: z.boolean().default(true),
            channel: z.literal(FRESH_INSTALL_CHANNEL, { message: `"${FRESH_INSTALL_CHANNEL}"` }).default(FRESH_INSTALL_CHANNEL),
            package: objectName.default('3scale-operator'),
            source: objectName.default('redhat-operators'),
            sourceNamespace: namespaceName.default('openshift-marketplace'),
            installPlanApproval: z.enum(['Automatic', 'Manual']).default('Automatic'),
            startingCSV: objectName.optional(),
          })
          .strict()
          .prefault({}),
        /** Every storage class the plan may use, with the access modes it supports. */
        storageClasses: z.array(storageClass).min(1, { message: 'a list of at least one storage class' }),
        fileStorage: z.discriminatedUnion('kind', [pvcFileStorage, s3FileStorage], { message: '"pvc" or "s3" in spec.fileStorage.kind' }),
        images: z
          .object({
            /** `vendor`: registry.redhat.io; `mirror`: every image of the plan comes from `registry`. @default vendor */
            source: z.enum(['vendor', 'mirror']).default('vendor'),
            /** Registry host the install pulls from. @default registry.redhat.io */
            registry: z.string().regex(REGISTRY, { message: 'a registry host such as mirror.example.com:5000' }).optional(),
            /** Pull secret in the 3scale namespace (APIManager spec.imagePullSecrets). @default the operator's threescale-registry-auth */
            pullSecretName: objectName.optional(),
            /** CPU architectures of the worker nodes; every checked image must exist for each. @default [amd64] */
            architectures: z.array(z.enum(['amd64', 'arm64', 'ppc64le', 's390x'])).min(1).default(['amd64']),
            components: componentImages.prefault({}),
          })
          .strict()
          .prefault({}),
        databases: z
          .object({
            /** Namespace of the on-cluster database servers. @default spec.threescale.namespace */
            namespace: namespaceName.optional(),
            system: z.discriminatedUnion('kind', [onClusterPostgresql, managedSystemDatabase], { message: '"on-cluster-postgresql" or "managed" in kind' }),
            backendRedis: redis,
            systemRedis: redis,
          })
          .strict(),
        jobs: jobsSchema,
        /** @default targetPhase preflight */
        gitops: gitopsSchema('preflight'),
      })
      .strict(),
  })
  .strict();

export type FreshInstallPlan = z.output<typeof freshInstallPlanSchema>;
export type FreshInstallPlanInput = z.input<typeof freshInstallPlanSchema>;
export type StorageClassSpec = z.output<typeof storageClass>;
export type AccessMode = z.output<typeof accessMode>;
export type FileStorageSpec = FreshInstallPlan['spec']['fileStorage'];
export type OnClusterPostgresql = z.output<typeof onClusterPostgresql>;
export type OnClusterRedis = z.output<typeof onClusterRedis>;
