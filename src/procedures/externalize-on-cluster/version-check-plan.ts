import { CONNECTION_SECRETS } from '../../contract/on-cluster.js';
import { managedRedisRoles, managedSystemDatabase, postgresqlMove, redisMoves, type RedisRole, upgradeEnabled } from '../../plan/plan-facts.js';
import type { Plan } from '../../plan/plan-schema.js';
import { type ServerKind, versionRequirements } from './version-requirements.js';

/**
 * Which version-check Jobs a plan runs, where, and against what. Declared here (not in the chart) so `diff`
 * knows the Jobs' evidence steps and which servers the migration replaces without loading cdk8s.
 *
 * Two stages: `current` in the preflight phase measures the servers 3scale uses before the migration;
 * `new` in the verify phase measures them again once the connection Secrets point at the new servers, the
 * measurement the upgrade to 2.16 depends on.
 */
export type VersionCheckStage = 'current' | 'new';

/** A server the checks measure, as it appears in the evidence (`<name>=<kind>:<version>:<verdict>`). */
export type VersionCheckServer = 'system-database' | 'backend-redis-storage' | 'backend-redis-queues' | 'system-redis';

/** Where each Redis server's URL is found (Secret and key of the 3scale namespace), and its role. */
export const REDIS_CHECK_SERVERS: readonly { readonly name: VersionCheckServer; readonly secret: string; readonly key: string; readonly role: RedisRole }[] = [
  { name: 'backend-redis-storage', secret: CONNECTION_SECRETS.backendRedis.name, key: CONNECTION_SECRETS.backendRedis.storageUrl, role: 'backend' },
  { name: 'backend-redis-queues', secret: CONNECTION_SECRETS.backendRedis.name, key: CONNECTION_SECRETS.backendRedis.queuesUrl, role: 'backend' },
  { name: 'system-redis', secret: CONNECTION_SECRETS.systemRedis.name, key: CONNECTION_SECRETS.systemRedis.url, role: 'system' },
];

/** One version-check Job of a plan. */
export interface VersionCheckJob {
  /** Job name, also its evidence step. */
  readonly name: string;
  /** `database` (client of the System database kind) or `redis`. */
  readonly target: 'database' | 'redis';
  /** Namespace (the 3scale one, where the connection Secrets are). */
  readonly namespace: string;
  /** Client image. */
  readonly image: string;
  /** Servers it measures. */
  readonly servers: readonly VersionCheckServer[];
  /** Servers whose shortfall is recorded without failing the Job. */
  readonly recordOnly: readonly VersionCheckServer[];
}

/** Job name of a stage and target. */
export function versionCheckJobName(stage: VersionCheckStage, target: 'database' | 'redis'): string {
  return `${stage === 'current' ? 'check-versions' : 'check-new-versions'}-${target === 'database' ? 'system-database' : 'redis'}`;
}

/**
 * Servers the migration replaces by new on-cluster or managed ones (their version before the migration does
 * not matter for 2.16).
 */
export function replacedServers(plan: Plan): VersionCheckServer[] {
  const out: VersionCheckServer[] = [];
  if (postgresqlMove(plan) || managedSystemDatabase(plan)) out.push('system-database');
  const moves = [...redisMoves(plan), ...managedRedisRoles(plan)];
  for (const s of REDIS_CHECK_SERVERS) if (moves.includes(s.role)) out.push(s.name);
  return out;
}

/**
 * The version-check Jobs of a stage. Only the preflight stage of a plan that upgrades fails, and only on a
 * server the migration keeps: nothing later fixes it, so the migration stops before the window opens.
 * Everything else is recorded: the versions are 2.16 requirements, so a plan that stays on 2.15 must not
 * fail on them, and a failed verify phase would point at rolling back a migration whose data is fine; the
 * upgrade phase is held back by `diff`/`status` instead (and, in the cluster, by the operator's own checks).
 */
export function versionCheckJobs(plan: Plan, stage: VersionCheckStage): VersionCheckJob[] {
  const namespace = plan.spec.threescale.namespace;
  const db = plan.spec.systemDatabase;
  const redisServers = REDIS_CHECK_SERVERS.map((s) => s.name);
  const gate = upgradeEnabled(plan);
  const replaced = new Set(stage === 'current' ? replacedServers(plan) : []);
  const recordOnly = (servers: readonly VersionCheckServer[]) => servers.filter((s) => stage === 'new' || !gate || replaced.has(s));
  const out: VersionCheckJob[] = [];
  if (db.kind === 'postgresql' || db.kind === 'mysql') {
    const image = db.kind === 'postgresql' ? db.image : plan.spec.jobs.mysqlImage;
    out.push({ name: versionCheckJobName(stage, 'database'), target: 'database', namespace, image, servers: ['system-database'], recordOnly: recordOnly(['system-database']) });
  }
  out.push({ name: versionCheckJobName(stage, 'redis'), target: 'redis', namespace, image: plan.spec.backendRedis.image, servers: redisServers, recordOnly: recordOnly(redisServers) });
  return out;
}

/** The environment of the script that states the requirements (non-secret). */
export function requirementsEnv(plan: Plan): { name: string; value: string }[] {
  const r = versionRequirements(plan.spec.preflight.versionRequirements);
  const min = (k: ServerKind) => r.minimum[k];
  return [
    { name: 'REQUIREMENTS', value: r.policy },
    { name: 'REQUIRED_POSTGRESQL', value: min('postgresql') },
    { name: 'REQUIRED_MYSQL', value: min('mysql') },
    { name: 'REQUIRED_REDIS', value: min('redis') },
    { name: 'MARIADB_ACCEPTED', value: String(r.mariadbAccepted) },
  ];
}
