import type { Construct } from 'constructs';
import type { PhaseOutput, RenderContext } from '../src/phases/phase.js';
import { type JobRef, retireJobsJob } from './jobs/retire-jobs-job.js';
import { PhaseChart } from './phase-chart.js';

/**
 * The Job that retires Jobs of another folder, so that applying that folder again runs them again on Flux
 * (which never reruns a Complete Job): in every rollback folder, the Jobs of the forward phases it undoes (its
 * own phase and every later one); in every forward phase that has a rollback folder, that folder's Jobs.
 */
export function render(scope: Construct, id: string, context: RenderContext, name: string, jobs: readonly JobRef[], folder: string): PhaseOutput {
  const chart = new PhaseChart(scope, id, context);
  retireJobsJob(chart, name, jobs, folder);
  return chart;
}
