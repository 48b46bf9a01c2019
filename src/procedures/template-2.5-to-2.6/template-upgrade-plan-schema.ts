import * as z from 'zod/mini';
import { once } from '../../util/once.js';
import { gitopsSchema, image, jobsSchema, labelValue, namespaceName, objectName, PLAN_API_VERSION } from '../../plan/plan-schema.js';

/**
 * The plan file of the template-era upgrade (`kind: TemplateUpgradePlan`): a 3scale 2.5 installed from the
 * `amp.yml` template on OpenShift 3.11 (DeploymentConfigs, ImageStreams, a wildcard router) upgraded to 2.6
 * (vendor guide "Migrating 3scale", 2.5 to 2.6).
 *
 * Every patch the upgrade makes is generated from what this plan records as present, so `discover` writes
 * the DeploymentConfigs' service accounts, container and environment variable names, triggers, the
 * ImageStream tags, the keys of the `system-redis` Secret and the routes. It never holds a secret value.
 * Built by {@link templateUpgradePlanSchema} on first use, so reading a plan of another kind never builds it.
 */

export const TEMPLATE_UPGRADE_PLAN_KIND = 'TemplateUpgradePlan';
export const TEMPLATE_UPGRADE_PROCEDURE = 'template-2.5-to-2.6';

/** An environment variable name as the API server accepts it (C identifier, or the relaxed form with dots and dashes). */
const envName = () => z.string().check(z.regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, { error: 'an environment variable name' }), z.maxLength(256));
/** A container name: DNS-1123 label. */
const containerName = () => z.string().check(z.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'a container name (DNS-1123 label)' }), z.maxLength(63));

/** One container as found: its name and the names of its environment variables, in their order. */
const containerRecord = () =>
  z.strictObject({
    name: containerName(),
    /** Names of the environment variables, in the order of the live list (patch pointers use their positions). */
    env: z._default(z.array(envName()), []),
  });

/** A trigger as found: `ConfigChange`, or `ImageChange` with the ImageStreamTag it follows. */
const triggerRecord = () =>
  z.strictObject({
    type: z.enum(['ConfigChange', 'ImageChange']),
    /** `ImageChange` only: the ImageStreamTag (`name:tag`). */
    from: z.optional(z.string().check(z.regex(/^[a-z0-9][-a-z0-9.]*:[\w][\w.-]*$/, { error: 'an ImageStreamTag such as amp-system:latest' }))),
  });

/** One DeploymentConfig as found. */
const deploymentConfigRecord = () =>
  z.strictObject({
    name: objectName,
    /** `spec.template.spec.serviceAccountName`; absent means the pods run as `default`. */
    serviceAccountName: z.optional(objectName),
    /** `spec.template.spec.containers`, in order. */
    containers: z.array(containerRecord()).check(z.minLength(1, { error: 'a list of at least one container' })),
    /** `spec.template.spec.initContainers`, in order. @default none */
    initContainers: z._default(z.array(containerRecord()), []),
    /** `spec.strategy.rollingParams.pre.execNewPod.env` names (system-app's pre-hook pod), when it has one. */
    preHookEnv: z.optional(z.array(envName())),
    /** `spec.triggers`, in order. @default none */
    triggers: z._default(z.array(triggerRecord()), []),
    /** Value of the `AMP_RELEASE` variable of the first container, when it has one (system-app). */
    ampRelease: z.optional(z.string().check(z.maxLength(32), z.regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, { error: 'a release such as "2.5" (letters, digits, ".", "_", "+" and "-")' }))),
  });

/** One ImageStream tag as found. */
const imageStreamTagRecord = () =>
  z.strictObject({
    name: z.string().check(z.regex(/^[\w][\w.-]{0,127}$/, { error: 'an ImageStream tag name such as 2.5 or latest' })),
    /** `from.kind`. */
    fromKind: z.enum(['DockerImage', 'ImageStreamTag', 'ImageStreamImage']),
    /** `from.name`: an image reference, or another tag of the same stream. */
    fromName: z.string().check(z.minLength(1), z.maxLength(512)),
  });

const imageStreamRecord = () =>
  z.strictObject({
    name: objectName,
    /** `spec.tags`, in order. */
    tags: z._default(z.array(imageStreamTagRecord()), []),
  });

/** A Route as found: name and host (the seed deletes the 2.5 default routes and the wildcard route). */
const routeRecord = () =>
  z.strictObject({
    name: objectName,
    host: z.optional(z.string().check(z.maxLength(253))),
    /** `spec.wildcardPolicy` (`Subdomain` on the wildcard route of a WILDCARD_POLICY=Subdomain install). */
    wildcardPolicy: z.optional(z.enum(['None', 'Subdomain'])),
    /** Whether the route carries its own TLS certificate (the seed says to copy it before deleting). */
    customCertificate: z._default(z.boolean(), false),
  });

/** The images of 2.6 (vendor template 2.6 parameters); each is the `from` of a new ImageStream tag. */
const images = () =>
  z.prefault(
    z.strictObject({
      system: z._default(image, 'registry.redhat.io/3scale-amp26/system'),
      apicast: z._default(image, 'registry.redhat.io/3scale-amp26/apicast-gateway'),
      backend: z._default(image, 'registry.redhat.io/3scale-amp26/backend'),
      zync: z._default(image, 'registry.redhat.io/3scale-amp26/zync'),
      backendRedis: z._default(image, 'registry.redhat.io/rhscl/redis-32-rhel7:3.2'),
      systemRedis: z._default(image, 'registry.redhat.io/rhscl/redis-32-rhel7:3.2'),
      memcached: z._default(image, 'registry.redhat.io/3scale-amp20/memcached'),
      mysql: z._default(image, 'registry.redhat.io/rhscl/mysql-57-rhel7:5.7'),
      postgresql: z._default(image, 'registry.redhat.io/rhscl/postgresql-10-rhel7'),
    }),
    {},
  );

/** One 3scale service whose deployment option is set through the Account Management API (seed 2.9 step 1). */
const serviceDeploymentOption = () =>
  z.strictObject({
    /** Admin portal URL of the tenant owning the service, e.g. https://acme-admin.apps.example.com. */
    tenantUrl: z.string().check(
      z.regex(/^https:\/\/[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?(:\d{1,5})?$/, {
        error: 'an https tenant admin URL such as https://acme-admin.apps.example.com (scheme, host and port only; no http:// and no user@, the access token goes with the request)',
      }),
    ),
    /** Service id. */
    serviceId: z.number().check(z.int(), z.minimum(1)),
    /** `self_managed` for gateways outside OpenShift or on a custom route, `hosted` otherwise. */
    deploymentOption: z.enum(['hosted', 'self_managed']),
  });

const secretKeyRef = () =>
  z.strictObject({
    name: objectName,
    key: z.string().check(z.regex(/^[-._a-zA-Z0-9]+$/, { error: 'a Secret key' }), z.maxLength(253)),
  });

const routes = () =>
  z.prefault(
    z.strictObject({
      /** Routes found in the namespace (the default 2.5 routes and any the user made). */
      found: z._default(z.array(routeRecord()), []),
      /**
       * Routes to delete before Zync recreates them. @default the five 2.5 default routes, plus
       * `apicast-wildcard-router` when its wildcard policy is Subdomain, among those found
       */
      delete: z.optional(z.array(objectName)),
      /** Services whose deployment option must change before the resync. @default none */
      serviceDeploymentOptions: z._default(z.array(serviceDeploymentOption()), []),
      /** Secret holding an access token of the Account Management API (read by the Job only, never rendered). */
      accessTokenSecret: z.optional(secretKeyRef()),
    }),
    {},
  );

function buildTemplateUpgradePlanSchema() {
  return z.strictObject({
    apiVersion: z.literal(PLAN_API_VERSION, { error: `"${PLAN_API_VERSION}"` }),
    kind: z.literal(TEMPLATE_UPGRADE_PLAN_KIND, { error: `"${TEMPLATE_UPGRADE_PLAN_KIND}"` }),
    metadata: z.strictObject({ name: namespaceName }),
    spec: z.strictObject({
      procedure: z._default(z.literal(TEMPLATE_UPGRADE_PROCEDURE, { error: `"${TEMPLATE_UPGRADE_PROCEDURE}"` }), TEMPLATE_UPGRADE_PROCEDURE),
      threescale: z.strictObject({
        namespace: namespaceName,
        /** The `app` label of the pods (template parameter APP_LABEL), taken from backend-listener. */
        appLabel: labelValue,
        /** `THREESCALE_SUPERDOMAIN` of ConfigMap system-environment (template parameter WILDCARD_DOMAIN). */
        wildcardDomain: z.string().check(z.minLength(1), z.maxLength(253), z.regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'a DNS domain such as apps.example.com' })),
        /** `importPolicy.insecure` of the amp-system ImageStream's first tag (template parameter IMAGESTREAM_TAG_IMPORT_INSECURE). */
        importInsecure: z._default(z.boolean(), false),
        /** The release found (`AMP_RELEASE` of system-app). */
        release: z.optional(z.string().check(z.maxLength(32))),
      }),
      /** The registry.redhat.io pull Secret, created by the user from a Registry Service Account (never by this tool). */
      registry: z.prefault(
        z.strictObject({
          pullSecretName: z._default(objectName, 'threescale-registry-auth'),
          /**
           * Service discovery used the `default` account with the cluster role `view`: grant it to `amp` too
           * (seed 2.2 step 9). @default false
           */
          grantView: z._default(z.boolean(), false),
        }),
        {},
      ),
      deploymentConfigs: z.array(deploymentConfigRecord()).check(z.minLength(1, { error: 'a list of the DeploymentConfigs found' })),
      imageStreams: z._default(z.array(imageStreamRecord()), []),
      /** Keys of Secret system-redis (names only). */
      systemRedisSecretKeys: z._default(z.array(z.string().check(z.regex(/^[-._a-zA-Z0-9]+$/, { error: 'a Secret key' }))), []),
      /** Whether Service apicast-wildcard-router exists. @default false */
      wildcardRouterService: z._default(z.boolean(), false),
      routes: routes(),
      images: images(),
      /** The release the upgrade sets in `AMP_RELEASE` and the ImageStream tags. @default 2.6 */
      targetRelease: z._default(z.literal('2.6'), '2.6'),
      jobs: jobsSchema,
      /** @default targetPhase backup (the first phase of this procedure) */
      gitops: gitopsSchema('backup'),
    }),
  });
}

/** The TemplateUpgradePlan schema, built on first use (see the module comment). */
export const templateUpgradePlanSchema = once(buildTemplateUpgradePlanSchema);

export type TemplateUpgradePlanInput = z.input<ReturnType<typeof templateUpgradePlanSchema>>;
/** The validated TemplateUpgradePlan with every default filled in. */
export type TemplateUpgradePlan = z.output<ReturnType<typeof templateUpgradePlanSchema>>;
export type DeploymentConfigRecord = z.output<ReturnType<typeof deploymentConfigRecord>>;
export type ContainerRecord = z.output<ReturnType<typeof containerRecord>>;
export type ImageStreamRecord = z.output<ReturnType<typeof imageStreamRecord>>;
