import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { ownsSystemStorage, SYSTEM_STORAGE_PVC } from '../../src/procedures/fresh-install/fresh-install-facts.js';
import type { FreshInstallPlan } from '../../src/procedures/fresh-install/fresh-install-plan-schema.js';
import { ARGOCD_SYNC_WAVE, keepAnnotations, ownLabels } from '../constructs/metadata.js';
import { PhaseChart } from '../phase-chart.js';

/** APIManager fields of the component images (`spec.images.components`). */
const IMAGE_FIELDS = {
  apicast: ['apicast', 'image'],
  backend: ['backend', 'image'],
  system: ['system', 'image'],
  zync: ['zync', 'image'],
  systemMemcached: ['system', 'memcachedImage'],
  systemSearchd: ['system', 'searchdSpec', 'image'],
  zyncDatabase: ['zync', 'postgreSQLImage'],
} as const;

/**
 * A ReadWriteOnce `system-storage` attaches to one node, and both system-app and system-sidekiq mount it:
 * sidekiq must run on the node of system-app, or one of them fails with Multi-Attach. The plan admits one
 * replica of each with ReadWriteOnce; this puts the sidekiq pod beside the system-app pod (pods of the
 * operator's system-app Deployment carry `deployment: system-app`).
 */
export const WITH_SYSTEM_APP = {
  podAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { deployment: 'system-app' } }, topologyKey: 'kubernetes.io/hostname' }],
  },
} as const;

/** The spec of the APIManager this plan creates. */
export function apiManagerSpec(plan: FreshInstallPlan): Record<string, unknown> {
  const t = plan.spec.threescale;
  const fs = plan.spec.fileStorage;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- filled by field paths (IMAGE_FIELDS); the CRD schema validates the result
  const spec: Record<string, any> = {
    wildcardDomain: t.wildcardDomain,
    appLabel: t.appLabel,
    tenantName: t.tenantName,
    resourceRequirementsEnabled: t.resourceRequirementsEnabled,
    externalComponents: { system: { database: true, redis: true }, backend: { redis: true } },
    system: {
      appSpec: { replicas: t.systemAppReplicas },
      sidekiqSpec: { replicas: t.systemSidekiqReplicas, ...(fs.kind === 'pvc' && fs.accessMode === 'ReadWriteOnce' ? { affinity: WITH_SYSTEM_APP } : {}) },
      fileStorage:
        fs.kind === 's3'
          ? { simpleStorageService: { configurationSecretRef: { name: fs.configurationSecretName }, ...(fs.sts ? { sts: { enabled: fs.sts.enabled, ...(fs.sts.audience ? { audience: fs.sts.audience } : {}) } } : {}) } }
          : { persistentVolumeClaim: { storageClassName: fs.storageClassName ?? plan.spec.storageClasses.find((c) => c.default)!.name, resources: { requests: fs.size } } },
    },
  };
  if (plan.spec.images.pullSecretName) spec.imagePullSecrets = [{ name: plan.spec.images.pullSecretName }];
  for (const [key, path] of Object.entries(IMAGE_FIELDS)) {
    const ref = plan.spec.images.components[key as keyof typeof IMAGE_FIELDS];
    if (!ref) continue;
    let at = spec;
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- see `spec` above
    for (const p of path.slice(0, -1)) at = at[p] ??= {};
    at[path.at(-1)!] = ref;
  }
  return spec;
}

/**
 * The APIManager of a fresh 2.16 install: every database external (2.16 has no internal ones), the plan's
 * wildcard domain, file storage and resource switch. With a ReadWriteOnce file storage the `system-storage`
 * claim is created first (wave -1): the operator keeps a claim that exists, and would otherwise ask for
 * ReadWriteMany, which the field report's gp3 class refused.
 */
export function render(scope: Construct, id: string, context: RenderContext<FreshInstallPlan>): PhaseChart<FreshInstallPlan> {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  const t = plan.spec.threescale;
  const fs = plan.spec.fileStorage;
  if (ownsSystemStorage(plan) && fs.kind === 'pvc') {
    new k8s.KubePersistentVolumeClaim(chart, 'SystemStorage', {
      metadata: {
        name: SYSTEM_STORAGE_PVC,
        namespace: t.namespace,
        // The labels the operator gives its own system-storage claim, so its selectors and tools see it as theirs.
        labels: { app: t.appLabel, threescale_component: 'system', threescale_component_element: 'app', ...ownLabels(plan.metadata.name) },
        annotations: { ...keepAnnotations(), [ARGOCD_SYNC_WAVE]: '-1' },
      },
      spec: {
        accessModes: [fs.accessMode],
        resources: { requests: { storage: k8s.Quantity.fromString(fs.size) } },
        storageClassName: fs.storageClassName ?? plan.spec.storageClasses.find((c) => c.default)!.name,
        volumeMode: 'Filesystem',
      },
    });
  }
  new ApiObject(chart, 'APIManager', {
    apiVersion: 'apps.3scale.net/v1alpha1',
    kind: 'APIManager',
    metadata: { name: t.apiManagerName, namespace: t.namespace, labels: ownLabels(plan.metadata.name), annotations: keepAnnotations() },
    spec: apiManagerSpec(plan),
  });
  return chart;
}
