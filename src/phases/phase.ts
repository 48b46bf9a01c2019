import type { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { JsonPatchStep } from '../patches/json-patch-steps.js';
import type { PlanBase } from '../plan/plan-base.js';
import type { MigrationPlan } from '../plan/plan-schema.js';

/**
 * Where a phase sits relative to the maintenance window (3scale is down inside it); `no-window` for a
 * procedure that has none (a fresh install: nothing runs yet that could be stopped).
 */
export type WindowMark = 'before-window' | 'opens-window' | 'in-window' | 'closes-window' | 'after-window' | 'no-window';

/** How a procedure words its maintenance window in `plan`, PHASE.md and the README. */
export interface WindowWording {
  /** Label of each position relative to the window, e.g. `inside (3scale is stopped)`. */
  readonly labels: Readonly<Record<WindowMark, string>>;
  /** Banner of `plan` before the phase that opens the window. */
  readonly opens: string;
  /** Banner of `plan` after the phase that closes the window. */
  readonly closes: string;
}

/** What a chart module exports: one function that renders a phase's own contribution into a Chart. */
export interface PhaseChartModule<P extends PlanBase = MigrationPlan> {
  /** Renders the objects this phase adds or changes; the synthesizer composes them into the phase's state. */
  render(scope: Construct, id: string, context: RenderContext<P>): Chart;
}

/** Everything a chart may read; charts never read files or the cluster. */
export interface RenderContext<P extends PlanBase = MigrationPlan> {
  /** The validated plan. */
  readonly plan: P;
  /** sha256 of the plan file; Jobs record it as evidence of which plan they ran. */
  readonly planSha256: string;
  /** The phase being rendered. */
  readonly phase: PhaseDefinition<P>;
  /** Position of the phase in its procedure (0-based), the `NN` of its folder. */
  readonly order: number;
  /** True when rendering a rollback folder. */
  readonly rollback: boolean;
}

/** How a phase is undone. */
export interface RollbackDefinition<P extends PlanBase = MigrationPlan> {
  /** One line: what the rollback restores. */
  readonly title: string;
  /** What the rollback changes, for this plan. */
  describe(plan: P): string[];
  /** The chart that renders the rollback's own contribution (on top of the previous phase's state). */
  readonly chart: () => Promise<PhaseChartModule<P>>;
}

/**
 * One step of a procedure, declared once. Synth, plan, diff, status and the GitOps wiring read this;
 * nothing else lists phases.
 */
export interface PhaseDefinition<P extends PlanBase = MigrationPlan> {
  /** Stable kebab-case id: folder names (`NN-id`), `--phase`, labels. */
  readonly id: string;
  /** One line for tables. */
  readonly title: string;
  /** Where the phase sits relative to the maintenance window. */
  readonly window: WindowMark;
  /** Deletes data or objects that cannot be recreated. Destructive phases render only on explicit request. */
  readonly destructive: boolean;
  /** Whether the phase has anything to do for this plan (a phase with nothing to do is not rendered). */
  applies(plan: P): boolean;
  /** What the phase changes, for this plan, one line each. */
  describe(plan: P): string[];
  /** What must hold in the cluster before the phase starts. */
  expects(plan: P): string[];
  /** Loads the chart module lazily so `plan` and `--help` never load cdk8s. */
  readonly chart: () => Promise<PhaseChartModule<P>>;
  /** How to undo it; absent for read-only phases. */
  readonly rollback?: RollbackDefinition<P>;
  /**
   * The guarded JSON patch steps one of the phase's Jobs applies to objects the tool does not own; `diff`
   * checks their outcome on the live objects from this phase on. Absent: the phase patches nothing.
   */
  patches?(plan: P): readonly JsonPatchStep[];
  /**
   * The objects (in the plan's 3scale namespace) one of the phase's Jobs deletes: from this phase on, `diff`
   * no longer expects the patches of earlier phases on them. Absent: the phase deletes nothing.
   */
  deletes?(plan: P): readonly DeletedObject[];
}

/** An object a phase's Job deletes. */
export interface DeletedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/** An ordered list of phases that together do one job (a migration, an install, an upgrade). */
export interface Procedure<P extends PlanBase = MigrationPlan> {
  /** Value of `spec.procedure` in a plan file. */
  readonly id: string;
  /** The plan kind (`kind` of the plan file) whose plans run this procedure. */
  readonly planKind: string;
  /** What one run of it is called in headings (`Migration dev-3scale: …`, `Install prod-3scale: …`). */
  readonly runNoun: string;
  /** One line. */
  readonly title: string;
  /** The seed chapter or document the procedure turns into code. */
  readonly source: string;
  /**
   * How its maintenance window is worded: whether 3scale is stopped inside it or only disrupted.
   * @default 3scale is stopped inside the window (STOPPED_WINDOW of src/plan-view/window-label.ts)
   */
  readonly windowWording?: WindowWording;
  /** The phases, in the order they are applied. */
  readonly phases: readonly PhaseDefinition<P>[];
}

/** A phase of a procedure with its position, as every consumer sees it. */
export interface PlannedPhase<P extends PlanBase = PlanBase> {
  readonly definition: PhaseDefinition<P>;
  /** 0-based position in the procedure; stable whatever the plan skips. */
  readonly order: number;
  /** Folder name: `NN-id`. */
  readonly folder: string;
}
