import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { threescaleWorkload } from '../src/plan/plan-facts.js';
import type { Plan } from '../src/plan/plan-schema.js';
import { externalFlagsOf, stoppedServers } from '../src/procedures/externalize-on-cluster/cutover-switches.js';
import { ApiManagerOverlay } from './constructs/api-manager-overlay.js';
import { ReplicaOverlay } from './constructs/replica-overlay.js';
import { rewriteSecretsJob } from './jobs/rewrite-secrets-job.js';
import { PhaseChart } from './phase-chart.js';
import { renderDatabaseWork } from './database-mover-work.js';
import { renderRedisWork } from './redis-mover-work.js';

/** The external-component flags the movers turn on at cut-over, at `value` (undefined: a component the cut-over leaves alone). */
export function externalFlags(plan: Plan, value: boolean) {
  const flags = externalFlagsOf(plan);
  const at = (flag: (typeof flags)[number]) => (flags.includes(flag) ? value : undefined);
  return { systemDatabase: at('system.database'), backendRedis: at('backend.redis'), systemRedis: at('system.redis') };
}

/**
 * Cut-over (inside the window): first (wave -1) read-only Jobs prove every copy of copy-data again, on the new
 * servers and on the old ones while they answer; then the connection Secrets are backed up in the cluster and rewritten (wave 0),
 * the APIManager marks the moved components external (wave 1), and for MySQL kept in place the guarded
 * patches detach `system-mysql` from the operator (wave 2; the operator is at 0, and the component is
 * external by then, so nothing re-adds what they remove). The old servers the movers name are stopped so
 * nothing can write to a copy that is no longer used (the seed leaves them running). Each component's mover
 * says what it switches (src/procedures/externalize-on-cluster/switch-over.ts).
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  renderRedisWork(chart, 'cutover');
  rewriteSecretsJob(chart, 0);
  new ApiManagerOverlay(chart, 'ApiManager', {
    name: plan.spec.threescale.apiManagerName,
    namespace: plan.spec.threescale.namespace,
    phaseId: chart.phaseId,
    externalComponents: externalFlags(plan, true),
    wave: 1,
  });
  oldServersAt(chart, 0);
  renderDatabaseWork(chart, 'cutover');
  return chart;
}

/**
 * The old servers the movers stop at the cut-over, at a replica count: 0 there, 1 in its rollback. The
 * Redis servers of on-cluster moves are stopped by load-redis instead.
 */
export function oldServersAt(chart: PhaseChart<MigrationPlan>, replicas: number): void {
  const { plan } = chart;
  for (const name of stoppedServers(plan)) {
    new ReplicaOverlay(chart, `Old-${name}`, { name, namespace: plan.spec.threescale.namespace, replicas, phaseId: chart.phaseId, kind: threescaleWorkload(plan).kind });
  }
}
