import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { newRedisServers } from './constructs/new-redis-servers.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Persist: the Redis configuration switches to the three save points and AOF (seed 3.4, after the AOF
 * rewrite finished). The configuration hash on the pod templates changes with it, so the pods roll; the
 * seed does this with `oc rollout restart`.
 */
export function render(scope: Construct, id: string, context: RenderContext): PhaseChart {
  const chart = new PhaseChart(scope, id, context);
  newRedisServers(chart, context.plan, 1, 'persistence');
  return chart;
}
