import type { KubeObject } from '../kube/kube-object.js';
import type { PhaseChartModule, PlannedPhase, RenderContext } from '../phases/phase.js';
import { plannedPhases, procedureById } from '../phases/registry.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { withIgnoreExtraneous } from './argo-ignore-extraneous.js';
import { composeState } from './compose-state.js';
import { phaseReadme } from './phase-readme.js';
import { kustomizationFor, objectFileName } from './kustomization.js';
import { toYaml } from './yaml-output.js';

/** A file of the output tree, path relative to the output folder. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/** The desired state of one folder. */
export interface FolderState {
  readonly phase: PlannedPhase;
  /** True for `rollback/NN-id`. */
  readonly rollback: boolean;
  /** Folder path relative to the output folder. */
  readonly folder: string;
  /** Every object of the state, in apply order. */
  readonly objects: readonly KubeObject[];
  /** Objects this phase itself renders (the rest is carried from earlier phases). */
  readonly own: readonly KubeObject[];
  /** Non-object files (patch documents). */
  readonly extraFiles: readonly OutputFile[];
  /** Objects this phase leaves to another controller (no longer carried, not deleted). */
  readonly released?: readonly Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>[];
}

/** Everything a synth produces, before anything is written. */
export interface SynthResult {
  readonly forward: readonly FolderState[];
  readonly rollbacks: readonly FolderState[];
  /** Every file, sorted by path (rendered when first read). */
  readonly files: readonly OutputFile[];
}

interface Rendered {
  readonly objects: KubeObject[];
  readonly files: readonly OutputFile[];
  readonly deleted: readonly KubeObject[];
  readonly released: readonly KubeObject[];
}

/**
 * Renders every phase of a plan, and the rollback of every phase that has one, into folder states and
 * files. Pure: reads the plan and the bundled scripts, writes nothing.
 */
export async function synthesize(loaded: LoadedPlan): Promise<SynthResult> {
  const { plan } = loaded;
  procedureById(plan.spec.procedure).refuseRender?.(plan, loaded.path);
  // Loaded here, not at the top: a run whose states come from the render cache never loads cdk8s.
  const { App } = await import('cdk8s');
  const app = new App({ outdir: 'unused' });
  const phases = plannedPhases(plan);
  const retireChart = await import('../../charts/retire-undone-jobs-chart.js');

  const render = async (phase: PlannedPhase, load: () => Promise<PhaseChartModule>, rollback: boolean): Promise<Rendered> => {
    const module = await load();
    const context: RenderContext = { plan, planSha256: loaded.sha256, phase: phase.definition, order: phase.order, rollback };
    const { objects, files, deleted, released = [] } = module.render(app, `${rollback ? 'rollback-' : ''}${phase.folder}`, context);
    return { objects: objects.map((o) => withIgnoreExtraneous(o)), files, deleted: [...deleted, ...released], released };
  };

  const forward: FolderState[] = [];
  const before = new Map<PlannedPhase, KubeObject[]>();
  let previous: KubeObject[] = [];
  for (const phase of phases) {
    before.set(phase, previous);
    const own = await render(phase, phase.definition.chart, false);
    const objects = composeState(previous, own.objects, own.deleted);
    forward.push({ phase, rollback: false, folder: phase.folder, objects, own: own.objects, extraFiles: own.files, released: own.released });
    previous = objects;
  }

  const rollbacks: FolderState[] = [];
  for (const phase of phases) {
    const def = phase.definition;
    if (!def.rollback) continue;
    const folder = `rollback/${phase.folder}`;
    const undo = await render(phase, def.rollback.chart, true);
    const retire = await render(phase, async () => ({ render: (scope, id, context) => retireChart.render(scope, `${id}-retire`, context, undoneJobs(forward, phase), folder) }), true);
    const own = [...undo.objects, ...retire.objects];
    rollbacks.push({ phase, rollback: true, folder, objects: composeState(before.get(phase)!, own, undo.deleted), own, extraFiles: undo.files, released: undo.released });
  }

  return synthResult(loaded, forward, rollbacks);
}

/** The Jobs a rollback of `phase` undoes: those of its own forward phase and of every later one. */
function undoneJobs(forward: readonly FolderState[], phase: PlannedPhase): { namespace: string; name: string }[] {
  return forward
    .filter((s) => s.phase.order >= phase.order)
    .flatMap((s) => s.own.filter((o) => o.kind === 'Job' && o.apiVersion === 'batch/v1'))
    .map((o) => ({ namespace: o.metadata.namespace ?? '', name: o.metadata.name }));
}

/** The result of these folder states, its files rendered on first use: `diff` and `status` compare the objects and never read them. */
export function synthResult(loaded: LoadedPlan, forward: readonly FolderState[], rollbacks: readonly FolderState[]): SynthResult {
  let files: readonly OutputFile[] | undefined;
  return {
    forward,
    rollbacks,
    get files(): readonly OutputFile[] {
      return (files ??= allFiles(loaded, [...forward, ...rollbacks]));
    },
  };
}

/** Every file of the folders, sorted by path. */
function allFiles(loaded: LoadedPlan, states: readonly FolderState[]): OutputFile[] {
  const files = states.flatMap((state) => folderFiles(loaded, state));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The files of one folder: one YAML per object, the kustomization, the README and extra files. */
function folderFiles(loaded: LoadedPlan, state: FolderState): OutputFile[] {
  const out: OutputFile[] = [];
  const names: string[] = [];
  for (const o of state.objects) {
    const name = objectFileName(o);
    names.push(name);
    out.push({ path: `${state.folder}/${name}`, content: toYaml(o) });
  }
  out.push({ path: `${state.folder}/kustomization.yaml`, content: toYaml(kustomizationFor(names)) });
  out.push({ path: `${state.folder}/PHASE.md`, content: phaseReadme(loaded.plan, state) });
  for (const f of state.extraFiles) out.push({ path: `${state.folder}/${f.path}`, content: f.content });
  return out;
}
