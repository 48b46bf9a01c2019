import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { ownsSystemStorage, SYSTEM_STORAGE_PVC } from '../../src/procedures/fresh-install/fresh-install-facts.js';
import type { FreshInstallPlan } from '../../src/procedures/fresh-install/fresh-install-plan-schema.js';
import { deleteObjectsJob } from '../jobs/delete-objects-job.js';
import { PhaseChart } from '../phase-chart.js';

/**
 * Rollback of the APIManager: deletes it (Kubernetes garbage-collects what the operator created under it)
 * and the system-storage claim this tool made. Secrets and databases stay for a retry.
 */
export function render(scope: Construct, id: string, context: RenderContext<FreshInstallPlan>): PhaseChart<FreshInstallPlan> {
  const chart = new PhaseChart(scope, id, context);
  const t = context.plan.spec.threescale;
  deleteObjectsJob(chart, 'remove-apimanager', [`${t.namespace} apimanager/${t.apiManagerName}`, ...(ownsSystemStorage(context.plan) ? [`${t.namespace} persistentvolumeclaim/${SYSTEM_STORAGE_PVC}`] : [])]);
  return chart;
}
