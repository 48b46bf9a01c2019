import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { rdbExports, redisMoves } from '../src/plan/plan-facts.js';
import { copyPostgresqlJob } from './jobs/copy-postgresql-job.js';
import { copyToManagedJob } from './jobs/copy-to-managed-job.js';
import { exportRdbJob } from './jobs/export-rdb-job.js';
import { copyRedisJob } from './jobs/redis-jobs.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Copy-data (inside the window): Jobs move the data inside the cluster; no dump travels through a
 * workstation. The new Redis servers are still at 0 replicas, so their volumes are free for the Jobs.
 * A managed System database is loaded by the same scripts; a managed Redis seeded from an RDB gets the
 * old server's RDB on its export volume, from where the user seeds it (ElastiCache: through S3).
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  copyPostgresqlJob(chart);
  for (const role of redisMoves(context.plan)) copyRedisJob(chart, role);
  copyToManagedJob(chart);
  for (const role of rdbExports(context.plan)) exportRdbJob(chart, role);
  return chart;
}
