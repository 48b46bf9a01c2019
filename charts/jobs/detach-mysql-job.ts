import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { mysqlDetachSteps } from '../../src/procedures/externalize-on-cluster/mysql-detach.js';
import type { PhaseChart } from '../phase-chart.js';
import { jsonPatchJob } from './json-patch-job.js';

/**
 * MySQL kept in place: the Job that applies the guarded JSON patches to the live objects, with the patches
 * in a ConfigMap (the same documents are written as files into the phase folder for review).
 */
export function detachMysqlJob(chart: PhaseChart<MigrationPlan>, wave: number): void {
  jsonPatchJob(chart, 'DetachMysql', { name: 'detach-system-mysql', namespace: chart.plan.spec.threescale.namespace, steps: mysqlDetachSteps(chart.plan), wave });
}
