import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { CONNECTION_SECRETS } from '../../src/contract/on-cluster.js';
import { INTERNAL_DATABASE_DEPLOYMENTS } from '../../src/plan/deployments.js';
import { managedTargets, mysqlKeptInPlace, POSTGRESQL_NAMES, postgresqlMove, postgresqlNamespace, REDIS_ROLES, redisComponent, redisMoves, redisNames, redisNamespace, serviceHost } from '../../src/plan/plan-facts.js';
import { credentialEnv, envSuffix } from './check-targets-job.js';
import type { PhaseChart } from '../phase-chart.js';
import { dataJob, fromSecret } from './data-job.js';

/**
 * Read-only checks after the scale-up, one Job per client image: the accounts table is readable in the
 * System database 3scale now uses (seed 3.2.6), and the `liveness-probe` key the 3scale readiness probe
 * writes exists in each new Redis. Managed targets are checked where they are, with their own credentials;
 * a managed Redis that was not seeded from the old data (`seed: none`) has no such key and is left out.
 */
export function verifyJobs(chart: PhaseChart<MigrationPlan>): void {
  const { plan } = chart;
  const ns = plan.spec.threescale.namespace;
  const pg = postgresqlMove(plan);
  // Only a System database the migration touched: an already external one is not where system-mysql is.
  if (pg || mysqlKeptInPlace(plan)) {
    const host = pg ? serviceHost(POSTGRESQL_NAMES.service, postgresqlNamespace(plan, pg)) : serviceHost(INTERNAL_DATABASE_DEPLOYMENTS.mysql, ns);
    dataJob(chart, 'VerifyDatabase', {
      name: 'verify-system-database',
      namespace: ns,
      script: 'verify.sh',
      image: pg ? pg.image : plan.spec.jobs.mysqlImage,
      wave: 0,
      env: [
        { name: 'DB_KIND', value: pg ? 'postgresql' : 'mysql' },
        { name: 'DB_HOST', value: host },
        { name: 'DB_NAME', value: pg ? pg.databaseName : 'system' },
        fromSecret('DB_USER', CONNECTION_SECRETS.systemDatabase.name, CONNECTION_SECRETS.systemDatabase.user),
        fromSecret('DB_PASSWORD', CONNECTION_SECRETS.systemDatabase.name, CONNECTION_SECRETS.systemDatabase.password),
      ],
    });
  }
  const managed = managedTargets(plan);
  const sql = managed.find((t) => t.name === 'system-database');
  if (sql) {
    dataJob(chart, 'VerifyDatabase', {
      name: 'verify-system-database',
      namespace: ns,
      script: 'verify.sh',
      image: plan.spec.systemDatabase.kind === 'postgresql' ? plan.spec.systemDatabase.image : plan.spec.jobs.mysqlImage,
      wave: 0,
      env: [
        { name: 'DB_KIND', value: sql.kind },
        { name: 'DB_HOST', value: sql.host },
        { name: 'DB_PORT', value: String(sql.port) },
        { name: 'DB_NAME', value: sql.databaseName! },
        ...credentialEnv(sql, 'DB_USER', CONNECTION_SECRETS.systemDatabase.password),
      ],
    });
  }
  const moved = redisMoves(plan);
  const seeded = managed.filter((t) => t.kind === 'redis' && t.seed === 'rdb-export');
  if (moved.length || seeded.length) {
    const endpoints = REDIS_ROLES.flatMap((r) => {
      if (moved.includes(r)) return [`${r}-redis=${serviceHost(redisNames(r).service, redisNamespace(plan, r))}:6379`];
      const t = seeded.find((s) => s.name === `${r}-redis`);
      return t ? [`${t.name}=${t.host}:${t.port}`] : [];
    });
    const firstRole = REDIS_ROLES.find((r) => moved.includes(r) || seeded.some((s) => s.name === `${r}-redis`))!;
    dataJob(chart, 'VerifyRedis', {
      name: 'verify-redis',
      namespace: ns,
      script: 'verify.sh',
      image: redisComponent(plan, firstRole).image,
      wave: 0,
      env: [
        { name: 'DB_KIND', value: 'none' },
        { name: 'REDIS_ENDPOINTS', value: endpoints.join(' ') },
        ...seeded.flatMap((t) => credentialEnv(t, undefined, `REDIS_PASSWORD_${envSuffix(t.name)}`)),
      ],
    });
  }
}
