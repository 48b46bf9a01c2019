import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { INTERNAL_DATABASE_DEPLOYMENTS } from '../src/plan/deployments.js';
import { existingServerRedisRoles, managedSystemDatabase, mysqlKeptInPlace, POSTGRESQL_NAMES, postgresqlMove, redisMoves, redisNames, threescaleWorkload } from '../src/plan/plan-facts.js';
import type { Plan } from '../src/plan/plan-schema.js';
import { ApiManagerOverlay } from './constructs/api-manager-overlay.js';
import { ReplicaOverlay } from './constructs/replica-overlay.js';
import { rewriteSecretsJob } from './jobs/rewrite-secrets-job.js';
import { PhaseChart } from './phase-chart.js';
import { renderDatabaseWork } from './database-mover-work.js';
import { renderRedisWork } from './redis-mover-work.js';

/** The external-component flags a plan turns on at cut-over. */
export function externalFlags(plan: Plan, value: boolean) {
  const roles = [...redisMoves(plan), ...existingServerRedisRoles(plan)];
  return {
    systemDatabase: postgresqlMove(plan) || mysqlKeptInPlace(plan) || managedSystemDatabase(plan) ? value : undefined,
    backendRedis: roles.includes('backend') ? value : undefined,
    systemRedis: roles.includes('system') ? value : undefined,
  };
}

/**
 * Cut-over (inside the window): first (wave -1) read-only Jobs prove every copy of copy-data again, on the new
 * servers and on the old ones while they answer; then the connection Secrets are backed up in the cluster and rewritten (wave 0),
 * the APIManager marks the moved components external (wave 1), and for MySQL kept in place the guarded
 * patches detach `system-mysql` from the operator (wave 2; the operator is at 0, and the component is
 * external by then, so nothing re-adds what they remove). The old PostgreSQL is stopped so nothing can
 * write to the copy that is no longer used (the seed leaves it running).
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
  if (postgresqlMove(plan)) {
    new ReplicaOverlay(chart, 'OldPostgresql', { name: POSTGRESQL_NAMES.oldDeployment, namespace: plan.spec.threescale.namespace, replicas: 0, phaseId: chart.phaseId, kind: threescaleWorkload(plan).kind });
  }
  oldServersOfManagedTargets(plan, chart, 0);
  renderDatabaseWork(chart, 'cutover');
  return chart;
}

/**
 * The old servers whose data moved to managed targets: stopped at the cut-over so nothing writes to a copy
 * that is no longer used (the seed leaves them running until they are deleted), started again by its
 * rollback. The Redis servers of on-cluster moves are stopped by load-redis instead.
 */
export function oldServersOfManagedTargets(plan: Plan, chart: PhaseChart<MigrationPlan>, replicas: number): void {
  const ns = plan.spec.threescale.namespace;
  const db = managedSystemDatabase(plan);
  if (db) {
    const name = db.kind === 'postgresql' ? INTERNAL_DATABASE_DEPLOYMENTS.postgresql : INTERNAL_DATABASE_DEPLOYMENTS.mysql;
    new ReplicaOverlay(chart, 'OldManagedDatabase', { name, namespace: ns, replicas, phaseId: chart.phaseId, kind: threescaleWorkload(plan).kind });
  }
  for (const role of existingServerRedisRoles(plan)) {
    new ReplicaOverlay(chart, `OldManagedRedis-${role}`, { name: redisNames(role).oldDeployment, namespace: ns, replicas, phaseId: chart.phaseId, kind: threescaleWorkload(plan).kind });
  }
}
