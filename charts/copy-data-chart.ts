import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { redisMoves } from '../src/plan/plan-facts.js';
import { copyPostgresqlJob } from './jobs/copy-postgresql-job.js';
import { copyRedisJob } from './jobs/redis-jobs.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Copy-data (inside the window): Jobs move the data inside the cluster; no dump travels through a
 * workstation. The new Redis servers are still at 0 replicas, so their volumes are free for the Jobs.
 */
export function render(scope: Construct, id: string, context: RenderContext): PhaseChart {
  const chart = new PhaseChart(scope, id, context);
  copyPostgresqlJob(chart);
  for (const role of redisMoves(context.plan)) copyRedisJob(chart, role);
  return chart;
}
