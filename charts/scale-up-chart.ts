import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { scaleThreescale } from './constructs/scale-overlays.js';
import { PhaseChart } from './phase-chart.js';
import { jsonPatchJob } from './jobs/json-patch-job.js';
import { RESTART_AUTOSCALED_JOB, START_AUTOSCALED_JOB, startAutoscaledSteps } from '../src/procedures/externalize-on-cluster/autoscaled-start.js';

/**
 * Scale-up (closes the window): the twelve 3scale Deployments back to their captured counts and the
 * operator back to 1. Also the rollback of scale-down. A Deployment an HPA keeps (`spec.autoscaled`) is not
 * pinned: once the operator runs (wave 2), a Job starts it from 0 to its captured count, once, and leaves it.
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  for (const w of scaleThreescale(chart, context.plan, chart.phaseId, 'up')) chart.release(w);
  jsonPatchJob(chart, 'StartAutoscaled', { name: context.rollback ? RESTART_AUTOSCALED_JOB : START_AUTOSCALED_JOB, namespace: context.plan.spec.threescale.namespace, steps: startAutoscaledSteps(context.plan), wave: 2 });
  return chart;
}
