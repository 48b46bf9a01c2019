import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { POSTGRESQL_NAMES, postgresqlMove, redisMoves, redisNames, threescaleWorkload } from '../src/plan/plan-facts.js';
import { deleteObjectsJob } from './jobs/delete-objects-job.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Cleanup (destructive, rendered only when the plan sets `spec.cleanup.enabled: true`): deletes the old
 * databases and their data (seed 3.2.10 and 3.4.11). Irreversible by design. Before 2.15 the old databases
 * are DeploymentConfigs; their ReplicationControllers and pods go with them (cascading delete).
 */
export function render(scope: Construct, id: string, context: RenderContext): PhaseChart {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  const ns = plan.spec.threescale.namespace;
  const objects: string[] = [];
  const workload = threescaleWorkload(plan).resource;
  if (postgresqlMove(plan)) {
    objects.push(`${ns} ${workload}/${POSTGRESQL_NAMES.oldDeployment}`, `${ns} persistentvolumeclaim/postgresql-data`, `${ns} service/${POSTGRESQL_NAMES.oldService}`);
  }
  for (const role of redisMoves(plan)) {
    const n = redisNames(role);
    objects.push(`${ns} ${workload}/${n.oldDeployment}`, `${ns} persistentvolumeclaim/${n.oldDeployment}-storage`);
  }
  if (redisMoves(plan).length === 2) objects.push(`${ns} configmap/redis-config`);
  deleteObjectsJob(chart, 'delete-old-databases', objects);
  return chart;
}
