import type { Construct } from 'constructs';
import type { PhaseOutput, RenderContext } from '../src/phases/phase.js';
import { type JobRef, retireJobsJob } from './jobs/retire-jobs-job.js';
import { PhaseChart } from './phase-chart.js';

/**
 * The part of every rollback folder that retires the Jobs of the forward phases it undoes (its own phase
 * and every later one), so that applying those phases again runs their Jobs again on any engine.
 */
export function render(scope: Construct, id: string, context: RenderContext, jobs: readonly JobRef[], folder: string): PhaseOutput {
  const chart = new PhaseChart(scope, id, context);
  retireJobsJob(chart, jobs, folder);
  return chart;
}
