import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import type { k8s } from 'cdk8s-plus-28';
import { type ManagedTarget, managedSystemDatabase, managedTargets, redisComponent, type RedisRole } from '../../src/plan/plan-facts.js';
import type { PhaseChart } from '../phase-chart.js';
import { dataJob, fromSecret } from './data-job.js';

/** Env var suffix of a target in check-targets.sh and verify.sh (upper case, '-' as '_'). */
export function envSuffix(name: string): string {
  return name.toUpperCase().replace(/[-.]/g, '_');
}

/** `NAME=KIND://HOST:PORT[/DATABASE]`, the form check-targets.sh reads (no credentials). */
export function targetEntry(t: ManagedTarget): string {
  return `${t.name}=${t.kind}://${t.host}:${t.port}${t.kind === 'redis' ? '' : `/${t.databaseName}`}`;
}

/**
 * The credentials of a target as secretKeyRefs to its Secret in the 3scale namespace (prepare copies it
 * there when the plan keeps it elsewhere).
 */
export function credentialEnv(t: ManagedTarget, userVar: string | undefined, passwordVar: string): k8s.EnvVar[] {
  const c = t.credentials;
  if (!c) return [];
  return [...(userVar && c.userKey ? [fromSecret(userVar, c.secretName, c.userKey)] : []), fromSecret(passwordVar, c.secretName, c.passwordKey)];
}

/** Props of {@link checkTargetsJobs}. */
export interface CheckTargetsProps {
  /** Prefix of the Job names: `<prefix>-database`, `<prefix>-redis`. */
  readonly prefix: string;
  /** Argo CD sync wave. */
  readonly wave: number;
  /**
   * Which Redis roles to check (the System database is always checked when it is managed).
   * @default every managed Redis
   */
  readonly redisRoles?: readonly RedisRole[];
  /**
   * Whether each checked Redis must hold the `liveness-probe` key (after it was seeded from the old data).
   * @default false
   */
  readonly requireLivenessKey?: boolean;
  /**
   * Check the System database too.
   * @default true
   */
  readonly database?: boolean;
}

/**
 * The pre-connection check of the managed targets (seed 6.2.4), from inside the cluster: one Job per
 * client image (the managed System database, the managed Redis servers), each recording what it found
 * (ok, refused, timeout, unresolved, auth-failed, unknown-database, empty) as evidence.
 */
export function checkTargetsJobs(chart: PhaseChart<MigrationPlan>, props: CheckTargetsProps): void {
  const { plan } = chart;
  const ns = plan.spec.threescale.namespace;
  const targets = managedTargets(plan);
  const db = managedSystemDatabase(plan);
  const sql = targets.find((t) => t.name === 'system-database');
  if (db && sql && props.database !== false) {
    const pg = plan.spec.systemDatabase.kind === 'postgresql' ? plan.spec.systemDatabase : undefined;
    dataJob(chart, 'CheckDatabase', {
      name: `${props.prefix}-database`,
      namespace: ns,
      script: 'check-targets.sh',
      image: pg ? pg.image : plan.spec.jobs.mysqlImage,
      wave: props.wave,
      env: [{ name: 'TARGETS', value: targetEntry(sql) }, ...credentialEnv(sql, `USER_${envSuffix(sql.name)}`, `PASSWORD_${envSuffix(sql.name)}`)],
    });
  }
  const roles = props.redisRoles ?? (['backend', 'system'] as const);
  const redis = targets.filter((t) => t.kind === 'redis' && roles.some((r) => `${r}-redis` === t.name));
  if (redis.length) {
    const firstRole = redis[0]!.name === 'backend-redis' ? 'backend' : 'system';
    dataJob(chart, 'CheckRedis', {
      name: `${props.prefix}-redis`,
      namespace: ns,
      script: 'check-targets.sh',
      image: redisComponent(plan, firstRole).image,
      wave: props.wave,
      env: [
        { name: 'TARGETS', value: redis.map(targetEntry).join(' ') },
        { name: 'REQUIRE_LIVENESS_KEY', value: props.requireLivenessKey ? 'true' : 'false' },
        ...redis.flatMap((t) => credentialEnv(t, undefined, `PASSWORD_${envSuffix(t.name)}`)),
      ],
    });
  }
}
