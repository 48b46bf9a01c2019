import { loadPlanFile, withVersionRequirements } from '../plan/load-plan.js';
import type { VersionRequirementsPolicy } from '../plan/plan-schema.js';
import { cachedSynthesis } from './render-cache.js';
import { type OutputFile, synthesize } from './synthesize.js';
import { writeOutput } from './write-output.js';
import { checkOutPath } from './out-path.js';
import { validateSynthResult } from './validate-output.js';
import { UserError } from '../errors.js';
import { gitopsRepoURL, renderGitops, type GitopsEngine } from '../gitops/render-gitops.js';
import { repoPathOfOut } from '../gitops/repo-path.js';
import { checkTargetPhase } from '../phases/target-phase.js';
import type { GitopsSpec } from '../plan/plan-schema.js';

/** Options of {@link runSynth}. */
export interface RunSynthOptions {
  /** Plan file path. */
  readonly planPath: string;
  /** Output folder, replaced atomically and only if synth wrote it (see write-output.ts). */
  readonly outDir: string;
  /** GitOps wiring to add (default: `spec.gitops.engine`, else none). */
  readonly gitops?: GitopsEngine;
  /** Overrides `spec.gitops.targetPhase`. */
  readonly targetPhase?: string;
  /** Overrides `spec.preflight.versionRequirements`. */
  readonly versionRequirements?: VersionRequirementsPolicy;
  /** Rewrites the rendered GitOps wiring before it is validated and written (`synth --fleet` targets a remote cluster). */
  readonly wiring?: (files: readonly OutputFile[]) => OutputFile[];
}

/** Loads, renders, validates and writes; returns the summary printed to stdout. */
export async function runSynth(options: RunSynthOptions): Promise<string> {
  checkOutPath(options.outDir, options.planPath);
  const loaded = withVersionRequirements(loadPlanFile(options.planPath), options.versionRequirements);
  const engine = options.gitops ?? loaded.plan.spec.gitops.engine ?? 'none';
  if (options.targetPhase !== undefined && engine === 'none') {
    throw new UserError('--target-phase: only with --gitops argocd or flux (it sets the phase folder the engine reconciles); without --gitops every folder is written and none is targeted.');
  }
  checkTargetPhase(loaded.plan, loaded.plan.spec.gitops.targetPhase, `${loaded.path}: spec.gitops.targetPhase`);
  if (engine === 'argocd' || (engine === 'flux' && loaded.plan.spec.gitops.flux.sourceName === undefined)) gitopsRepoURL(loaded.plan, engine);
  const result = await cachedSynthesis(loaded, () => synthesize(loaded));
  const repo = engine === 'none' || loaded.plan.spec.gitops.path !== undefined ? undefined : repoPathOfOut(options.outDir);
  const rendered = renderGitops(loaded.plan, result, engine, options.targetPhase, repo?.path);
  const gitopsFiles = options.wiring && engine !== 'none' ? options.wiring(rendered) : rendered;
  const files = [...result.files, ...gitopsFiles].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  await validateSynthResult(result, gitopsFiles);
  for (const warning of await writeOutput(options.outDir, files)) process.stderr.write(`warning: ${warning}\n`);
  const lines = [`synthesized ${result.forward.length} phases and ${result.rollbacks.length} rollbacks of ${loaded.plan.metadata.name} into ${options.outDir}/`];
  for (const s of result.forward) lines.push(`  ${s.folder}/  ${s.objects.length} objects (${s.own.length} set by this phase)`);
  for (const s of result.rollbacks) lines.push(`  ${s.folder}/  ${s.objects.length} objects`);
  if (engine !== 'none') lines.push(`  gitops/${engine}/  ${gitopsFiles.length} files; ${wiringSource(loaded.plan.spec.gitops, engine, repo)}`);
  return lines.join('\n') + '\n';
}

/** Where the wiring points, said in the summary so a guessed path is never silent. */
function wiringSource(g: GitopsSpec, engine: 'argocd' | 'flux', repo: ReturnType<typeof repoPathOfOut> | undefined): string {
  const path = g.path !== undefined ? `${g.path} (spec.gitops.path)` : `${repo!.path} (${repo!.from === 'git' ? '--out in its Git repository' : '--out, taken as relative to the repository root; set spec.gitops.path if it is not'})`;
  const source = engine === 'flux' && g.flux.sourceName !== undefined ? `${g.flux.sourceKind} ${g.flux.namespace}/${g.flux.sourceName}` : `${g.repoURL} at ${g.targetRevision}`;
  return `the engine reads ${source}, path ${path}`;
}
