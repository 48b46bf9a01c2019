import { UserError } from '../errors.js';
import { loadPlanFile, withVersionRequirements } from '../plan/load-plan.js';
import type { VersionRequirementsPolicy } from '../plan/plan-schema.js';
import { findFolderState } from '../synth/folder-target.js';
import { cachedSynthesis } from '../synth/render-cache.js';
import { synthesize } from '../synth/synthesize.js';
import { buildDiffReport, type DiffReport } from './diff-report.js';
import type { ExplainOptions } from './explain/explain-failures.js';
import { readSynthesizedTarget } from './synthesized-target.js';
import { ClusterSource, ExportSource, type LiveSource } from './live-source.js';

/** Field managers of the engines that apply the folders, for the server-side apply dry-run. */
export const FIELD_MANAGERS = { argocd: 'argocd-controller', flux: 'kustomize-controller', kubectl: 'kubectl', ours: 'threescale-migrate' } as const;

/** Options shared by `diff` and `status`. */
export interface CompareOptions {
  readonly planPath: string;
  /** Folder to compare (phase id or rollback/<id>); default the plan's GitOps target phase. */
  readonly phase?: string;
  /** Exported `oc get -o yaml` List (or folder); otherwise the cluster. */
  readonly liveFile?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  /** `argocd`, `flux`, `kubectl`, `ours`, or a literal field manager name; default the engine of `spec.gitops.engine`. */
  readonly fieldManager?: string;
  readonly requestTimeoutMs?: number;
  /**
   * Also explain failures from pod states, Warning Events and logs (`--explain`); options bound the reads.
   * @default no explanations
   */
  readonly explain?: boolean | ExplainOptions;
  /** Overrides `spec.preflight.versionRequirements` (the table the server versions are judged against). */
  readonly versionRequirements?: VersionRequirementsPolicy;
  /**
   * The folder synth wrote: the target is the phase its GitOps wiring reconciles, and the advice names it.
   * @default none: the target is `spec.gitops.targetPhase`, and the advice names synth's default `dist`
   */
  readonly dir?: string;
}

/** Loads the plan, renders every phase, reads the live state and builds the report. */
export async function compareWithLive(options: CompareOptions): Promise<DiffReport> {
  const loaded = withVersionRequirements(loadPlanFile(options.planPath), options.versionRequirements);
  const result = await cachedSynthesis(loaded, () => synthesize(loaded));
  const synthesized = options.dir === undefined ? undefined : readSynthesizedTarget(options.dir, loaded.plan.metadata.name);
  const target = options.phase ?? synthesized?.folder ?? loaded.plan.spec.gitops.targetPhase;
  const { pool, found } = findFolderState(result, target);
  if (!found) {
    const field = options.phase ? '--phase' : synthesized?.folder ? `${synthesized.dir}/gitops/${synthesized.engine}: the active phase` : `${options.planPath}: spec.gitops.targetPhase`;
    throw new UserError(`${field}: "${target}" is not a ${target.startsWith('rollback/') ? 'rollback ' : ''}folder of this plan; expected one of ${pool.map((s) => s.folder).join(', ')}.`);
  }
  const source = await openSource(options);
  const fieldManager = resolveFieldManager(options.fieldManager ?? engineFieldManager(loaded.plan.spec.gitops.engine));
  const built = await buildDiffReport(loaded.plan, result, source, { target, fieldManager });
  const report = synthesized ? { ...built, synthesized } : built;
  if (!options.explain) return report;
  const { explainFailures } = await import('./explain/explain-failures.js');
  const explained = await explainFailures(loaded.plan, result, source, report.phases, options.explain === true ? {} : options.explain);
  return { ...report, explanations: explained.explanations, explainNotes: explained.notes };
}

/** The preset a GitOps engine applies under (`none`, or no engine: ours). */
export function engineFieldManager(engine: 'none' | 'argocd' | 'flux' | undefined): keyof typeof FIELD_MANAGERS {
  return engine === 'argocd' || engine === 'flux' ? engine : 'ours';
}

/** A preset's field manager name, or the literal name given. */
export function resolveFieldManager(name: string): string {
  // Own keys only: `constructor` or `toString` are literal field manager names, not Object.prototype members.
  return Object.hasOwn(FIELD_MANAGERS, name) ? FIELD_MANAGERS[name as keyof typeof FIELD_MANAGERS] : name;
}

async function openSource(options: CompareOptions): Promise<LiveSource> {
  if (options.liveFile) {
    const { readExport } = await import('../live/export-file.js');
    return new ExportSource(await readExport(options.liveFile), options.liveFile);
  }
  const { LiveReader } = await import('../live/live-reader.js');
  const reader = LiveReader.fromKubeconfig({ kubeconfig: options.kubeconfig, context: options.context, namespace: options.namespace, timeoutMs: options.requestTimeoutMs });
  return new ClusterSource(reader);
}
