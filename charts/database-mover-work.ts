import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { DatabaseJob, DatabasePhase } from '../src/procedures/externalize-on-cluster/database-movers/mover.js';
import { databaseJobs, databaseServers } from '../src/procedures/externalize-on-cluster/database-movers/registry.js';
import { ExternalPostgresql } from './constructs/external-postgresql.js';
import { checkTargetsJobs } from './jobs/check-targets-job.js';
import { copyDatabaseCredentialsJob } from './jobs/copy-database-credentials-job.js';
import { copyPostgresqlJob } from './jobs/copy-postgresql-job.js';
import { copyToManagedJob } from './jobs/copy-to-managed-job.js';
import { detachMysqlJob } from './jobs/detach-mysql-job.js';
import { verifyCopyJobs } from './jobs/verify-copy-job.js';
import { verifyDatabaseJob } from './jobs/verify-job.js';
import type { PhaseChart } from './phase-chart.js';

/** How each Job a System database mover names is built (the detach runs after the APIManager marks the database external: wave 2). */
const BUILD: { readonly [B in DatabaseJob['build']]: (chart: PhaseChart<MigrationPlan>, job: DatabaseJob) => void } = {
  'copy-postgresql': copyPostgresqlJob,
  'copy-to-managed': copyToManagedJob,
  'detach-mysql': (chart) => detachMysqlJob(chart, 2),
  // Before anything of the cut-over changes.
  'verify-copy': (chart) => verifyCopyJobs(chart, -1),
  // After the credentials Secrets are copied into the 3scale namespace (wave 0).
  'check-managed-database': (chart) => checkTargetsJobs(chart, { prefix: 'check-managed', wave: 1, redisRoles: [] }),
  'copy-database-credentials': (chart, job) => copyDatabaseCredentialsJob(chart, job.namespace ?? chart.plan.spec.threescale.namespace),
  'verify-database': (chart, job) => verifyDatabaseJob(chart, job.target!),
};

/** Renders the servers and Jobs the plan's System database mover contributes to a phase (src/procedures/externalize-on-cluster/database-movers/). */
export function renderDatabaseWork(chart: PhaseChart<MigrationPlan>, phase: DatabasePhase): void {
  const { plan } = chart;
  const db = plan.spec.systemDatabase;
  for (const server of databaseServers(plan, phase)) {
    if (db.kind === 'postgresql') new ExternalPostgresql(chart, 'Postgresql', { database: db, namespace: server.namespace, migration: plan.metadata.name });
  }
  for (const job of databaseJobs(plan, phase)) BUILD[job.build](chart, job);
}
