import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { retiredByCleanup } from '../src/procedures/externalize-on-cluster/cutover-switches.js';
import { deleteObjectsJob } from './jobs/delete-objects-job.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Cleanup (destructive, rendered only when the plan sets `spec.cleanup.enabled: true`): deletes the old
 * databases and their data (seed 3.2.10 and 3.4.11), as each component's mover names them. Irreversible by
 * design. Before 2.15 the old databases are DeploymentConfigs; their ReplicationControllers and pods go with
 * them (cascading delete).
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  deleteObjectsJob(chart, 'delete-old-databases', retiredByCleanup(context.plan).flatMap((r) => r.objects));
  return chart;
}
