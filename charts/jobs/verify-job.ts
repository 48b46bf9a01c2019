import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { CONNECTION_SECRETS } from '../../src/contract/on-cluster.js';
import { REDIS_ROLES, redisComponent } from '../../src/plan/plan-facts.js';
import type { VerifyTarget } from '../../src/procedures/externalize-on-cluster/database-movers/mover.js';
import { redisLivenessChecks } from '../../src/procedures/externalize-on-cluster/redis-movers/registry.js';
import { envSuffix } from './check-targets-job.js';
import type { PhaseChart } from '../phase-chart.js';
import { dataJob, fromSecret } from './data-job.js';

const { systemDatabase: DB } = CONNECTION_SECRETS;

/**
 * Verify's read-only check of the System database 3scale now reads (seed 3.2.6), where its mover says it is:
 * the accounts table is readable there. A managed server is read with its own credentials.
 */
export function verifyDatabaseJob(chart: PhaseChart<MigrationPlan>, target: VerifyTarget): void {
  const c = target.credentials;
  dataJob(chart, 'VerifyDatabase', {
    name: 'verify-system-database',
    namespace: chart.plan.spec.threescale.namespace,
    script: 'verify.sh',
    image: target.image,
    wave: 0,
    env: [
      { name: 'DB_KIND', value: target.kind },
      { name: 'DB_HOST', value: target.host },
      ...(target.port !== undefined ? [{ name: 'DB_PORT', value: String(target.port) }] : []),
      { name: 'DB_NAME', value: target.database },
      c ? fromSecret('DB_USER', c.secretName, c.userKey) : fromSecret('DB_USER', DB.name, DB.user),
      c ? fromSecret('DB_PASSWORD', c.secretName, c.passwordKey) : fromSecret('DB_PASSWORD', DB.name, DB.password),
    ],
  });
}

/**
 * Verify's read-only check of the Redis servers the movers name (src/procedures/externalize-on-cluster/redis-movers/,
 * `livenessChecks`), in one Job with the Redis client: the `liveness-probe` key the 3scale readiness probe writes
 * exists in each. A managed Redis that was not seeded from the old data has no such key and is not named.
 */
export function verifyRedisJob(chart: PhaseChart<MigrationPlan>): void {
  const { plan } = chart;
  const checks = redisLivenessChecks(plan).sort((a, b) => REDIS_ROLES.indexOf(a.role) - REDIS_ROLES.indexOf(b.role));
  if (!checks.length) return;
  dataJob(chart, 'VerifyRedis', {
    name: 'verify-redis',
    namespace: plan.spec.threescale.namespace,
    script: 'verify.sh',
    image: redisComponent(plan, checks[0]!.role).image,
    wave: 0,
    env: [
      { name: 'DB_KIND', value: 'none' },
      { name: 'REDIS_ENDPOINTS', value: checks.map((c) => `${c.role}-redis=${c.endpoint}`).join(' ') },
      ...checks.flatMap((c) => (c.password ? [fromSecret(`REDIS_PASSWORD_${envSuffix(`${c.role}-redis`)}`, c.password.secret, c.password.key)] : [])),
    ],
  });
}
