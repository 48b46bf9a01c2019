import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { scaleThreescale } from './constructs/scale-overlays.js';
import { checkQueuesJob } from './jobs/check-queues-job.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Scale-down (opens the window): the operator to 0 first, so it cannot fight the rest, then the twelve
 * 3scale Deployments to 0. The old databases keep running: the copy Jobs read them. Before both, the forward
 * folder checks that the background jobs are processed (seed 6.1); the rollback of scale-up, which this
 * chart also renders, stops 3scale without waiting for them.
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  if (!context.rollback) checkQueuesJob(chart);
  scaleThreescale(chart, context.plan, chart.phaseId, 'down');
  return chart;
}
