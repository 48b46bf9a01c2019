import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import type { TemplateUpgradePlan } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-plan-schema.js';
import { PhaseChart } from '../phase-chart.js';

/** The chart of a template-upgrade phase: a PhaseChart reading a TemplateUpgradePlan. */
export type TemplateChart = PhaseChart<TemplateUpgradePlan>;

/** A new chart for a template-upgrade phase. */
export function templateChart(scope: Construct, id: string, context: RenderContext<TemplateUpgradePlan>): TemplateChart {
  return new PhaseChart<TemplateUpgradePlan>(scope, id, context);
}

/** Job names of the patch phases (one JSON patch Job each). */
export const PATCH_JOB_NAMES: Record<string, string> = {
  'registry-auth': 'move-to-amp-service-account',
  'redis-secret': 'add-system-redis-keys',
  'redis-env': 'add-redis-variables',
  'database-imagestreams': 'trigger-database-imagestreams',
  images: 'upgrade-images',
};
