import { loadPlanFile, withVersionRequirements } from '../plan/load-plan.js';
import type { VersionRequirementsPolicy } from '../plan/plan-schema.js';
import { synthesize } from './synthesize.js';
import { writeOutput } from './write-output.js';
import { validateSynthResult } from './validate-output.js';
import { renderGitops, type GitopsEngine } from '../gitops/render-gitops.js';

/** Options of {@link runSynth}. */
export interface RunSynthOptions {
  /** Plan file path. */
  readonly planPath: string;
  /** Output folder, replaced atomically. */
  readonly outDir: string;
  /** GitOps wiring to add (default: `spec.gitops.engine`, else none). */
  readonly gitops?: GitopsEngine;
  /** Overrides `spec.gitops.targetPhase`. */
  readonly targetPhase?: string;
  /** Overrides `spec.preflight.versionRequirements`. */
  readonly versionRequirements?: VersionRequirementsPolicy;
}

/** Loads, renders, validates and writes; returns the summary printed to stdout. */
export async function runSynth(options: RunSynthOptions): Promise<string> {
  const loaded = withVersionRequirements(loadPlanFile(options.planPath), options.versionRequirements);
  const result = await synthesize(loaded);
  const engine = options.gitops ?? loaded.plan.spec.gitops.engine ?? 'none';
  const gitopsFiles = renderGitops(loaded.plan, result, engine, options.targetPhase);
  const files = [...result.files, ...gitopsFiles].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  await validateSynthResult(result, gitopsFiles);
  await writeOutput(options.outDir, files);
  const lines = [`synthesized ${result.forward.length} phases and ${result.rollbacks.length} rollbacks of ${loaded.plan.metadata.name} into ${options.outDir}/`];
  for (const s of result.forward) lines.push(`  ${s.folder}/  ${s.objects.length} objects (${s.own.length} set by this phase)`);
  for (const s of result.rollbacks) lines.push(`  ${s.folder}/  ${s.objects.length} objects`);
  if (engine !== 'none') lines.push(`  gitops/${engine}/  ${gitopsFiles.length} files`);
  return lines.join('\n') + '\n';
}
