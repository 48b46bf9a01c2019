import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { redisMoves, redisNames, threescaleWorkload } from '../src/plan/plan-facts.js';
import { newRedisServers } from './constructs/new-redis-servers.js';
import { ReplicaOverlay } from './constructs/replica-overlay.js';
import { PhaseChart } from './phase-chart.js';

/** Rollback of load-redis: the new Redis servers stop, the old ones run again. */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  newRedisServers(chart, plan, 0);
  for (const role of redisMoves(plan)) {
    new ReplicaOverlay(chart, `Old-${role}`, { name: redisNames(role).oldDeployment, namespace: plan.spec.threescale.namespace, replicas: 1, phaseId: chart.phaseId, kind: threescaleWorkload(plan).kind });
  }
  return chart;
}
