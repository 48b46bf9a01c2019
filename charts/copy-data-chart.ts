import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { renderDatabaseWork } from './database-mover-work.js';
import { PhaseChart } from './phase-chart.js';
import { renderRedisWork } from './redis-mover-work.js';

/**
 * Copy-data (inside the window): Jobs move the data inside the cluster; no dump travels through a
 * workstation. The new Redis servers are still at 0 replicas, so their volumes are free for the Jobs.
 * A managed System database is loaded by the same scripts; a managed Redis seeded from an RDB gets the
 * old server's RDB on its export volume, from where the user seeds it (ElastiCache: through S3).
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  renderDatabaseWork(chart, 'copy-data');
  renderRedisWork(chart, 'copy-data');
  return chart;
}
