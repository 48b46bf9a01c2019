import { parseAllDocuments } from 'yaml';
import { isPartial } from '../contract/on-cluster.js';
import { objectRef, type KubeObject } from '../kube/kube-object.js';
import { validateManifest } from '../validate/validate-manifest.js';
import type { OutputFile, SynthResult } from './synthesize.js';


/**
 * Validates every synthesized object against its schema (Kubernetes OpenAPI through kubernetes-models,
 * Argo CD and Flux models, the project's CRDs for APIManager and Subscription); partial objects are checked
 * for types and enums but not for required fields. A failure here is a bug of the charts, not of the
 * plan (the plan was validated before rendering), so it is reported with every issue.
 */
export async function validateSynthResult(result: SynthResult, gitopsFiles: readonly OutputFile[]): Promise<void> {
  const problems: string[] = [];
  const seen = new Set<KubeObject>();
  for (const state of [...result.forward, ...result.rollbacks]) {
    for (const o of state.objects) {
      if (seen.has(o)) continue;
      seen.add(o);
      const partial = isPartial(o);
      for (const issue of validateManifest(o, { partial })) problems.push(`${state.folder}: ${issue.message}`);
    }
  }
  for (const f of gitopsFiles) {
    // Kustomization files and merge patches (`*.patch.yaml`) are not Kubernetes objects.
    if (!f.path.endsWith('.yaml') || f.path.endsWith('kustomization.yaml') || f.path.endsWith('.patch.yaml')) continue;
    for (const doc of parseAllDocuments(f.content)) {
      const o = doc.toJS() as KubeObject;
      for (const issue of validateManifest(o)) problems.push(`${f.path} (${objectRef(o)}): ${issue.message}`);
    }
  }
  if (problems.length) {
    throw new Error(`threescale-migrate: synthesized objects do not validate against their schemas:\n  ${problems.join('\n  ')}`);
  }
}
