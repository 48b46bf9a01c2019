import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { AMP_SERVICE_ACCOUNT } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-facts.js';
import type { TemplateUpgradePlan } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-plan-schema.js';
import { keepAnnotations, ownLabels } from '../constructs/metadata.js';
import type { PhaseChart } from '../phase-chart.js';
import { addPatchJob } from './patch-phase-chart.js';
import { templateChart } from './template-chart.js';

/**
 * Registry authentication (seed 2.2): ServiceAccount `amp` pulls with the registry.redhat.io Secret the
 * user created (referenced by name only, never rendered), optionally with the cluster role `view` that
 * service discovery gave `default`; then a Job moves every DeploymentConfig to it with guarded patches.
 */
export function render(scope: Construct, id: string, context: RenderContext<TemplateUpgradePlan>): PhaseChart<TemplateUpgradePlan> {
  const chart = templateChart(scope, id, context);
  const { plan } = context;
  const namespace = plan.spec.threescale.namespace;
  new k8s.KubeServiceAccount(chart, 'Amp', {
    metadata: { name: AMP_SERVICE_ACCOUNT, namespace, labels: { app: plan.spec.threescale.appLabel, ...ownLabels(chart.migration) }, annotations: keepAnnotations() },
    imagePullSecrets: [{ name: plan.spec.registry.pullSecretName }],
  });
  if (plan.spec.registry.grantView) {
    new k8s.KubeClusterRoleBinding(chart, 'AmpView', {
      metadata: { name: `threescale-${namespace}-amp-view`, labels: ownLabels(chart.migration), annotations: keepAnnotations() },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: AMP_SERVICE_ACCOUNT, namespace }],
    });
  }
  addPatchJob(chart, 1);
  return chart;
}
