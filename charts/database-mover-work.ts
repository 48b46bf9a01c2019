import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { DatabaseJob, DatabasePhase } from '../src/procedures/externalize-on-cluster/database-movers/mover.js';
import { databaseJobs } from '../src/procedures/externalize-on-cluster/database-movers/registry.js';
import { copyPostgresqlJob } from './jobs/copy-postgresql-job.js';
import { copyToManagedJob } from './jobs/copy-to-managed-job.js';
import { detachMysqlJob } from './jobs/detach-mysql-job.js';
import { verifyCopyJobs } from './jobs/verify-copy-job.js';
import type { PhaseChart } from './phase-chart.js';

/** How each Job a System database mover names is built (the detach runs after the APIManager marks the database external: wave 2). */
const BUILD: { readonly [B in DatabaseJob['build']]: (chart: PhaseChart<MigrationPlan>) => void } = {
  'copy-postgresql': copyPostgresqlJob,
  'copy-to-managed': copyToManagedJob,
  'detach-mysql': (chart) => detachMysqlJob(chart, 2),
  // Before anything of the cut-over changes.
  'verify-copy': (chart) => verifyCopyJobs(chart, -1),
};

/** Renders the Jobs the plan's System database mover contributes to a phase (src/procedures/externalize-on-cluster/database-movers/). */
export function renderDatabaseWork(chart: PhaseChart<MigrationPlan>, phase: DatabasePhase): void {
  for (const job of databaseJobs(chart.plan, phase)) BUILD[job.build](chart);
}
