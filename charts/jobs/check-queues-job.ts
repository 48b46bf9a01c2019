import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { threescaleWorkload } from '../../src/plan/plan-facts.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { CHECK_QUEUES_JOB, QUEUE_WORKERS } from '../../src/procedures/externalize-on-cluster/queue-check.js';
import type { PhaseChart } from '../phase-chart.js';
import { dataJob, fromSecret } from './data-job.js';

/** Argo CD sync wave of the check: before the operator (-1) and the components (0) are scaled down. */
export const CHECK_QUEUES_WAVE = -2;

/**
 * The read-only check that 3scale's background jobs are processed before the scale-down (seed 6.1): the
 * Sidekiq queues in the Redis of Secret system-redis, the backend (Resque) queues in the Redis of
 * REDIS_QUEUES_URL, sampled until empty for at most `waitSeconds`. First in the folder on Argo CD, so a
 * failure scales nothing; where the engine applies the folder at once, the workers are already stopping,
 * and the script records the figure without waiting (charts/scripts/check-queues.sh).
 */
export function checkQueuesJob(chart: PhaseChart<MigrationPlan>, waitSeconds = 300): void {
  const plan: Plan = chart.plan;
  const ns = plan.spec.threescale.namespace;
  const w = threescaleWorkload(plan);
  dataJob(chart, 'CheckQueues', {
    name: CHECK_QUEUES_JOB,
    namespace: ns,
    script: 'check-queues.sh',
    image: plan.spec.backendRedis.image,
    wave: CHECK_QUEUES_WAVE,
    env: [
      fromSecret('SIDEKIQ_REDIS_URL', 'system-redis', 'URL'),
      fromSecret('RESQUE_REDIS_URL', 'backend-redis', 'REDIS_QUEUES_URL'),
      { name: 'WAIT_SECONDS', value: String(waitSeconds) },
      { name: 'WORKERS', value: `${w.apiVersion} ${w.plural} ${QUEUE_WORKERS.join(' ')}` },
    ],
    access: [{ namespace: ns, rules: [{ apiGroups: [w.apiGroup], resources: [w.plural], resourceNames: [...QUEUE_WORKERS], verbs: ['get'] }] }],
  });
}
