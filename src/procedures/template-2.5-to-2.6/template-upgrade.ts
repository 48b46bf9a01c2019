import { DATABASE_IMAGE_STREAMS, PRODUCT_IMAGE_STREAMS, SYSTEM_REDIS_SECRET_KEYS } from './template-upgrade-patches.js';
import {
  AMP_SERVICE_ACCOUNT,
  BACKUP_PREFIX,
  backupObjects,
  deletedBy,
  hasOldPostgresqlStream,
  phasePatchSteps,
  restoredBy,
  routesToDelete,
  wildcardRouterObjects,
} from './template-upgrade-facts.js';
import type { TemplateUpgradePlan } from './template-upgrade-plan-schema.js';
import { TEMPLATE_UPGRADE_PLAN_KIND, TEMPLATE_UPGRADE_PROCEDURE } from './template-upgrade-plan-schema.js';
import { validateTemplateUpgradePlan } from './template-upgrade-plan.js';
import type { PhaseDefinition, Procedure, RollbackDefinition, WindowWording } from '../../phases/phase.js';

/**
 * The template-era upgrade of 3scale 2.5 to 2.6 on OpenShift 3.11 (vendor guide "Migrating 3scale", 2.5 to
 * 2.6, chapter 2, sections 2.1 to 2.9). Every change to an object the template created is a guarded JSON
 * patch built from what discovery found, applied by a Job; every phase that changes something is undone
 * from the in-cluster backup the first phase takes.
 */

type Phase = PhaseDefinition<TemplateUpgradePlan>;

const ns = (plan: TemplateUpgradePlan) => plan.spec.threescale.namespace;
const lines = (l: readonly { resource: string; name: string }[]) => l.map((o) => `${o.resource.split('.')[0]}/${o.name}`).join(', ');
/** A rollback that puts the objects its phase changed back from the backup. */
const restoreOf = (phaseId: string, what: string): RollbackDefinition<TemplateUpgradePlan> => ({
  title: `put ${what} back from the in-cluster backup`,
  chart: () => import('../../../charts/template-upgrade/restore-chart.js'),
  describe: (plan) => [
    `Job restore-${phaseId} replaces (or recreates) ${lines(restoredBy(plan, phaseId))} from their ${BACKUP_PREFIX}-* copies, which also undoes what earlier phases changed on them: roll back from the latest phase down`,
  ],
});
const patchCount = (plan: TemplateUpgradePlan, id: string) => phasePatchSteps(plan, id).length;

const backup: Phase = {
  id: 'backup',
  title: 'Back up the objects the upgrade changes, inside the cluster',
  window: 'before-window',
  destructive: false,
  applies: () => true,
  describe: (plan) => [
    `Job backup-objects copies ${backupObjects(plan).length} objects (${lines(backupObjects(plan))}) into ConfigMaps ${BACKUP_PREFIX}-<resource>-<name> (Secrets into Secrets of that name), never onto a workstation; an existing backup is never overwritten`,
  ],
  expects: (plan) => [`3scale 2.5 installed from the amp.yml template in namespace ${ns(plan)} (DeploymentConfigs, ImageStreams)`, 'a database backup taken the way your databases are backed up (the vendor guide requires it; this tool does not dump databases)'],
  chart: () => import('../../../charts/template-upgrade/backup-chart.js'),
};

const registryAuth: Phase = {
  id: 'registry-auth',
  title: `Run every DeploymentConfig as ServiceAccount ${AMP_SERVICE_ACCOUNT}, which pulls from registry.redhat.io`,
  window: 'opens-window',
  destructive: false,
  applies: () => true,
  describe: (plan) => {
    const out = [`ServiceAccount ${AMP_SERVICE_ACCOUNT} with imagePullSecrets ${plan.spec.registry.pullSecretName} (the Secret itself is yours to create, by reference only)`];
    if (plan.spec.registry.grantView) out.push(`ClusterRoleBinding: cluster role view for ${ns(plan)}:${AMP_SERVICE_ACCOUNT}, as service discovery had for ${ns(plan)}:default`);
    out.push(`Job move-to-amp-service-account: serviceAccountName ${AMP_SERVICE_ACCOUNT} on ${patchCount(plan, 'registry-auth')} DeploymentConfigs (each rolls out again)`);
    return out;
  },
  expects: (plan) => [`Secret ${ns(plan)}/${plan.spec.registry.pullSecretName} of type kubernetes.io/dockerconfigjson exists (from a Red Hat Registry Service Account)`, 'the backup Job recorded its evidence'],
  chart: () => import('../../../charts/template-upgrade/registry-auth-chart.js'),
  patches: (plan) => phasePatchSteps(plan, 'registry-auth'),
  rollback: restoreOf('registry-auth', 'the DeploymentConfigs'),
};

const newObjects: Phase = {
  id: 'new-objects',
  title: 'Create the objects new in 2.6: database ImageStreams and zync-que',
  window: 'in-window',
  destructive: false,
  applies: () => true,
  describe: () => [
    `ImageStreams ${DATABASE_IMAGE_STREAMS.map((d) => d.imageStream).join(', ')}`,
    'DeploymentConfig zync-que, ServiceAccount zync-que-sa, Role zync-que-role, RoleBinding zync-que-rolebinding (zync-que crashes until the images phase, as the vendor guide says)',
  ],
  expects: () => ['every DeploymentConfig is ready on ServiceAccount amp'],
  chart: () => import('../../../charts/template-upgrade/new-objects-chart.js'),
  rollback: {
    title: 'delete the objects new in 2.6',
    describe: () => ['Job remove-2-6-objects deletes the ImageStreams and zync-que objects this phase created'],
    chart: () => import('../../../charts/template-upgrade/new-objects-rollback-chart.js'),
  },
};

const redisSecret: Phase = {
  id: 'redis-secret',
  title: 'Add the Redis Enterprise and Sentinel keys to Secret system-redis where absent',
  window: 'in-window',
  destructive: false,
  applies: (plan) => patchCount(plan, 'redis-secret') > 0,
  describe: (plan) => {
    const present = new Set(plan.spec.systemRedisSecretKeys);
    return [`Job add-system-redis-keys adds, empty: ${SYSTEM_REDIS_SECRET_KEYS.filter((k) => !present.has(k)).join(', ')} (present keys keep their values)`];
  },
  expects: () => ['the new objects exist'],
  chart: () => import('../../../charts/template-upgrade/patch-phase-chart.js'),
  patches: (plan) => phasePatchSteps(plan, 'redis-secret'),
  rollback: restoreOf('redis-secret', 'Secret system-redis'),
};

const redisEnv: Phase = {
  id: 'redis-env',
  title: 'Add the Redis variables of 2.6 to system-app, system-sidekiq, system-sphinx, backend-worker and backend-cron',
  window: 'in-window',
  destructive: false,
  applies: (plan) => patchCount(plan, 'redis-env') > 0,
  describe: (plan) => [
    `Job add-redis-variables: ${phasePatchSteps(plan, 'redis-env').map((s) => `${s.name} ${s.file.replace(/^\d+-deploymentconfig-[^-]+(-[^-]+)*?-env-/, '').replace(/\.json$/, '')}`).join(', ')}; only the variables absent there are appended, each position tested`,
  ],
  expects: () => ['Secret system-redis has the keys the variables read', 'Secret backend-redis has the REDIS_*_SENTINEL_* keys of 2.5'],
  chart: () => import('../../../charts/template-upgrade/patch-phase-chart.js'),
  patches: (plan) => phasePatchSteps(plan, 'redis-env'),
  rollback: restoreOf('redis-env', 'the DeploymentConfigs'),
};

const databaseImageStreams: Phase = {
  id: 'database-imagestreams',
  title: 'Move the database DeploymentConfigs to ImageChange triggers on their ImageStreams',
  window: 'in-window',
  destructive: false,
  applies: (plan) => patchCount(plan, 'database-imagestreams') > 0 || hasOldPostgresqlStream(plan),
  describe: (plan) => {
    const out = [`Job trigger-database-imagestreams: ${phasePatchSteps(plan, 'database-imagestreams').map((s) => `${s.name} follows ${DATABASE_IMAGE_STREAMS.find((d) => d.deploymentConfig === s.name)?.imageStream}:latest`).join(', ')}`];
    if (hasOldPostgresqlStream(plan)) out.push('Job delete-postgresql-imagestream deletes ImageStream postgresql, no longer used (kept in the backup)');
    return out;
  },
  expects: () => ['the database ImageStreams of new-objects have imported their images'],
  chart: () => import('../../../charts/template-upgrade/database-imagestreams-chart.js'),
  patches: (plan) => phasePatchSteps(plan, 'database-imagestreams'),
  deletes: (plan) => deletedBy(plan, 'database-imagestreams'),
  rollback: restoreOf('database-imagestreams', 'the database DeploymentConfigs and ImageStream postgresql'),
};

const images: Phase = {
  id: 'images',
  title: 'Point the product ImageStreams at the 2.6 images and set AMP_RELEASE',
  window: 'in-window',
  destructive: false,
  applies: (plan) => patchCount(plan, 'images') > 0,
  describe: (plan) => [
    `Job upgrade-images: tag ${plan.spec.targetRelease} on ${PRODUCT_IMAGE_STREAMS.map((p) => p.name).join(', ')} with latest moved to it (the ImageChange triggers roll every component out), AMP_RELEASE ${plan.spec.targetRelease} on system-app`,
  ],
  expects: () => ['the database DeploymentConfigs are ready on their ImageStreams'],
  chart: () => import('../../../charts/template-upgrade/patch-phase-chart.js'),
  patches: (plan) => phasePatchSteps(plan, 'images'),
  rollback: restoreOf('images', 'the ImageStreams and system-app'),
};

const routes: Phase = {
  id: 'routes',
  title: 'Hand the routes over to Zync: deployment options, route deletions, resync',
  window: 'closes-window',
  destructive: false,
  applies: () => true,
  describe: (plan) => {
    const out: string[] = [];
    const options = plan.spec.routes.serviceDeploymentOptions;
    if (options.length) out.push(`Job set-deployment-options: ${options.map((o) => `service ${o.serviceId} of ${o.tenantUrl} to ${o.deploymentOption}`).join(', ')} through the Account Management API (token from Secret ${plan.spec.routes.accessTokenSecret!.name})`);
    const del = routesToDelete(plan);
    if (del.length) out.push(`Job delete-2-5-routes deletes Routes ${del.join(', ')}`);
    out.push('Job zync-resync runs `bundle exec rake zync:resync:domains` in a running system-sidekiq pod, so Zync creates the routes of every tenant and service');
    return out;
  },
  expects: (plan) => {
    const out = ['zync and zync-que run the 2.6 image and are ready'];
    const tls = plan.spec.routes.found.filter((r) => r.customCertificate);
    if (tls.length) out.push(`copy the certificates of Routes ${tls.map((r) => r.name).join(', ')} first: Zync creates its routes without them`);
    return out;
  },
  chart: () => import('../../../charts/template-upgrade/routes-chart.js'),
  deletes: (plan) => deletedBy(plan, 'routes'),
  rollback: restoreOf('routes', 'the deleted routes'),
};

const removeWildcardRouter: Phase = {
  id: 'remove-wildcard-router',
  title: 'Remove the wildcard router of 2.5',
  window: 'after-window',
  destructive: false,
  applies: (plan) => wildcardRouterObjects(plan).length > 0,
  describe: (plan) => [`Job remove-wildcard-router deletes ${lines(wildcardRouterObjects(plan))} (kept in the backup)`],
  expects: () => ['the routes Zync created resolve for existing and new tenants and services (checked by people)'],
  chart: () => import('../../../charts/template-upgrade/remove-wildcard-router-chart.js'),
  deletes: (plan) => deletedBy(plan, 'remove-wildcard-router'),
  rollback: restoreOf('remove-wildcard-router', 'the wildcard router'),
};

/**
 * 3scale is never stopped by this upgrade: its DeploymentConfigs roll out again phase after phase (new
 * account, new variables, new images), so inside the window it runs but is disrupted, and until Zync has
 * recreated the routes some hosts may not answer.
 */
const DISRUPTED_WINDOW: WindowWording = {
  labels: {
    'before-window': 'before (3scale keeps running)',
    'opens-window': 'opens it (3scale rolls out again: disruptions start)',
    'in-window': 'inside (3scale runs, disrupted by rollouts)',
    'closes-window': 'closes it (routes handed to Zync: disruptions end)',
    'after-window': 'after (3scale runs)',
    'no-window': 'none (nothing of 3scale changes)',
  },
  opens: 'maintenance window opens: 3scale is disrupted from here (rollouts, not stopped)',
  closes: 'maintenance window closes: 3scale runs undisrupted again',
};

export const templateUpgrade: Procedure<TemplateUpgradePlan> = {
  id: TEMPLATE_UPGRADE_PROCEDURE,
  planKind: TEMPLATE_UPGRADE_PLAN_KIND,
  runNoun: 'Upgrade',
  title: '3scale 2.5 installed from templates on OpenShift 3.11: upgrade to 2.6',
  source: 'Red Hat 3scale API Management 2.6, Migrating 3scale, chapter 2 (2.5 to 2.6)',
  windowWording: DISRUPTED_WINDOW,
  phases: [backup, registryAuth, newObjects, redisSecret, redisEnv, databaseImageStreams, images, routes, removeWildcardRouter],
  validatePlan: validateTemplateUpgradePlan,
  discovery: () => import('./discover-template.js'),
};
