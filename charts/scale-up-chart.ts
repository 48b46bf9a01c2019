import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { scaleThreescale } from './constructs/scale-overlays.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Scale-up (closes the window): the twelve 3scale Deployments back to their captured counts and the
 * operator back to 1. Also the rollback of scale-down.
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  scaleThreescale(chart, context.plan, chart.phaseId, 'up');
  return chart;
}
