import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { installNamespaces, plannedImages } from '../../src/procedures/fresh-install/fresh-install-facts.js';
import type { FreshInstallPlan } from '../../src/procedures/fresh-install/fresh-install-plan-schema.js';
import { keepAnnotations, ownLabels } from '../constructs/metadata.js';
import { dataJob } from '../jobs/data-job.js';
import { PhaseChart } from '../phase-chart.js';

/** Pull secret the operator gives its pods when the plan names none (spec.imagePullSecrets default). */
export const DEFAULT_PULL_SECRET = 'threescale-registry-auth';

/**
 * Preflight of a fresh install: the namespaces, and a Job that checks, with the cluster's own DNS and
 * egress, that every image of the plan can be pulled for the nodes' architectures (the report found both
 * failures only when pods did not start). Its pull secret is mounted optionally: a public mirror needs none.
 */
export function render(scope: Construct, id: string, context: RenderContext<FreshInstallPlan>): PhaseChart<FreshInstallPlan> {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  if (plan.spec.operator.createNamespaces) {
    for (const name of installNamespaces(plan)) {
      new k8s.KubeNamespace(chart, `Namespace-${name}`, { metadata: { name, labels: ownLabels(plan.metadata.name), annotations: keepAnnotations() } });
    }
  }
  const pullSecret = plan.spec.images.pullSecretName ?? DEFAULT_PULL_SECRET;
  dataJob(chart, 'CheckImages', {
    name: 'check-images',
    namespace: plan.spec.threescale.namespace,
    script: 'check-images.sh',
    image: plan.spec.jobs.kubectlImage,
    wave: 0,
    env: [
      { name: 'IMAGES', value: [...new Set(plannedImages(plan).map((i) => i.image))].join('\n') },
      { name: 'ARCHITECTURES', value: plan.spec.images.architectures.join(' ') },
      { name: 'REGISTRY_AUTH_FILE', value: '/var/run/threescale-migrate/pull-secret/config.json' },
    ],
    volumes: [{ name: 'pull-secret', secret: { secretName: pullSecret, optional: true, items: [{ key: '.dockerconfigjson', path: 'config.json' }] } }],
    volumeMounts: [{ name: 'pull-secret', mountPath: '/var/run/threescale-migrate/pull-secret', readOnly: true }],
  });
  return chart;
}
