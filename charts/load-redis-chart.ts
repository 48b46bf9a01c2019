import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { PhaseChart } from './phase-chart.js';
import { renderRedisWork } from './redis-mover-work.js';

/**
 * Load-redis (inside the window): the new Redis servers start straight in persistence mode and load the
 * AOF whose base file copy-data placed (the copied snapshot); from then on every write goes to their AOF,
 * so a restart at any time keeps it. The old ones stop (seed 3.4.3). Jobs check that each new server
 * loaded the copy (key counts of databases 0-15 against the copy's evidence) and runs with AOF on. The
 * seed's restore mode, AOF rewrite and restart into persistence mode (3.4.4 - 3.4.7) are not needed.
 * A managed Redis seeded from the RDB export (outside the cluster, by the user) is checked to hold the
 * old data: the `liveness-probe` key the old server's readiness probe wrote must be there (seed 6.2.4).
 * What each Redis strategy renders here is its mover's work (src/procedures/externalize-on-cluster/redis-movers/).
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  renderRedisWork(chart, 'load-redis');
  return chart;
}
