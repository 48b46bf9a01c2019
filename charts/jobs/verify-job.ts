import { INTERNAL_DATABASE_DEPLOYMENTS } from '../../src/plan/deployments.js';
import { POSTGRESQL_NAMES, postgresqlMove, postgresqlNamespace, REDIS_ROLES, redisMoves, redisNames, redisNamespace, serviceHost } from '../../src/plan/plan-facts.js';
import type { PhaseChart } from '../phase-chart.js';
import { dataJob, fromSecret } from './data-job.js';

/**
 * Read-only checks after the scale-up: the accounts table is readable in the System database 3scale now
 * uses, and the `liveness-probe` key (written by the 3scale readiness probe) exists in each Redis.
 */
export function verifyJob(chart: PhaseChart): void {
  const { plan } = chart;
  const ns = plan.spec.threescale.namespace;
  const db = plan.spec.systemDatabase;
  const pg = postgresqlMove(plan);
  const env = [];
  if (db.kind === 'postgresql') {
    env.push(
      { name: 'DB_KIND', value: 'postgresql' },
      { name: 'DB_HOST', value: pg ? serviceHost(POSTGRESQL_NAMES.service, postgresqlNamespace(plan, pg)) : serviceHost(POSTGRESQL_NAMES.oldService, ns) },
      { name: 'DB_NAME', value: pg ? pg.databaseName : 'system' },
    );
  } else {
    env.push({ name: 'DB_KIND', value: 'mysql' }, { name: 'DB_HOST', value: serviceHost(INTERNAL_DATABASE_DEPLOYMENTS.mysql, ns) }, { name: 'DB_NAME', value: 'system' });
  }
  env.push(fromSecret('DB_USER', 'system-database', 'DB_USER'), fromSecret('DB_PASSWORD', 'system-database', 'DB_PASSWORD'));
  const moved = redisMoves(plan);
  const hosts = REDIS_ROLES.filter((r) => moved.includes(r)).map((r) => `${serviceHost(redisNames(r).service, redisNamespace(plan, r))}:6379`);
  env.push({ name: 'REDIS_ENDPOINTS', value: hosts.join(' ') });
  dataJob(chart, 'Verify', {
    name: 'verify-migration',
    namespace: ns,
    script: 'verify.sh',
    image: db.kind === 'postgresql' && pg ? pg.image : plan.spec.jobs.mysqlImage,
    wave: 0,
    env,
  });
}
