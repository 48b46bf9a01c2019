import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { DC_RESOURCE, IS_RESOURCE } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-facts.js';
import type { TemplateUpgradePlan } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-plan-schema.js';
import { deleteObjectsJob } from '../jobs/delete-objects-job.js';
import type { PhaseChart } from '../phase-chart.js';
import { NEW_IMAGE_STREAMS } from './new-objects-chart.js';
import { templateChart } from './template-chart.js';

/** Rollback of new-objects: deletes exactly what that phase created. */
export function render(scope: Construct, id: string, context: RenderContext<TemplateUpgradePlan>): PhaseChart<TemplateUpgradePlan> {
  const chart = templateChart(scope, id, context);
  const ns = context.plan.spec.threescale.namespace;
  deleteObjectsJob(chart, 'remove-2-6-objects', [
    `${ns} ${DC_RESOURCE}/zync-que`,
    `${ns} rolebinding.rbac.authorization.k8s.io/zync-que-rolebinding`,
    `${ns} role.rbac.authorization.k8s.io/zync-que-role`,
    `${ns} serviceaccount/zync-que-sa`,
    ...NEW_IMAGE_STREAMS.map((s) => `${ns} ${IS_RESOURCE}/${s.name}`),
  ]);
  return chart;
}
