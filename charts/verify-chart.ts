import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { PhaseChart } from './phase-chart.js';
import { renderRedisWork } from './redis-mover-work.js';
import { renderDatabaseWork } from './database-mover-work.js';
import { verifyRedisJob } from './jobs/verify-job.js';
import { versionCheckJobsFor } from './jobs/version-check-jobs.js';

/**
 * Verify (after the window): read-only checks of where 3scale now reads its data (seed 3.2.6 and 3.4.11),
 * as the movers name them, and the versions of the servers the connection Secrets now point at (the 2.16
 * requirements).
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  renderDatabaseWork(chart, 'verify');
  verifyRedisJob(chart);
  renderRedisWork(chart, 'verify');
  versionCheckJobsFor(chart, 'new');
  return chart;
}
