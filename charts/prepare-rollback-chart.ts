import type { MigrationPlan } from '../src/plan/plan-schema.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { credentialCopies, POSTGRESQL_NAMES, postgresqlMove, postgresqlNamespace, rdbExportNames, rdbExports, REDIS_CONFIG_NAME, redisMoves, redisNames, redisNamespace } from '../src/plan/plan-facts.js';
import { deleteObjectsJob } from './jobs/delete-objects-job.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Rollback of prepare: deletes the new servers of a failed attempt (seed 3.2.11 and the end of 3.4 do
 * it by hand). Only objects prepare created are listed; the original databases are never touched.
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  const objects: string[] = [];
  const pg = postgresqlMove(plan);
  if (pg) {
    const ns = postgresqlNamespace(plan, pg);
    const n = POSTGRESQL_NAMES;
    objects.push(`${ns} deployment/${n.deployment}`, `${ns} service/${n.service}`, `${ns} serviceaccount/${n.serviceAccount}`, `${ns} persistentvolumeclaim/${n.pvc}`);
  }
  const redisNs = new Set<string>();
  for (const role of redisMoves(plan)) {
    const ns = redisNamespace(plan, role);
    redisNs.add(ns);
    const n = redisNames(role);
    objects.push(`${ns} deployment/${n.deployment}`, `${ns} service/${n.service}`, `${ns} serviceaccount/${n.serviceAccount}`, `${ns} persistentvolumeclaim/${n.pvc}`);
  }
  for (const ns of [...redisNs].sort()) objects.push(`${ns} configmap/${REDIS_CONFIG_NAME}`);
  // Managed targets: the RDB export volumes and the credential copies prepare made in the 3scale namespace.
  const ns3scale = plan.spec.threescale.namespace;
  for (const role of rdbExports(plan)) objects.push(`${ns3scale} persistentvolumeclaim/${rdbExportNames(role).pvc}`);
  for (const copy of credentialCopies(plan)) objects.push(`${ns3scale} secret/${copy.secretName}`);
  deleteObjectsJob(chart, 'remove-new-databases', objects);
  return chart;
}
