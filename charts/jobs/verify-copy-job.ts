import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { type RedisRole, redisComponent, redisNames, redisNamespace, serviceHost } from '../../src/plan/plan-facts.js';
import type { PhaseChart } from '../phase-chart.js';
import { copyPostgresqlProps } from './copy-postgresql-job.js';
import { copyToManagedProps } from './copy-to-managed-job.js';
import { dataJob, type DataJobProps, MYSQL_COPY_LIBS, PG_COPY_LIBS, REDIS_COPY_LIBS } from './data-job.js';

/** The verify script of each database copy script, and the libraries both share. */
const VERIFY_SCRIPTS: Readonly<Record<string, { readonly script: string; readonly libs: readonly string[] }>> = {
  'pg-copy.sh': { script: 'pg-verify-copy.sh', libs: PG_COPY_LIBS },
  'mysql-copy.sh': { script: 'mysql-verify-copy.sh', libs: MYSQL_COPY_LIBS },
};

/**
 * The Job that proves a System database copy again: the copy Job's namespace, image and connections (read-only
 * sessions), its verify script, and `COPY_STEP` naming the copy's evidence record, whose manifest it recomputes.
 */
export function verifyDatabaseCopyProps(copy: DataJobProps, wave: number): DataJobProps {
  const verify = VERIFY_SCRIPTS[copy.script];
  if (!verify) throw new Error(`no verify script for ${copy.script}`);
  return {
    name: `verify-${copy.name}`,
    namespace: copy.namespace,
    script: verify.script,
    libs: verify.libs,
    image: copy.image,
    wave,
    env: [...copy.env.filter((e) => e.name !== 'TARGET_RESET'), { name: 'COPY_STEP', value: copy.name }],
    volumes: copy.volumes,
    volumeMounts: copy.volumeMounts,
  };
}

/** The Job that proves the copy of an on-cluster Redis again, on the new server (and the old one if it still answers). */
export function verifyRedisCopyProps(chart: PhaseChart<MigrationPlan>, role: RedisRole, wave: number): DataJobProps {
  const { plan } = chart;
  const n = redisNames(role);
  const namespace = redisNamespace(plan, role);
  return {
    name: `verify-copy-${role}-redis`,
    namespace,
    script: 'redis-verify-copy.sh',
    libs: REDIS_COPY_LIBS,
    image: redisComponent(plan, role).image,
    wave,
    env: [
      { name: 'COPY_STEP', value: `copy-${role}-redis` },
      { name: 'TARGET_REDIS_HOST', value: serviceHost(n.service, namespace) },
      { name: 'TARGET_REDIS_PORT', value: '6379' },
      { name: 'SOURCE_REDIS_HOST', value: serviceHost(n.oldService, plan.spec.threescale.namespace) },
      { name: 'SOURCE_REDIS_PORT', value: '6379' },
    ],
  };
}

/**
 * Cut-over, before anything changes (wave `wave`): for every copy of copy-data, a read-only Job recomputes on the
 * new server what the copy recorded (rows and sha256 per table; for Redis, no write since load-redis's check from INFO) and on the
 * old server while it still answers, and fails naming what differs, so 3scale is never pointed at data that is not
 * the copy. Here, and not after the scale-up: once 3scale runs it writes to the new servers, and a comparison with
 * the copy would fail on every legitimate write. The Redis copies' Jobs are the on-cluster Redis mover's work
 * ({@link verifyRedisCopyProps}, rendered by charts/redis-mover-work.ts).
 */
export function verifyCopyJobs(chart: PhaseChart<MigrationPlan>, wave: number): void {
  const { plan } = chart;
  for (const copy of [copyPostgresqlProps(plan), copyToManagedProps(plan)]) {
    if (copy) dataJob(chart, `Verify-${copy.name}`, verifyDatabaseCopyProps(copy, wave));
  }
}
