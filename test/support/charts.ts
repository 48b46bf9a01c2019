/**
 * Rendering of one phase chart module for the chart suites (kept apart from plans.ts so suites that do not
 * render charts do not load cdk8s).
 */
import { App } from 'cdk8s';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { PhaseChartModule } from '../../src/phases/phase.js';
import type { LoadedPlan } from '../../src/plan/load-plan.js';
import type { PlanBase } from '../../src/plan/plan-base.js';
import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { contextFor } from './plans.js';

/** Renders one chart module for a phase of a plan and returns its objects and extra files. */
export function renderChart<P extends PlanBase = MigrationPlan>(
  module: PhaseChartModule<P>,
  loaded: LoadedPlan<P>,
  phaseId: string,
  rollback = false,
): { objects: KubeObject[]; files: { path: string; content: string }[] } {
  const { objects, files } = module.render(new App({ outdir: 'unused' }), `${rollback ? 'rollback-' : ''}${phaseId}`, contextFor(loaded, phaseId, rollback));
  return { objects: [...objects], files: [...files] };
}

