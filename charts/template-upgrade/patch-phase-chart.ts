import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { phasePatchSteps } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-facts.js';
import type { TemplateUpgradePlan } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-plan-schema.js';
import { jsonPatchJob } from '../jobs/json-patch-job.js';
import type { PhaseChart } from '../phase-chart.js';
import { PATCH_JOB_NAMES, templateChart } from './template-chart.js';

/** Adds the JSON patch Job of a phase (its steps built from the plan), if it has steps. */
export function addPatchJob(chart: PhaseChart<TemplateUpgradePlan>, wave: number): void {
  const id = chart.context.phase.id;
  jsonPatchJob(chart, 'Patch', { name: PATCH_JOB_NAMES[id]!, namespace: chart.plan.spec.threescale.namespace, steps: phasePatchSteps(chart.plan, id), wave });
}

/**
 * A phase whose whole work is guarded JSON patches on objects the template created (the system-redis
 * keys, the Redis variables, the image tags): one Job applies them, the documents are in the folder for review.
 */
export function render(scope: Construct, id: string, context: RenderContext<TemplateUpgradePlan>): PhaseChart<TemplateUpgradePlan> {
  const chart = templateChart(scope, id, context);
  addPatchJob(chart, 0);
  return chart;
}
