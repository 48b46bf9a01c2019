import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { PhaseChart } from './phase-chart.js';
import { renderRedisWork } from './redis-mover-work.js';

/** Rollback of load-redis: the new Redis servers stop, the old ones run again (the on-cluster mover's work). */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  renderRedisWork(chart, 'load-redis-rollback');
  return chart;
}
