import { k8s } from 'cdk8s-plus-28';
import { detachStepDocument, detachStepsIndex, mysqlDetachSteps } from '../../src/patches/mysql-detach.js';
import { jobHelperAnnotations, ownLabels } from '../constructs/metadata.js';
import type { PhaseChart } from '../phase-chart.js';
import { kubeJob } from './kube-job.js';

const PATCHES_CONFIGMAP = 'detach-system-mysql-patches';
/** API group of each kubectl resource the patches touch (core for the rest). */
const API_GROUPS: Record<string, string> = { deployment: 'apps', deploymentconfig: 'apps.openshift.io' };

/**
 * MySQL kept in place: the Job that applies the guarded JSON patches to the live objects, with the patches
 * in a ConfigMap (the same documents are written as files into the phase folder for review).
 */
export function detachMysqlJob(chart: PhaseChart, wave: number): void {
  const steps = mysqlDetachSteps(chart.plan);
  if (!steps.length) return;
  const namespace = chart.plan.spec.threescale.namespace;
  const data: Record<string, string> = { steps: detachStepsIndex(steps) };
  for (const s of steps) {
    data[s.file] = detachStepDocument(s);
    chart.addFile(`patches/${s.file}`, data[s.file]!);
  }
  new k8s.KubeConfigMap(chart, 'DetachPatches', {
    metadata: { name: PATCHES_CONFIGMAP, namespace, labels: ownLabels(chart.migration), annotations: jobHelperAnnotations(chart.phaseId) },
    data,
  });
  const byResource = new Map<string, Set<string>>();
  for (const s of steps) byResource.set(s.resource, (byResource.get(s.resource) ?? new Set()).add(s.name));
  const rules: k8s.PolicyRule[] = [...byResource.entries()].map(([resource, names]) => ({
    apiGroups: [API_GROUPS[resource] ?? ''],
    resources: [`${resource}s`],
    resourceNames: [...names].sort(),
    verbs: ['get', 'patch'],
  }));
  kubeJob(chart, 'DetachMysql', {
    name: 'detach-system-mysql',
    namespace,
    script: 'apply-json-patches.sh',
    wave,
    env: [
      { name: 'PATCH_DIR', value: '/patches' },
      { name: 'TARGET_NAMESPACE', value: namespace },
    ],
    access: [{ namespace, rules }],
    volumes: [{ name: 'patches', configMap: { name: PATCHES_CONFIGMAP } }],
    volumeMounts: [{ name: 'patches', mountPath: '/patches', readOnly: true }],
  });
}
