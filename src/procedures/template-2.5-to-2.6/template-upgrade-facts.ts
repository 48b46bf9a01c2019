import { AMP_SERVICE_ACCOUNT, databaseTriggerSteps, imageSteps, redisEnvSteps, serviceAccountSteps, systemRedisSecretSteps } from './template-upgrade-patches.js';
import type { JsonPatchStep } from '../../patches/json-patch-steps.js';
import type { TemplateUpgradePlan } from './template-upgrade-plan-schema.js';

/**
 * Facts of a TemplateUpgradePlan that several phases and charts read: what the backup holds, what each
 * phase changes (and so what its rollback restores), which routes are deleted.
 */

/** One object as the kubectl scripts name it: `<resource> <name>`. */
export interface ObjectLine {
  readonly resource: string;
  readonly name: string;
}

export const DC_RESOURCE = 'deploymentconfig.apps.openshift.io';
export const IS_RESOURCE = 'imagestream.image.openshift.io';
export const ROUTE_RESOURCE = 'route.route.openshift.io';

/** The five routes 3scale 2.5 created itself (seed 2.9 step 2). */
export const DEFAULT_2_5_ROUTES = ['system-master', 'system-provider-admin', 'system-developer', 'api-apicast-production', 'api-apicast-staging'] as const;
export const WILDCARD_ROUTER = 'apicast-wildcard-router';

/** Prefix of the in-cluster backup objects (ConfigMaps, and Secrets for Secrets). */
export const BACKUP_PREFIX = 'threescale-migrate-backup';

/** What the backup phase copies (seed 2.1 steps 1 to 5), as found. */
export function backupObjects(plan: TemplateUpgradePlan): ObjectLine[] {
  const out: ObjectLine[] = [];
  for (const dc of plan.spec.deploymentConfigs) out.push({ resource: DC_RESOURCE, name: dc.name });
  for (const is of plan.spec.imageStreams) out.push({ resource: IS_RESOURCE, name: is.name });
  out.push({ resource: 'secret', name: 'system-redis' });
  for (const r of plan.spec.routes.found) out.push({ resource: ROUTE_RESOURCE, name: r.name });
  if (plan.spec.wildcardRouterService) out.push({ resource: 'service', name: WILDCARD_ROUTER });
  return out;
}

/** apiVersion and kind of the kubectl resource names of {@link ObjectLine}s. */
const KINDS: Readonly<Record<string, { apiVersion: string; kind: string }>> = {
  [DC_RESOURCE]: { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig' },
  [IS_RESOURCE]: { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream' },
  [ROUTE_RESOURCE]: { apiVersion: 'route.openshift.io/v1', kind: 'Route' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  service: { apiVersion: 'v1', kind: 'Service' },
};

/** The objects a phase's Jobs delete (the old postgresql stream, the 2.5 routes, the wildcard router), as `diff` names them. */
export function deletedBy(plan: TemplateUpgradePlan, phaseId: string): { apiVersion: string; kind: string; name: string }[] {
  const lines: ObjectLine[] =
    phaseId === 'database-imagestreams' && hasOldPostgresqlStream(plan)
      ? [{ resource: IS_RESOURCE, name: 'postgresql' }]
      : phaseId === 'routes'
        ? routesToDelete(plan).map((name) => ({ resource: ROUTE_RESOURCE, name }))
        : phaseId === 'remove-wildcard-router'
          ? wildcardRouterObjects(plan)
          : [];
  return lines.map((l) => ({ ...KINDS[l.resource]!, name: l.name }));
}

/** The routes deleted before Zync recreates them: the plan's list, or the 2.5 defaults (and the wildcard route) found. */
export function routesToDelete(plan: TemplateUpgradePlan): string[] {
  if (plan.spec.routes.delete) return [...plan.spec.routes.delete];
  const found = plan.spec.routes.found;
  const names: string[] = DEFAULT_2_5_ROUTES.filter((n) => found.some((r) => r.name === n));
  if (found.some((r) => r.name === WILDCARD_ROUTER && r.wildcardPolicy === 'Subdomain')) names.push(WILDCARD_ROUTER);
  return names;
}

/** Objects of the wildcard router subsystem found (seed 2.9 steps 8 and 9). */
export function wildcardRouterObjects(plan: TemplateUpgradePlan): ObjectLine[] {
  const out: ObjectLine[] = [];
  if (plan.spec.wildcardRouterService) out.push({ resource: 'service', name: WILDCARD_ROUTER });
  if (plan.spec.imageStreams.some((i) => i.name === 'amp-wildcard-router')) out.push({ resource: IS_RESOURCE, name: 'amp-wildcard-router' });
  if (plan.spec.deploymentConfigs.some((d) => d.name === WILDCARD_ROUTER)) out.push({ resource: DC_RESOURCE, name: WILDCARD_ROUTER });
  return out;
}

/** Whether the `postgresql` ImageStream of 2.5 is there (seed 2.7 step 6 deletes it). */
export function hasOldPostgresqlStream(plan: TemplateUpgradePlan): boolean {
  return plan.spec.imageStreams.some((i) => i.name === 'postgresql');
}

/** The patch steps of a phase of the procedure (none for phases that patch nothing). */
export function phasePatchSteps(plan: TemplateUpgradePlan, phaseId: string): JsonPatchStep[] {
  switch (phaseId) {
    case 'registry-auth':
      return serviceAccountSteps(plan);
    case 'redis-secret':
      return systemRedisSecretSteps(plan);
    case 'redis-env':
      return redisEnvSteps(plan);
    case 'database-imagestreams':
      return databaseTriggerSteps(plan);
    case 'images':
      return imageSteps(plan);
    default:
      return [];
  }
}

/** The objects a phase's rollback puts back from the backup: what the phase patched or deleted. */
export function restoredBy(plan: TemplateUpgradePlan, phaseId: string): ObjectLine[] {
  const seen = new Map<string, ObjectLine>();
  const add = (l: ObjectLine) => seen.set(`${l.resource}/${l.name}`, l);
  for (const s of phasePatchSteps(plan, phaseId)) add({ resource: s.resource, name: s.name });
  if (phaseId === 'database-imagestreams' && hasOldPostgresqlStream(plan)) add({ resource: IS_RESOURCE, name: 'postgresql' });
  if (phaseId === 'routes') for (const name of routesToDelete(plan)) add({ resource: ROUTE_RESOURCE, name });
  if (phaseId === 'remove-wildcard-router') for (const l of wildcardRouterObjects(plan)) add(l);
  return [...seen.values()];
}

export { AMP_SERVICE_ACCOUNT };
