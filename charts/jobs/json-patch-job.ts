import { k8s } from 'cdk8s-plus-28';
import { type JsonPatchStep, patchStepDocument, patchStepsIndex } from '../../src/patches/json-patch-steps.js';
import { jobHelperAnnotations, ownLabels } from '../constructs/metadata.js';
import type { PlanBase } from '../../src/plan/plan-base.js';
import type { PhaseChart } from '../phase-chart.js';
import { kubeJob } from './kube-job.js';

/** Props of {@link jsonPatchJob}. */
export interface JsonPatchJobProps {
  /** Job name; the patches ConfigMap is `<name>-patches`. */
  readonly name: string;
  /** Namespace of the Job and of the patched objects. */
  readonly namespace: string;
  /** The steps, in the order they are applied. */
  readonly steps: readonly JsonPatchStep[];
  /** Argo CD sync wave inside the phase. */
  readonly wave: number;
  /**
   * Folder, inside the phase folder, where the patch documents are also written for review.
   * @default patches
   */
  readonly reviewFolder?: string;
}

/**
 * A Job that applies guarded RFC 6902 patch steps (charts/scripts/kube/apply-json-patches.sh), with the
 * steps in a ConfigMap and the same documents written as files into the phase folder for review. Its Role
 * allows `get` and `patch` on exactly the patched objects.
 */
export function jsonPatchJob(chart: PhaseChart<PlanBase>, id: string, props: JsonPatchJobProps): void {
  const { steps, namespace } = props;
  if (!steps.length) return;
  const configMap = `${props.name}-patches`;
  const data: Record<string, string> = { steps: patchStepsIndex(steps) };
  for (const s of steps) {
    data[s.file] = patchStepDocument(s);
    chart.addFile(`${props.reviewFolder ?? 'patches'}/${s.file}`, data[s.file]!);
  }
  new k8s.KubeConfigMap(chart, `${id}Patches`, {
    metadata: { name: configMap, namespace, labels: ownLabels(chart.migration), annotations: jobHelperAnnotations(chart.phaseId) },
    data,
  });
  const byResource = new Map<string, { group: string; plural: string; names: Set<string> }>();
  for (const s of steps) {
    const entry = byResource.get(s.resource) ?? { group: apiGroupOf(s.apiVersion), plural: pluralOf(s.resource), names: new Set<string>() };
    entry.names.add(s.name);
    byResource.set(s.resource, entry);
  }
  const rules: k8s.PolicyRule[] = [...byResource.values()].map((e) => ({ apiGroups: [e.group], resources: [e.plural], resourceNames: [...e.names].sort(), verbs: ['get', 'patch'] }));
  kubeJob(chart, id, {
    name: props.name,
    namespace,
    script: 'apply-json-patches.sh',
    wave: props.wave,
    env: [
      { name: 'PATCH_DIR', value: '/patches' },
      { name: 'TARGET_NAMESPACE', value: namespace },
    ],
    access: [{ namespace, rules }],
    volumes: [{ name: 'patches', configMap: { name: configMap } }],
    volumeMounts: [{ name: 'patches', mountPath: '/patches', readOnly: true }],
  });
}

function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** REST plural of a kubectl resource name (`deploymentconfig.apps.openshift.io` -> `deploymentconfigs`). */
export function pluralOf(resource: string): string {
  const singular = resource.split('.')[0]!;
  return singular.endsWith('s') ? `${singular}es` : `${singular}s`;
}
