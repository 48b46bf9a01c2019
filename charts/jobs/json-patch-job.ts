import { k8s } from 'cdk8s-plus-28';
import { type JsonPatchStep, patchStepDocument, patchStepsIndex } from '../../src/patches/json-patch-steps.js';
import { grant } from '../constructs/grant.js';
import { jobHelperAnnotations, ownLabels } from '../constructs/metadata.js';
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
export function jsonPatchJob(chart: PhaseChart, id: string, props: JsonPatchJobProps): void {
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
  const byResource = new Map<string, Set<string>>();
  for (const s of steps) byResource.set(s.resource, (byResource.get(s.resource) ?? new Set<string>()).add(s.name));
  const rules: k8s.PolicyRule[] = [...byResource.entries()].map(([types, names]) => grant({ types, names: [...names].sort() }, ['get', 'patch']));
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
