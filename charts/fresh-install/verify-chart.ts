import { CONNECTION_SECRETS } from '../../src/contract/on-cluster.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { databasesNamespace, onClusterPostgresql, onClusterRedis, onClusterRedisRoles } from '../../src/procedures/fresh-install/fresh-install-facts.js';
import type { FreshInstallPlan } from '../../src/procedures/fresh-install/fresh-install-plan-schema.js';
import { POSTGRESQL_NAMES, redisNames, serviceHost } from '../../src/plan/plan-facts.js';
import { dataJob, fromSecret } from '../jobs/data-job.js';
import { PhaseChart } from '../phase-chart.js';

/**
 * Verify (read-only): the System database 3scale set up is readable with the generated credentials, and
 * each on-cluster Redis answers and holds the key its readiness probe writes (verify.sh, as the migration).
 */
export function render(scope: Construct, id: string, context: RenderContext<FreshInstallPlan>): PhaseChart<FreshInstallPlan> {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  const ns = plan.spec.threescale.namespace;
  const dbNs = databasesNamespace(plan);
  const pg = onClusterPostgresql(plan);
  if (pg) {
    dataJob(chart, 'VerifyDatabase', {
      name: 'verify-system-database',
      namespace: ns,
      script: 'verify.sh',
      image: pg.image,
      wave: 0,
      env: [
        { name: 'DB_KIND', value: 'postgresql' },
        { name: 'DB_HOST', value: serviceHost(POSTGRESQL_NAMES.service, dbNs) },
        { name: 'DB_NAME', value: pg.databaseName },
        fromSecret('DB_USER', POSTGRESQL_NAMES.credentialsSecret, CONNECTION_SECRETS.systemDatabase.user),
        fromSecret('DB_PASSWORD', POSTGRESQL_NAMES.credentialsSecret, CONNECTION_SECRETS.systemDatabase.password),
      ],
    });
  }
  const roles = onClusterRedisRoles(plan);
  if (roles.length) {
    dataJob(chart, 'VerifyRedis', {
      name: 'verify-redis',
      namespace: ns,
      script: 'verify.sh',
      image: onClusterRedis(plan, roles[0]!)!.image,
      wave: 0,
      env: [
        { name: 'DB_KIND', value: 'none' },
        { name: 'REDIS_ENDPOINTS', value: roles.map((r) => `${r}-redis=${serviceHost(redisNames(r).service, dbNs)}:6379`).join(' ') },
      ],
    });
  }
  return chart;
}
