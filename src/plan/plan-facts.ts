import { INTERNAL_DATABASE_DEPLOYMENTS } from './deployments.js';
import type { Plan, PostgresqlDatabase, RedisComponent } from './plan-schema.js';

/**
 * Facts derived from a plan that several phases need. Derived here once so the charts, the plan view and
 * diff agree on them.
 */

/** The two Redis roles of 3scale. */
export type RedisRole = 'backend' | 'system';
export const REDIS_ROLES: readonly RedisRole[] = ['backend', 'system'];

/** The PostgreSQL component when the plan moves it to a new on-cluster server, else undefined. */
export function postgresqlMove(plan: Plan): PostgresqlDatabase | undefined {
  const db = plan.spec.systemDatabase;
  return db.kind === 'postgresql' && db.strategy === 'upgrade-on-cluster' ? db : undefined;
}

/** Whether the plan keeps `system-mysql` where it is and detaches it from the operator. */
export function mysqlKeptInPlace(plan: Plan): boolean {
  const db = plan.spec.systemDatabase;
  return db.kind === 'mysql' && db.strategy === 'keep-in-place';
}

/** The Redis component of a role. */
export function redisComponent(plan: Plan, role: RedisRole): RedisComponent {
  return role === 'backend' ? plan.spec.backendRedis : plan.spec.systemRedis;
}

/** Roles whose Redis moves to a new on-cluster server. */
export function redisMoves(plan: Plan): RedisRole[] {
  return REDIS_ROLES.filter((role) => redisComponent(plan, role).strategy === 'upgrade-on-cluster');
}

/** Whether the plan changes anything that needs 3scale stopped. */
export function needsWindow(plan: Plan): boolean {
  return postgresqlMove(plan) !== undefined || mysqlKeptInPlace(plan) || redisMoves(plan).length > 0;
}

/** Namespace of the new PostgreSQL server. */
export function postgresqlNamespace(plan: Plan, db: PostgresqlDatabase): string {
  return db.namespace ?? plan.spec.targets.namespace;
}

/** Namespace of a new Redis server. */
export function redisNamespace(plan: Plan, role: RedisRole): string {
  return redisComponent(plan, role).namespace ?? plan.spec.targets.namespace;
}

/** Every namespace the new databases live in, sorted, without duplicates. */
export function targetNamespaces(plan: Plan): string[] {
  const out = new Set<string>();
  const pg = postgresqlMove(plan);
  if (pg) out.add(postgresqlNamespace(plan, pg));
  for (const role of redisMoves(plan)) out.add(redisNamespace(plan, role));
  return [...out].sort();
}

/** Names of the objects of one new Redis server (seed 3.4.5). */
export function redisNames(role: RedisRole) {
  return {
    deployment: `${role}-redis-external`,
    serviceAccount: `${role}-redis-external`,
    pvc: `${role}-redis-storage-external`,
    service: `${role}-redis-service`,
    volume: `${role}-redis-storage-external`,
    app: `${role}-redis-external`,
    oldDeployment: role === 'backend' ? INTERNAL_DATABASE_DEPLOYMENTS.backendRedis : INTERNAL_DATABASE_DEPLOYMENTS.systemRedis,
    oldService: role === 'backend' ? 'backend-redis' : 'system-redis',
    secret: role === 'backend' ? 'backend-redis' : 'system-redis',
  } as const;
}

/** Names of the objects of the new PostgreSQL server (seed 3.2.5). */
export const POSTGRESQL_NAMES = {
  deployment: 'system-postgresql-external',
  serviceAccount: 'postgresql-db-external',
  pvc: 'postgresql-data-external',
  service: 'system-postgresql-service',
  volume: 'postgresql-data-external',
  app: 'system-postgresql-external',
  oldDeployment: INTERNAL_DATABASE_DEPLOYMENTS.postgresql,
  oldService: 'system-postgresql',
  credentialsSecret: 'system-database',
} as const;

/** Name of the shared Redis configuration ConfigMap in a target namespace (seed 3.4.5). */
export const REDIS_CONFIG_NAME = 'redis-config-external';

/** In-cluster DNS name of a Service. */
export function serviceHost(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.cluster.local`;
}
