import type { AccessMode, FreshInstallPlan, OnClusterPostgresql, OnClusterRedis, StorageClassSpec } from './fresh-install-plan-schema.js';
import type { RedisRole } from '../../plan/plan-facts.js';

/**
 * Facts derived from a FreshInstallPlan that several phases, the preflight checks and the validation need,
 * derived once so they agree.
 */

/** The vendor registry of the 3scale and database images. */
export const VENDOR_REGISTRY = 'registry.redhat.io';

/** Namespace of the operator and its OperatorGroup (the 3scale namespace unless the plan names another). */
export function operatorNamespace(plan: FreshInstallPlan): string {
  return plan.spec.operator.namespace ?? plan.spec.threescale.namespace;
}

/** Namespace of the on-cluster database servers. */
export function databasesNamespace(plan: FreshInstallPlan): string {
  return plan.spec.databases.namespace ?? plan.spec.threescale.namespace;
}

/** Every namespace the install uses, sorted, without duplicates. */
export function installNamespaces(plan: FreshInstallPlan): string[] {
  return [...new Set([plan.spec.threescale.namespace, operatorNamespace(plan), databasesNamespace(plan)])].sort();
}

/** The on-cluster PostgreSQL of the System database, or undefined when it is managed elsewhere. */
export function onClusterPostgresql(plan: FreshInstallPlan): OnClusterPostgresql | undefined {
  const db = plan.spec.databases.system;
  return db.kind === 'on-cluster-postgresql' ? db : undefined;
}

/** The on-cluster Redis of a role, or undefined when it is managed elsewhere. */
export function onClusterRedis(plan: FreshInstallPlan, role: RedisRole): OnClusterRedis | undefined {
  const r = role === 'backend' ? plan.spec.databases.backendRedis : plan.spec.databases.systemRedis;
  return r.kind === 'on-cluster' ? r : undefined;
}

/** Roles whose Redis runs on the cluster. */
export function onClusterRedisRoles(plan: FreshInstallPlan): RedisRole[] {
  return (['backend', 'system'] as const).filter((role) => onClusterRedis(plan, role) !== undefined);
}

/** Whether the install runs any database server itself. */
export function runsDatabases(plan: FreshInstallPlan): boolean {
  return onClusterPostgresql(plan) !== undefined || onClusterRedisRoles(plan).length > 0;
}

/** The storage class marked default in the plan, if any. */
export function defaultStorageClass(plan: FreshInstallPlan): StorageClassSpec | undefined {
  return plan.spec.storageClasses.find((c) => c.default);
}

/** One volume the install asks for, with the plan field that declares it. */
export interface PlannedVolume {
  /** Plan path of the storage block, e.g. `spec.fileStorage`. */
  readonly field: string;
  /** PVC name. */
  readonly claim: string;
  readonly namespace: string;
  /** Resolved class name (the plan's own, or its default class); undefined only in a plan the validation refuses. */
  readonly storageClassName: string | undefined;
  readonly accessMode: AccessMode;
  readonly size: string;
}

/** Every PVC the install creates or makes the operator create, with its resolved storage class. */
export function plannedVolumes(plan: FreshInstallPlan): PlannedVolume[] {
  const out: PlannedVolume[] = [];
  const fallback = defaultStorageClass(plan)?.name;
  const fs = plan.spec.fileStorage;
  if (fs.kind === 'pvc') {
    out.push({ field: 'spec.fileStorage', claim: SYSTEM_STORAGE_PVC, namespace: plan.spec.threescale.namespace, storageClassName: fs.storageClassName ?? fallback, accessMode: fs.accessMode, size: fs.size });
  }
  const pg = onClusterPostgresql(plan);
  if (pg) out.push({ field: 'spec.databases.system.storage', claim: 'postgresql-data-external', namespace: databasesNamespace(plan), storageClassName: pg.storage.storageClassName ?? fallback, accessMode: pg.storage.accessMode, size: pg.storage.size });
  for (const role of onClusterRedisRoles(plan)) {
    const r = onClusterRedis(plan, role)!;
    out.push({ field: `spec.databases.${role}Redis.storage`, claim: `${role}-redis-storage-external`, namespace: databasesNamespace(plan), storageClassName: r.storage.storageClassName ?? fallback, accessMode: r.storage.accessMode, size: r.storage.size });
  }
  return out;
}

/** The claim System keeps uploaded files in (the operator's name for it). */
export const SYSTEM_STORAGE_PVC = 'system-storage';

/**
 * Whether this tool creates `system-storage` itself: the operator always asks for ReadWriteMany, which a
 * ReadWriteOnce-only class cannot give (the report's Pending claim); a claim that already exists is kept
 * by the operator, so creating it first with the mode the class supports is the fix.
 */
export function ownsSystemStorage(plan: FreshInstallPlan): boolean {
  const fs = plan.spec.fileStorage;
  return fs.kind === 'pvc' && fs.accessMode !== 'ReadWriteMany';
}

/**
 * Host names of the Routes zync creates for the default tenant (the six the APIManager's Available
 * condition waits for), from the wildcard domain and tenant name, as the field report lists them.
 */
export function routeHosts(plan: FreshInstallPlan): { readonly route: string; readonly host: string }[] {
  const { wildcardDomain: d, tenantName: t } = plan.spec.threescale;
  return [
    { route: 'backend', host: `backend-${t}.${d}` },
    { route: 'admin portal', host: `${t}-admin.${d}` },
    { route: 'developer portal', host: `${t}.${d}` },
    { route: 'master portal', host: `master.${d}` },
    { route: 'APIcast staging', host: `api-${t}-apicast-staging.${d}` },
    { route: 'APIcast production', host: `api-${t}-apicast-production.${d}` },
  ];
}

/** The registry the install pulls from. */
export function installRegistry(plan: FreshInstallPlan): string {
  return plan.spec.images.registry ?? VENDOR_REGISTRY;
}

/** Every image the plan names (databases, Jobs, component overrides), with its plan field, sorted by field. */
export function plannedImages(plan: FreshInstallPlan): { readonly field: string; readonly image: string }[] {
  const out: { field: string; image: string }[] = [{ field: 'spec.jobs.kubectlImage', image: plan.spec.jobs.kubectlImage }];
  const pg = onClusterPostgresql(plan);
  if (pg) out.push({ field: 'spec.databases.system.image', image: pg.image });
  for (const role of onClusterRedisRoles(plan)) out.push({ field: `spec.databases.${role}Redis.image`, image: onClusterRedis(plan, role)!.image });
  for (const [name, ref] of Object.entries(plan.spec.images.components)) if (ref) out.push({ field: `spec.images.components.${name}`, image: ref });
  return out.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

/** The registry host of an image reference (the part before the first `/`). */
export function registryOf(ref: string): string {
  return ref.split('/')[0]!;
}

/** One container's default requests when the APIManager enforces resource requirements. */
export interface ComponentRequests {
  readonly deployment: string;
  /** Millicores. */
  readonly cpuMillis: number;
  /** Bytes. */
  readonly memoryBytes: number;
}

const Mi = 1024 * 1024;
const M = 1000 * 1000;

/**
 * Requests the operator gives each 3scale pod with `resourceRequirementsEnabled: true` (the 3scale
 * operator's "default APIManager components compute resources"; system-app is the sum of its three
 * containers). The databases are not here: 2.16 runs none of them, and the on-cluster ones are counted from
 * the plan.
 */
export const OPERATOR_DEFAULT_REQUESTS: readonly ComponentRequests[] = [
  { deployment: 'apicast-production', cpuMillis: 500, memoryBytes: 64 * Mi },
  { deployment: 'apicast-staging', cpuMillis: 50, memoryBytes: 64 * Mi },
  { deployment: 'backend-cron', cpuMillis: 100, memoryBytes: 100 * Mi },
  { deployment: 'backend-listener', cpuMillis: 500, memoryBytes: 550 * Mi },
  { deployment: 'backend-worker', cpuMillis: 150, memoryBytes: 50 * Mi },
  { deployment: 'system-app', cpuMillis: 3 * 50, memoryBytes: 3 * 600 * Mi },
  { deployment: 'system-memcache', cpuMillis: 50, memoryBytes: 64 * Mi },
  { deployment: 'system-searchd', cpuMillis: 80, memoryBytes: 250 * Mi },
  { deployment: 'system-sidekiq', cpuMillis: 100, memoryBytes: 500 * Mi },
  { deployment: 'zync', cpuMillis: 150, memoryBytes: 250 * M },
  { deployment: 'zync-database', cpuMillis: 50, memoryBytes: 250 * M },
  { deployment: 'zync-que', cpuMillis: 250, memoryBytes: 250 * M },
];
