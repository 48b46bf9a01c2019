import { redisComponent } from '../../src/plan/plan-facts.js';
import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { type SentinelPhase, sentinelJobs } from '../../src/procedures/externalize-on-cluster/sentinel-jobs.js';
import type { PhaseChart } from '../phase-chart.js';
import { dataJob, fromSecret } from './data-job.js';

/** The Jobs a Sentinel-managed Redis has in one phase (src/procedures/externalize-on-cluster/sentinel-jobs.ts says which and why). */
export function sentinelRedisJobs(chart: PhaseChart<MigrationPlan>, phase: SentinelPhase, wave: number): void {
  const { plan } = chart;
  for (const job of sentinelJobs(plan, phase)) {
    dataJob(chart, job.name, {
      name: job.name,
      namespace: plan.spec.threescale.namespace,
      script: job.script,
      libs: ['lib/sentinel.sh'],
      image: redisComponent(plan, job.role).image,
      wave,
      env: job.env.map((e) => ('value' in e ? e : fromSecret(e.name, e.secret, e.key))),
    });
  }
}
