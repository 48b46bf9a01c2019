/**
 * The check before the scale-down that 3scale's background jobs are processed (seed 6.1): a Job of the
 * scale-down folder (charts/jobs/check-queues-job.ts, charts/scripts/check-queues.sh). Named here so `status`
 * can recognize its failure without loading the charts.
 */

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
