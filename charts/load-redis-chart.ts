import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { rdbExports, redisMoves, redisNames, threescaleWorkload } from '../src/plan/plan-facts.js';
import { newRedisServers } from './constructs/new-redis-servers.js';
import { ReplicaOverlay } from './constructs/replica-overlay.js';
import { checkTargetsJobs } from './jobs/check-targets-job.js';
import { aofRewriteJob } from './jobs/redis-jobs.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Load-redis (inside the window): the new Redis servers start in restore mode and load the copied
 * dump.rdb; the old ones stop (seed 3.4.3); Jobs wait for the load, rewrite the AOF and wait until
 * `aof_rewrite_in_progress:0`, which persist needs before it switches the configuration.
 * A managed Redis seeded from the RDB export (outside the cluster, by the user) is checked to hold the
 * old data: the `liveness-probe` key the old server's readiness probe wrote must be there (seed 6.2.4).
 */
export function render(scope: Construct, id: string, context: RenderContext): PhaseChart {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  newRedisServers(chart, plan, 1, 'restore');
  for (const role of redisMoves(plan)) {
    new ReplicaOverlay(chart, `Old-${role}`, { name: redisNames(role).oldDeployment, namespace: plan.spec.threescale.namespace, replicas: 0, phaseId: chart.phaseId, kind: threescaleWorkload(plan).kind });
    aofRewriteJob(chart, role);
  }
  const seeded = rdbExports(plan);
  if (seeded.length) checkTargetsJobs(chart, { prefix: 'check-seeded', wave: 0, database: false, redisRoles: seeded, requireLivenessKey: true });
  return chart;
}
