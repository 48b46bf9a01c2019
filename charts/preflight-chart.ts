import type { MigrationPlan } from '../src/plan/plan-schema.js';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { THREESCALE_DEPLOYMENTS } from '../src/plan/deployments.js';
import { STATE_CONFIGMAP, stateReplicasKey } from '../src/contract/on-cluster.js';
import { keepAnnotations, ownLabels } from './constructs/metadata.js';
import { versionCheckJobsFor } from './jobs/version-check-jobs.js';
import { PhaseChart } from './phase-chart.js';

/**
 * Preflight: records, in the 3scale namespace, which plan runs and the replica counts captured before the
 * scale-down, so they outlive the operator's laptop and the shell variables of the vendor procedure; and
 * asks the servers in use for their version (seed chapter 1: minimum versions of 3scale 2.16).
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  const data: Record<string, string> = {
    migration: plan.metadata.name,
    procedure: plan.spec.procedure,
    'plan.sha256': context.planSha256,
    'apimanager': plan.spec.threescale.apiManagerName,
  };
  for (const name of THREESCALE_DEPLOYMENTS) data[stateReplicasKey(name)] = String(plan.spec.replicas[name]);
  new k8s.KubeConfigMap(chart, 'State', {
    metadata: {
      name: STATE_CONFIGMAP,
      namespace: plan.spec.threescale.namespace,
      labels: ownLabels(plan.metadata.name),
      annotations: keepAnnotations(),
    },
    data,
  });
  versionCheckJobsFor(chart, 'current');
  return chart;
}
