/**
 * The check before the scale-down that 3scale's background jobs are processed (seed 6.1): a Job of the
 * scale-down folder (charts/jobs/check-queues-job.ts, charts/scripts/check-queues.sh). Named here so `status`
 * can recognize its failure without loading the charts.
 */
import type { PhaseReportHooks } from '../../phases/phase.js';
import type { ObjectVerdict } from '../../status/object-verdicts.js';

/** Job name of the queue check, also its evidence step. */
export const CHECK_QUEUES_JOB = 'check-queues';

/** The workers that empty the queues: Sidekiq's (system) and Resque's (backend). */
export const QUEUE_WORKERS = ['system-sidekiq', 'backend-worker'] as const;

/** What the check's record says when jobs were still waiting at its deadline while the workers ran. */
export const NOT_DRAINED = 'not drained after';

/**
 * The next step for a scale-down held by its queue check: nothing is to be undone (the check runs before any
 * scaling), 3scale must keep running so its workers can empty the queues.
 */
export function heldByQueues(folder: string, reason: string): string {
  return `${folder} is held by its queue check (${reason}): do not roll back, 3scale is still running; let ${QUEUE_WORKERS.join(' and ')} process the waiting jobs (at a quieter hour, seed 6.1), then let Job ${CHECK_QUEUES_JOB} run again (Argo CD: sync the Application again; by hand: delete the Job and apply the folder again)`;
}

/** The queue lengths a succeeded check recorded (`queued sidekiq=… backend=…`), else undefined. */
export function queueFigure(verdicts: readonly ObjectVerdict[]): string | undefined {
  const check = verdicts.find((v) => v.ref.kind === 'Job' && v.ref.name === CHECK_QUEUES_JOB && v.verdict === 'job-succeeded');
  return check?.reason?.match(/^queued [^;]+/)?.[0];
}

/** The scale-down's next step when its queue check failed because jobs were still waiting; undefined for any other failure. */
export function queueAdvice(folder: string, reason: string): string | undefined {
  return reason.startsWith(`Job ${CHECK_QUEUES_JOB} job-failed`) && reason.includes(NOT_DRAINED) ? heldByQueues(folder, reason) : undefined;
}

/** What the scale-down adds to `diff`/`status`: the queue lengths on its line, the hold when jobs still wait. */
export const QUEUE_CHECK_REPORT: PhaseReportHooks = { figure: queueFigure, advice: queueAdvice };
