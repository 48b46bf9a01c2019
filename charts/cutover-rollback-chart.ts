import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { cutoverSwitches } from '../src/procedures/externalize-on-cluster/cutover-switches.js';
import { ApiManagerOverlay } from './constructs/api-manager-overlay.js';
import { externalFlags, oldServersAt } from './cutover-chart.js';
import { restoreSecretsJob } from './jobs/rewrite-secrets-job.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Rollback of the cut-over (seed 3.2.11 and the end of 3.4): the connection Secrets come back from their
 * in-cluster backups, the components are internal again (with `spec.system.database.postgresql: {}` put
 * back, because the operator removed it), and the old servers the cut-over stopped run again: each mover's
 * switch (src/procedures/externalize-on-cluster/switch-over.ts), undone. For MySQL kept in place the
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
    restoreInternalPostgresql: cutoverSwitches(plan).some((s) => s.restoresInternalPostgresql === true),
    wave: 1,
  });
  oldServersAt(chart, 1);
  return chart;
}
