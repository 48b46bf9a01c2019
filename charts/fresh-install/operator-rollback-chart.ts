import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { operatorNamespace } from '../../src/procedures/fresh-install/fresh-install-facts.js';
import type { FreshInstallPlan } from '../../src/procedures/fresh-install/fresh-install-plan-schema.js';
import { deleteObjectsJob } from '../jobs/delete-objects-job.js';
import { PhaseChart } from '../phase-chart.js';
import { OPERATOR_GROUP } from './operator-chart.js';

/** Rollback of the operator installation: the Subscription and the OperatorGroup this tool created, nothing else. */
export function render(scope: Construct, id: string, context: RenderContext<FreshInstallPlan>): PhaseChart<FreshInstallPlan> {
  const chart = new PhaseChart(scope, id, context);
  const ns = operatorNamespace(context.plan);
  deleteObjectsJob(chart, 'remove-operator', [`${ns} subscription/${context.plan.spec.operator.package}`, `${ns} operatorgroup/${OPERATOR_GROUP}`]);
  return chart;
}
