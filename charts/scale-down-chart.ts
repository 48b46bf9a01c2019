import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { scaleThreescale } from './constructs/scale-overlays.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Scale-down (opens the window): the operator to 0 first, so it cannot fight the rest, then the twelve
 * 3scale Deployments to 0. The old databases keep running: the copy Jobs read them.
 * Also the rollback of scale-up.
 */
export function render(scope: Construct, id: string, context: RenderContext): PhaseChart {
  const chart = new PhaseChart(scope, id, context);
  scaleThreescale(chart, context.plan, chart.phaseId, 'down');
  return chart;
}
