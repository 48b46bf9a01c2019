import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { INTERNAL_DATABASE_DEPLOYMENTS } from '../src/plan/deployments.js';
import { managedRedisRoles, managedSystemDatabase, POSTGRESQL_NAMES, postgresqlMove, rdbExportNames, rdbExports, redisMoves, redisNames, threescaleWorkload } from '../src/plan/plan-facts.js';
import { deleteObjectsJob } from './jobs/delete-objects-job.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Cleanup (destructive, rendered only when the plan sets `spec.cleanup.enabled: true`): deletes the old
 * databases and their data (seed 3.2.10 and 3.4.11). Irreversible by design. Before 2.15 the old databases
 * are DeploymentConfigs; their ReplicationControllers and pods go with them (cascading delete).
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  const ns = plan.spec.threescale.namespace;
  const objects: string[] = [];
  const workload = threescaleWorkload(plan).resource;
  const managedDb = managedSystemDatabase(plan);
  if (postgresqlMove(plan) || managedDb?.kind === 'postgresql') {
    objects.push(`${ns} ${workload}/${POSTGRESQL_NAMES.oldDeployment}`, `${ns} persistentvolumeclaim/postgresql-data`, `${ns} service/${POSTGRESQL_NAMES.oldService}`);
  }
  if (managedDb?.kind === 'mysql') {
    const mysql = INTERNAL_DATABASE_DEPLOYMENTS.mysql;
    objects.push(`${ns} ${workload}/${mysql}`, `${ns} persistentvolumeclaim/mysql-storage`, `${ns} service/${mysql}`, `${ns} configmap/mysql-main-conf`, `${ns} configmap/mysql-extra-conf`);
  }
  for (const role of [...redisMoves(plan), ...managedRedisRoles(plan)]) {
    const n = redisNames(role);
    objects.push(`${ns} ${workload}/${n.oldDeployment}`, `${ns} persistentvolumeclaim/${n.oldDeployment}-storage`);
  }
  if (redisMoves(plan).length + managedRedisRoles(plan).length === 2) objects.push(`${ns} configmap/redis-config`);
  for (const role of rdbExports(plan)) objects.push(`${ns} persistentvolumeclaim/${rdbExportNames(role).pvc}`);
  deleteObjectsJob(chart, 'delete-old-databases', objects);
  return chart;
}
