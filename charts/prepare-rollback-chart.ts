import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { credentialCopies } from '../src/plan/plan-facts.js';
import { databaseCreates } from '../src/procedures/externalize-on-cluster/database-movers/registry.js';
import { redisCreates } from '../src/procedures/externalize-on-cluster/redis-movers/registry.js';
import { deleteObjectsJob } from './jobs/delete-objects-job.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Rollback of prepare: deletes the new servers of a failed attempt (seed 3.2.11 and the end of 3.4 do
 * it by hand). Only objects prepare created are listed, as the movers' prepare work names them (new servers, the
 * credentials copied beside a PostgreSQL server in another namespace, the RDB export volumes of managed Redis),
 * and the credential copies prepare made in the 3scale namespace; the original databases are never touched.
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  const ns = plan.spec.threescale.namespace;
  const objects = [...databaseCreates(plan, 'prepare'), ...redisCreates(plan, 'prepare'), ...credentialCopies(plan).map((copy) => `${ns} secret/${copy.secretName}`)];
  deleteObjectsJob(chart, 'remove-new-databases', objects);
  return chart;
}
