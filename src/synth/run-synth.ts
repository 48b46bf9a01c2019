import { loadPlanFile, withVersionRequirements } from '../plan/load-plan.js';
import type { VersionRequirementsPolicy } from '../plan/plan-schema.js';
import { synthesize } from './synthesize.js';
import { writeOutput } from './write-output.js';
import { checkOutPath } from './out-path.js';
import { validateSynthResult } from './validate-output.js';
import { renderGitops, type GitopsEngine } from '../gitops/render-gitops.js';

/** Options of {@link runSynth}. */
export interface RunSynthOptions {
  /** Plan file path. */
  readonly planPath: string;
  /** Output folder, replaced atomically and only if synth wrote it (see write-output.ts). */
  readonly outDir: string;
  /** GitOps wiring to add. */
  readonly gitops: GitopsEngine;
  /** Overrides `spec.gitops.targetPhase`. */
  readonly targetPhase?: string;
  /** Overrides `spec.preflight.versionRequirements`. */
  readonly versionRequirements?: VersionRequirementsPolicy;
}

/** Loads, renders, validates and writes; returns the summary printed to stdout. */
export async function runSynth(options: RunSynthOptions): Promise<string> {
  checkOutPath(options.outDir, options.planPath);
  const loaded = withVersionRequirements(loadPlanFile(options.planPath), options.versionRequirements);
  const result = await synthesize(loaded);
  const gitopsFiles = renderGitops(loaded.plan, result, options.gitops, options.targetPhase);
  const files = [...result.files, ...gitopsFiles].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  await validateSynthResult(result, gitopsFiles);
  for (const warning of await writeOutput(options.outDir, files)) process.stderr.write(`warning: ${warning}\n`);
  const lines = [`synthesized ${result.forward.length} phases and ${result.rollbacks.length} rollbacks of ${loaded.plan.metadata.name} into ${options.outDir}/`];
  for (const s of result.forward) lines.push(`  ${s.folder}/  ${s.objects.length} objects (${s.own.length} set by this phase)`);
  for (const s of result.rollbacks) lines.push(`  ${s.folder}/  ${s.objects.length} objects`);
  if (options.gitops !== 'none') lines.push(`  gitops/${options.gitops}/  ${gitopsFiles.length} files`);
  return lines.join('\n') + '\n';
}
