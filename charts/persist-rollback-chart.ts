import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { newRedisServers } from './constructs/new-redis-servers.js';
import { PhaseChart } from './phase-chart.js';

/** Rollback of persist: the new Redis servers back in restore mode (no snapshots, no AOF). */
export function render(scope: Construct, id: string, context: RenderContext): PhaseChart {
  const chart = new PhaseChart(scope, id, context);
  newRedisServers(chart, context.plan, 1, 'restore');
  return chart;
}
