import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { wildcardRouterObjects } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-facts.js';
import type { TemplateUpgradePlan } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-plan-schema.js';
import { deleteObjectsJob } from '../jobs/delete-objects-job.js';
import type { PhaseChart } from '../phase-chart.js';
import { templateChart } from './template-chart.js';

/** The 2.5 wildcard router goes (seed 2.9 steps 8 and 9): its Service, ImageStream and DeploymentConfig. */
export function render(scope: Construct, id: string, context: RenderContext<TemplateUpgradePlan>): PhaseChart<TemplateUpgradePlan> {
  const chart = templateChart(scope, id, context);
  const ns = context.plan.spec.threescale.namespace;
  deleteObjectsJob(chart, 'remove-wildcard-router', wildcardRouterObjects(context.plan).map((o) => `${ns} ${o.resource}/${o.name}`));
  return chart;
}
