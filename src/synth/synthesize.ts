import type { KubeObject } from '../kube/kube-object.js';
import type { PhaseChartModule, PlannedPhase, RenderContext } from '../phases/phase.js';
import { plannedPhases, procedureById } from '../phases/registry.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { JobRef } from '../../charts/jobs/retire-jobs-job.js';
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
  const { retireRollbackJobsName, retireUndoneJobsName } = await import('../../charts/jobs/retire-jobs-job.js');

  const render = async (phase: PlannedPhase, load: () => Promise<PhaseChartModule>, rollback: boolean): Promise<Rendered> => {
    const module = await load();
    const context: RenderContext = { plan, planSha256: loaded.sha256, phase: phase.definition, order: phase.order, rollback };
    const { objects, files, deleted, released = [] } = module.render(app, `${rollback ? 'rollback-' : ''}${phase.folder}`, context);
    return { objects: objects.map((o) => withIgnoreExtraneous(o)), files, deleted: [...deleted, ...released], released };
  };

  const forwardOwn = new Map<PlannedPhase, Rendered>();
  const undos = new Map<PlannedPhase, Rendered>();
  for (const phase of phases) forwardOwn.set(phase, await render(phase, phase.definition.chart, false));
  for (const phase of phases) if (phase.definition.rollback) undos.set(phase, await render(phase, phase.definition.rollback.chart, true));
  const retires = retiringPhases(phases, forwardOwn, undos);
  const ns = plan.spec.threescale.namespace;
  const retireJob = (phase: PlannedPhase, name: string, jobs: readonly JobRef[], folder: string, rollback: boolean): Promise<Rendered> =>
    render(phase, async () => ({ render: (scope, id, context) => retireChart.render(scope, `${id}-retire`, context, name, jobs, folder) }), rollback);

  const forward: FolderState[] = [];
  const before = new Map<PlannedPhase, KubeObject[]>();
  let previous: KubeObject[] = [];
  for (const phase of phases) {
    before.set(phase, previous);
    const rendered = forwardOwn.get(phase)!;
    // The Jobs of its rollback folder (which ran at an earlier rollback) are retired, so the next one runs them again.
    const undoJobs = [...jobRefs(undos.get(phase)?.objects ?? []), { namespace: ns, name: retireUndoneJobsName(phase.definition.id) }];
    const retire = retires.has(phase) ? await retireJob(phase, retireRollbackJobsName(phase.definition.id), undoJobs, phase.folder, false) : undefined;
    const own = [...rendered.objects, ...(retire?.objects ?? [])];
    const objects = composeState(previous, own, rendered.deleted);
    forward.push({ phase, rollback: false, folder: phase.folder, objects, own, extraFiles: rendered.files, released: rendered.released });
    previous = objects;
  }

  const rollbacks: FolderState[] = [];
  for (const phase of phases) {
    const undo = undos.get(phase);
    if (!undo) continue;
    const folder = `rollback/${phase.folder}`;
    const retire = retires.has(phase) ? await retireJob(phase, retireUndoneJobsName(phase.definition.id), undoneJobs(forward, phase), folder, true) : undefined;
    const own = [...undo.objects, ...(retire?.objects ?? [])];
    rollbacks.push({ phase, rollback: true, folder, objects: composeState(before.get(phase)!, own, undo.deleted), own, extraFiles: undo.files, released: undo.released });
  }

  return synthResult(loaded, forward, rollbacks);
}

/** Namespace and name of every Job among `objects`. */
function jobRefs(objects: readonly KubeObject[]): JobRef[] {
  return objects.filter((o) => o.kind === 'Job' && o.apiVersion === 'batch/v1').map((o) => ({ namespace: o.metadata.namespace ?? '', name: o.metadata.name }));
}

/**
 * The phases whose forward folder and rollback folder each get a retire Job: those with a rollback folder when
 * that folder runs a Job, or a forward phase from this one on does (its Jobs, or a later phase's retire Job).
 * Each retires the other's Jobs, so both run again at every visit on Flux.
 */
function retiringPhases(phases: readonly PlannedPhase[], forward: ReadonlyMap<PlannedPhase, Rendered>, undos: ReadonlyMap<PlannedPhase, Rendered>): Set<PlannedPhase> {
  const retires = new Set<PlannedPhase>();
  let laterJobs = false;
  for (const phase of [...phases].reverse()) {
    if (jobRefs(forward.get(phase)!.objects).length) laterJobs = true;
    const undo = undos.get(phase);
    if (undo && (laterJobs || jobRefs(undo.objects).length)) {
      retires.add(phase);
      laterJobs = true;
    }
  }
  return retires;
}

/** The Jobs a rollback of `phase` undoes: those of its own forward phase and of every later one (their retire Jobs included). */
function undoneJobs(forward: readonly FolderState[], phase: PlannedPhase): JobRef[] {
  return forward.filter((s) => s.phase.order >= phase.order).flatMap((s) => jobRefs(s.own));
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
