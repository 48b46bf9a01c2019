import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { hasOldPostgresqlStream, IS_RESOURCE } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-facts.js';
import type { TemplateUpgradePlan } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-plan-schema.js';
import { deleteObjectsJob } from '../jobs/delete-objects-job.js';
import type { PhaseChart } from '../phase-chart.js';
import { addPatchJob } from './patch-phase-chart.js';
import { templateChart } from './template-chart.js';

/**
 * Database ImageStreams (seed 2.7): an ImageChange trigger on each database DeploymentConfig (guarded
 * patches), then the 2.5 `postgresql` ImageStream, which nothing follows any more, is deleted (the backup
 * keeps it for the rollback).
 */
export function render(scope: Construct, id: string, context: RenderContext<TemplateUpgradePlan>): PhaseChart<TemplateUpgradePlan> {
  const chart = templateChart(scope, id, context);
  addPatchJob(chart, 0);
  if (hasOldPostgresqlStream(context.plan)) deleteObjectsJob(chart, 'delete-postgresql-imagestream', [`${context.plan.spec.threescale.namespace} ${IS_RESOURCE}/postgresql`]);
  return chart;
}
