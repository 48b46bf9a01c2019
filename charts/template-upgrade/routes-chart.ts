import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { ROUTE_RESOURCE, routesToDelete } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-facts.js';
import type { TemplateUpgradePlan } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-plan-schema.js';
import { grant } from '../constructs/grant.js';
import { deleteObjectsJob } from '../jobs/delete-objects-job.js';
import { kubeJob } from '../jobs/kube-job.js';
import type { PhaseChart } from '../phase-chart.js';
import { templateChart } from './template-chart.js';

/**
 * Zync route management (seed 2.9): the deployment option of the listed services through the Account
 * Management API (token from a Secret reference), the deletion of the 2.5 routes, then the resync that
 * makes Zync create the routes of every tenant and service.
 */
export function render(scope: Construct, id: string, context: RenderContext<TemplateUpgradePlan>): PhaseChart<TemplateUpgradePlan> {
  const chart = templateChart(scope, id, context);
  const { plan } = context;
  const namespace = plan.spec.threescale.namespace;
  const options = plan.spec.routes.serviceDeploymentOptions;
  const token = plan.spec.routes.accessTokenSecret;
  if (options.length && token) {
    kubeJob(chart, 'DeploymentOptions', {
      name: 'set-deployment-options',
      namespace,
      script: 'set-deployment-options.sh',
      wave: 0,
      env: [
        { name: 'SERVICES', value: options.map((o) => `${o.tenantUrl} ${o.serviceId} ${o.deploymentOption}`).join('\n') },
        { name: 'ACCESS_TOKEN', valueFrom: { secretKeyRef: { name: token.name, key: token.key } } },
      ],
      access: [],
    });
  }
  deleteObjectsJob(chart, 'delete-2-5-routes', routesToDelete(plan).map((name) => `${namespace} ${ROUTE_RESOURCE}/${name}`));
  kubeJob(chart, 'ZyncResync', {
    name: 'zync-resync',
    namespace,
    script: 'zync-resync.sh',
    wave: 1,
    env: [{ name: 'SIDEKIQ_SELECTOR', value: 'deploymentconfig=system-sidekiq' }],
    access: [
      {
        namespace,
        rules: [
          grant({ types: 'pod' }, ['get', 'list']),
          grant({ types: 'pod', subresource: 'exec' }, ['create', 'get']),
        ],
      },
    ],
  });
  return chart;
}
