import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { DeploymentConfig, DeploymentConfigSpecStrategyType, DeploymentConfigSpecTriggersImageChangeParamsFromKind, DeploymentConfigSpecTriggersType } from '../../imports/openshift-apps-apps.openshift.io.js';
import { ImageStream, ImageStreamSpecTagsFromKind, ImageStreamSpecTagsReferencePolicyType } from '../../imports/openshift-image-image.openshift.io.js';
import type { RenderContext } from '../../src/phases/phase.js';
import type { TemplateUpgradePlan } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-plan-schema.js';
import { grant } from '../constructs/grant.js';
import { keepAnnotations, ownLabels } from '../constructs/metadata.js';
import type { PhaseChart } from '../phase-chart.js';
import { templateChart } from './template-chart.js';

/** The database ImageStreams of 2.6 (seed 2.3), with the component labels of the 2.6 template and the plan image each follows. */
export const NEW_IMAGE_STREAMS = [
  { name: 'backend-redis', display: 'Backend Redis', component: 'backend', element: 'redis', image: 'backendRedis' },
  { name: 'system-redis', display: 'System Redis', component: 'system', element: 'redis', image: 'systemRedis' },
  { name: 'system-memcached', display: 'System Memcached', component: 'system', element: 'memcache', image: 'memcached' },
  { name: 'system-mysql', display: 'System MySQL', component: 'system', element: 'mysql', image: 'mysql' },
  { name: 'zync-database-postgresql', display: 'Zync PostgreSQL', component: 'zync', element: 'database', image: 'postgresql' },
] as const;

/**
 * New objects of 2.6 (seed 2.3), rendered as the 2.6 template would create them with the parameters
 * discovery found (APP_LABEL, IMAGESTREAM_TAG_IMPORT_INSECURE), instead of running `oc new-app` on the
 * whole template and reading past the expected errors. Everything else of the template already exists.
 */
export function render(scope: Construct, id: string, context: RenderContext<TemplateUpgradePlan>): PhaseChart<TemplateUpgradePlan> {
  const chart = templateChart(scope, id, context);
  const { plan } = context;
  const namespace = plan.spec.threescale.namespace;
  const app = plan.spec.threescale.appLabel;
  const release = plan.spec.targetRelease;
  const labels = (component: string, element: string) => ({ app, threescale_component: component, threescale_component_element: element, ...ownLabels(chart.migration) });

  for (const s of NEW_IMAGE_STREAMS) {
    new ImageStream(chart, `ImageStream-${s.name}`, {
      metadata: { name: s.name, namespace, labels: labels(s.component, s.element), annotations: { 'openshift.io/display-name': s.display, ...keepAnnotations() } },
      spec: {
        tags: [
          {
            name: release,
            annotations: { 'openshift.io/display-name': `${s.display} ${release}` },
            from: { kind: ImageStreamSpecTagsFromKind.DOCKER_IMAGE, name: plan.spec.images[s.image] },
            importPolicy: { insecure: plan.spec.threescale.importInsecure },
            referencePolicy: { type: ImageStreamSpecTagsReferencePolicyType.SOURCE },
          },
          {
            name: 'latest',
            annotations: { 'openshift.io/display-name': `${s.display} (latest)` },
            from: { kind: ImageStreamSpecTagsFromKind.IMAGE_STREAM_TAG, name: release },
            importPolicy: { insecure: plan.spec.threescale.importInsecure },
            referencePolicy: { type: ImageStreamSpecTagsReferencePolicyType.SOURCE },
          },
        ],
      },
    });
  }

  const queLabels = labels('zync', 'zync-que');
  new k8s.KubeServiceAccount(chart, 'ZyncQueSa', {
    metadata: { name: 'zync-que-sa', namespace, labels: queLabels, annotations: keepAnnotations() },
    imagePullSecrets: [{ name: plan.spec.registry.pullSecretName }],
  });
  // What zync-que does with the API: it creates, updates and deletes the routes of tenants and services
  // (custom hosts included) and reads the objects it links them to.
  new k8s.KubeRole(chart, 'ZyncQueRole', {
    metadata: { name: 'zync-que-role', namespace, labels: queLabels, annotations: keepAnnotations() },
    rules: [
      grant({ types: 'route.route.openshift.io' }, ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']),
      grant({ types: 'route.route.openshift.io', subresource: 'custom-host' }, ['create']),
      grant({ types: 'route.route.openshift.io', subresource: 'status' }, ['get']),
      grant({ types: 'deploymentconfig' }, ['get', 'list']),
      grant({ types: ['pod', 'replicationcontroller'] }, ['get', 'list']),
    ],
  });
  new k8s.KubeRoleBinding(chart, 'ZyncQueRoleBinding', {
    metadata: { name: 'zync-que-rolebinding', namespace, labels: queLabels, annotations: keepAnnotations() },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'zync-que-role' },
    subjects: [{ kind: 'ServiceAccount', name: 'zync-que-sa', namespace }],
  });
  const secret = (name: string) => ({ name, valueFrom: { secretKeyRef: { name: 'zync', key: name } } });
  new DeploymentConfig(chart, 'ZyncQue', {
    metadata: { name: 'zync-que', namespace, labels: queLabels, annotations: keepAnnotations() },
    spec: {
      replicas: 1,
      selector: { deploymentConfig: 'zync-que' },
      strategy: {
        type: DeploymentConfigSpecStrategyType.ROLLING,
        rollingParams: { intervalSeconds: 1, maxSurge: '25%', maxUnavailable: '25%', timeoutSeconds: 1200, updatePeriodSeconds: 1 },
      },
      template: {
        metadata: {
          labels: { app, deploymentConfig: 'zync-que', threescale_component: 'zync', threescale_component_element: 'zync-que' },
          annotations: { 'prometheus.io/port': '9394', 'prometheus.io/scrape': 'true' },
        },
        spec: {
          serviceAccountName: 'zync-que-sa',
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: 'que',
              image: 'amp-zync:latest',
              imagePullPolicy: 'Always',
              command: ['/usr/bin/bash'],
              args: ['-c', "bundle exec rake 'que[--worker-count 10]'"],
              env: [
                { name: 'RAILS_LOG_TO_STDOUT', value: 'true' },
                { name: 'RAILS_ENV', value: 'production' },
                secret('DATABASE_URL'),
                secret('SECRET_KEY_BASE'),
                secret('ZYNC_AUTHENTICATION_TOKEN'),
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              ],
              ports: [{ name: 'metrics', containerPort: 9394, protocol: 'TCP' }],
              resources: { limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: '250m', memory: '250M' } },
            },
          ],
        },
      },
      triggers: [
        { type: DeploymentConfigSpecTriggersType.CONFIG_CHANGE },
        {
          type: DeploymentConfigSpecTriggersType.IMAGE_CHANGE,
          imageChangeParams: { automatic: true, containerNames: ['que'], from: { kind: DeploymentConfigSpecTriggersImageChangeParamsFromKind.IMAGE_STREAM_TAG, name: 'amp-zync:latest' } },
        },
      ],
    },
  });
  return chart;
}
