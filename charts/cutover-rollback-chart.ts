import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { managedSystemDatabase, POSTGRESQL_NAMES, postgresqlMove, threescaleWorkload } from '../src/plan/plan-facts.js';
import { ApiManagerOverlay } from './constructs/api-manager-overlay.js';
import { ReplicaOverlay } from './constructs/replica-overlay.js';
import { externalFlags, oldServersOfManagedTargets } from './cutover-chart.js';
import { restoreSecretsJob } from './jobs/rewrite-secrets-job.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Rollback of the cut-over (seed 3.2.11 and the end of 3.4): the connection Secrets come back from their
 * in-cluster backups, the components are internal again (with `spec.system.database.postgresql: {}` put
 * back, because the operator removed it), and the old PostgreSQL runs again. For MySQL kept in place the
 * operator re-adds its ownerReference and labels itself once it runs and the database is internal.
 * 3scale stays scaled down: the rollback of scale-down (or of scale-up) brings it back.
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  restoreSecretsJob(chart, 0);
  new ApiManagerOverlay(chart, 'ApiManager', {
    name: plan.spec.threescale.apiManagerName,
    namespace: plan.spec.threescale.namespace,
    phaseId: chart.phaseId,
    externalComponents: externalFlags(plan, false),
    restoreInternalPostgresql: postgresqlMove(plan) !== undefined || managedSystemDatabase(plan)?.kind === 'postgresql',
    wave: 1,
  });
  if (postgresqlMove(plan)) {
    new ReplicaOverlay(chart, 'OldPostgresql', { name: POSTGRESQL_NAMES.oldDeployment, namespace: plan.spec.threescale.namespace, replicas: 1, phaseId: chart.phaseId, kind: threescaleWorkload(plan).kind });
  }
  oldServersOfManagedTargets(plan, chart, 1);
  return chart;
}
