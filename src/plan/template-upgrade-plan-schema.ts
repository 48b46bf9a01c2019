import * as z from 'zod';
import { gitopsSchema, image, jobsSchema, namespaceName, objectName, PLAN_API_VERSION } from './plan-schema.js';

/**
 * The plan file of the template-era upgrade (`kind: TemplateUpgradePlan`): a 3scale 2.5 installed from the
 * `amp.yml` template on OpenShift 3.11 (DeploymentConfigs, ImageStreams, a wildcard router) upgraded to 2.6
 * (vendor guide "Migrating 3scale", 2.5 to 2.6).
 *
 * Every patch the upgrade makes is generated from what this plan records as present, so `discover` writes
 * the DeploymentConfigs' service accounts, container and environment variable names, triggers, the
 * ImageStream tags, the keys of the `system-redis` Secret and the routes. It never holds a secret value.
 */

export const TEMPLATE_UPGRADE_PLAN_KIND = 'TemplateUpgradePlan';
export const TEMPLATE_UPGRADE_PROCEDURE = 'template-2.5-to-2.6';

/** An environment variable name as the API server accepts it (C identifier, or the relaxed form with dots and dashes). */
const envName = z.string().regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, { message: 'an environment variable name' }).max(256);
/** A container name: DNS-1123 label. */
const containerName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'a container name (DNS-1123 label)' }).max(63);

/** One container as found: its name and the names of its environment variables, in their order. */
const containerRecord = z
  .object({
    name: containerName,
    /** Names of the environment variables, in the order of the live list (patch pointers use their positions). */
    env: z.array(envName).default([]),
  })
  .strict();

/** A trigger as found: `ConfigChange`, or `ImageChange` with the ImageStreamTag it follows. */
const triggerRecord = z
  .object({
    type: z.enum(['ConfigChange', 'ImageChange']),
    /** `ImageChange` only: the ImageStreamTag (`name:tag`). */
    from: z.string().regex(/^[a-z0-9][-a-z0-9.]*:[\w][\w.-]*$/, { message: 'an ImageStreamTag such as amp-system:latest' }).optional(),
  })
  .strict();

/** One DeploymentConfig as found. */
const deploymentConfigRecord = z
  .object({
    name: objectName,
    /** `spec.template.spec.serviceAccountName`; absent means the pods run as `default`. */
    serviceAccountName: objectName.optional(),
    /** `spec.template.spec.containers`, in order. */
    containers: z.array(containerRecord).min(1, { message: 'a list of at least one container' }),
    /** `spec.template.spec.initContainers`, in order. @default none */
    initContainers: z.array(containerRecord).default([]),
    /** `spec.strategy.rollingParams.pre.execNewPod.env` names (system-app's pre-hook pod), when it has one. */
    preHookEnv: z.array(envName).optional(),
    /** `spec.triggers`, in order. @default none */
    triggers: z.array(triggerRecord).default([]),
    /** Value of the `AMP_RELEASE` variable of the first container, when it has one (system-app). */
    ampRelease: z.string().max(32).optional(),
  })
  .strict();

/** One ImageStream tag as found. */
const imageStreamTagRecord = z
  .object({
    name: z.string().regex(/^[\w][\w.-]{0,127}$/, { message: 'an ImageStream tag name such as 2.5 or latest' }),
    /** `from.kind`. */
    fromKind: z.enum(['DockerImage', 'ImageStreamTag', 'ImageStreamImage']),
    /** `from.name`: an image reference, or another tag of the same stream. */
    fromName: z.string().min(1).max(512),
  })
  .strict();

const imageStreamRecord = z
  .object({
    name: objectName,
    /** `spec.tags`, in order. */
    tags: z.array(imageStreamTagRecord).default([]),
  })
  .strict();

/** A Route as found: name and host (the seed deletes the 2.5 default routes and the wildcard route). */
const routeRecord = z
  .object({
    name: objectName,
    host: z.string().max(253).optional(),
    /** `spec.wildcardPolicy` (`Subdomain` on the wildcard route of a WILDCARD_POLICY=Subdomain install). */
    wildcardPolicy: z.enum(['None', 'Subdomain']).optional(),
    /** Whether the route carries its own TLS certificate (the seed says to copy it before deleting). */
    customCertificate: z.boolean().default(false),
  })
  .strict();

/** The images of 2.6 (vendor template 2.6 parameters); each is the `from` of a new ImageStream tag. */
const images = z
  .object({
    system: image.default('registry.redhat.io/3scale-amp26/system'),
    apicast: image.default('registry.redhat.io/3scale-amp26/apicast-gateway'),
    backend: image.default('registry.redhat.io/3scale-amp26/backend'),
    zync: image.default('registry.redhat.io/3scale-amp26/zync'),
    backendRedis: image.default('registry.redhat.io/rhscl/redis-32-rhel7:3.2'),
    systemRedis: image.default('registry.redhat.io/rhscl/redis-32-rhel7:3.2'),
    memcached: image.default('registry.redhat.io/3scale-amp20/memcached'),
    mysql: image.default('registry.redhat.io/rhscl/mysql-57-rhel7:5.7'),
    postgresql: image.default('registry.redhat.io/rhscl/postgresql-10-rhel7'),
  })
  .strict()
  .prefault({});

/** One 3scale service whose deployment option is set through the Account Management API (seed 2.9 step 1). */
const serviceDeploymentOption = z
  .object({
    /** Admin portal URL of the tenant owning the service, e.g. https://acme-admin.apps.example.com. */
    tenantUrl: z.string().regex(/^https?:\/\/[^\s/?#]+$/, { message: 'a tenant admin URL such as https://acme-admin.apps.example.com (scheme and host only)' }),
    /** Service id. */
    serviceId: z.number().int().min(1),
    /** `self_managed` for gateways outside OpenShift or on a custom route, `hosted` otherwise. */
    deploymentOption: z.enum(['hosted', 'self_managed']),
  })
  .strict();

const secretKeyRef = z
  .object({
    name: objectName,
    key: z.string().regex(/^[-._a-zA-Z0-9]+$/, { message: 'a Secret key' }).max(253),
  })
  .strict();

const routes = z
  .object({
    /** Routes found in the namespace (the default 2.5 routes and any the user made). */
    found: z.array(routeRecord).default([]),
    /**
     * Routes to delete before Zync recreates them. @default the five 2.5 default routes, plus
     * `apicast-wildcard-router` when its wildcard policy is Subdomain, among those found
     */
    delete: z.array(objectName).optional(),
    /** Services whose deployment option must change before the resync. @default none */
    serviceDeploymentOptions: z.array(serviceDeploymentOption).default([]),
    /** Secret holding an access token of the Account Management API (read by the Job only, never rendered). */
    accessTokenSecret: secretKeyRef.optional(),
  })
  .strict()
  .prefault({});

export const templateUpgradePlanSchema = z
  .object({
    apiVersion: z.literal(PLAN_API_VERSION, { message: `"${PLAN_API_VERSION}"` }),
    kind: z.literal(TEMPLATE_UPGRADE_PLAN_KIND, { message: `"${TEMPLATE_UPGRADE_PLAN_KIND}"` }),
    metadata: z.object({ name: namespaceName }).strict(),
    spec: z
      .object({
        procedure: z.literal(TEMPLATE_UPGRADE_PROCEDURE, { message: `"${TEMPLATE_UPGRADE_PROCEDURE}"` }).default(TEMPLATE_UPGRADE_PROCEDURE),
        threescale: z
          .object({
            namespace: namespaceName,
            /** The `app` label of the pods (template parameter APP_LABEL), taken from backend-listener. */
            appLabel: z.string().max(63).regex(/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/, { message: 'a label value' }),
            /** `THREESCALE_SUPERDOMAIN` of ConfigMap system-environment (template parameter WILDCARD_DOMAIN). */
            wildcardDomain: z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { message: 'a DNS domain such as apps.example.com' }),
            /** `importPolicy.insecure` of the amp-system ImageStream's first tag (template parameter IMAGESTREAM_TAG_IMPORT_INSECURE). */
            importInsecure: z.boolean().default(false),
            /** The release found (`AMP_RELEASE` of system-app). */
            release: z.string().max(32).optional(),
          })
          .strict(),
        /** The registry.redhat.io pull Secret, created by the user from a Registry Service Account (never by this tool). */
        registry: z
          .object({
            pullSecretName: objectName.default('threescale-registry-auth'),
            /**
             * Service discovery used the `default` account with the cluster role `view`: grant it to `amp` too
             * (seed 2.2 step 9). @default false
             */
            grantView: z.boolean().default(false),
          })
          .strict()
          .prefault({}),
        deploymentConfigs: z.array(deploymentConfigRecord).min(1, { message: 'a list of the DeploymentConfigs found' }),
        imageStreams: z.array(imageStreamRecord).default([]),
        /** Keys of Secret system-redis (names only). */
        systemRedisSecretKeys: z.array(z.string().regex(/^[-._a-zA-Z0-9]+$/, { message: 'a Secret key' })).default([]),
        /** Whether Service apicast-wildcard-router exists. @default false */
        wildcardRouterService: z.boolean().default(false),
        routes,
        images,
        /** The release the upgrade sets in `AMP_RELEASE` and the ImageStream tags. @default 2.6 */
        targetRelease: z.literal('2.6').default('2.6'),
        jobs: jobsSchema,
        /** @default targetPhase backup (the first phase of this procedure) */
        gitops: gitopsSchema('backup'),
      })
      .strict(),
  })
  .strict();

export type TemplateUpgradePlanInput = z.input<typeof templateUpgradePlanSchema>;
/** The validated TemplateUpgradePlan with every default filled in. */
export type TemplateUpgradePlan = z.output<typeof templateUpgradePlanSchema>;
export type DeploymentConfigRecord = z.output<typeof deploymentConfigRecord>;
export type ContainerRecord = z.output<typeof containerRecord>;
export type ImageStreamRecord = z.output<typeof imageStreamRecord>;
export type RouteRecord = z.output<typeof routeRecord>;
