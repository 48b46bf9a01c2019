import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { databasesNamespace, onClusterPostgresql, onClusterRedisRoles } from '../../src/procedures/fresh-install/fresh-install-facts.js';
import type { FreshInstallPlan } from '../../src/procedures/fresh-install/fresh-install-plan-schema.js';
import { POSTGRESQL_NAMES, REDIS_CONFIG_NAME, redisNames } from '../../src/plan/plan-facts.js';
import { deleteObjectsJob } from '../jobs/delete-objects-job.js';
import { PhaseChart } from '../phase-chart.js';

/**
 * Rollback of the databases phase: deletes the servers it created, volumes included (a fresh install has
 * no data yet). The connection Secrets stay, so a retry keeps the same generated password.
 */
export function render(scope: Construct, id: string, context: RenderContext<FreshInstallPlan>): PhaseChart<FreshInstallPlan> {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  const ns = databasesNamespace(plan);
  const objects: string[] = [];
  const servers = [...(onClusterPostgresql(plan) ? [POSTGRESQL_NAMES] : []), ...onClusterRedisRoles(plan).map((r) => redisNames(r))];
  for (const n of servers) {
    objects.push(`${ns} deployment/${n.deployment}`, `${ns} service/${n.service}`, `${ns} serviceaccount/${n.serviceAccount}`, `${ns} persistentvolumeclaim/${n.pvc}`);
  }
  if (onClusterRedisRoles(plan).length) objects.push(`${ns} configmap/${REDIS_CONFIG_NAME}`);
  deleteObjectsJob(chart, 'remove-databases', objects);
  return chart;
}
