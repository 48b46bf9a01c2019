import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { Subscription, SubscriptionSpecInstallPlanApproval } from '../../imports/olm-operators.coreos.com.js';
import type { RenderContext } from '../../src/phases/phase.js';
import { operatorNamespace } from '../../src/procedures/fresh-install/fresh-install-facts.js';
import type { FreshInstallPlan } from '../../src/procedures/fresh-install/fresh-install-plan-schema.js';
import { keepAnnotations, ownLabels } from '../constructs/metadata.js';
import { PhaseChart } from '../phase-chart.js';

/** Name of the OperatorGroup this tool creates for the 3scale operator. */
export const OPERATOR_GROUP = '3scale-operator';

/**
 * The operator installation through OLM: an OperatorGroup that targets the 3scale namespace (the operator
 * supports OwnNamespace and SingleNamespace) and a Subscription on threescale-2.16. Both carry the keep
 * annotations: pruning the Subscription would leave the operator without updates.
 */
export function render(scope: Construct, id: string, context: RenderContext<FreshInstallPlan>): PhaseChart<FreshInstallPlan> {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  const o = plan.spec.operator;
  const namespace = operatorNamespace(plan);
  const metadata = { namespace, labels: ownLabels(plan.metadata.name), annotations: keepAnnotations() };
  new ApiObject(chart, 'OperatorGroup', {
    apiVersion: 'operators.coreos.com/v1',
    kind: 'OperatorGroup',
    metadata: { name: OPERATOR_GROUP, ...metadata },
    spec: { targetNamespaces: [plan.spec.threescale.namespace] },
  });
  new Subscription(chart, 'Subscription', {
    metadata: { name: o.package, ...metadata },
    spec: {
      name: o.package,
      source: o.source,
      sourceNamespace: o.sourceNamespace,
      channel: o.channel,
      installPlanApproval: o.installPlanApproval === 'Manual' ? SubscriptionSpecInstallPlanApproval.MANUAL : SubscriptionSpecInstallPlanApproval.AUTOMATIC,
      ...(o.startingCSV ? { startingCsv: o.startingCSV } : {}),
    },
  });
  return chart;
}
