import type { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Plan } from '../plan/plan-schema.js';

/** Where a phase sits relative to the maintenance window (3scale is down inside it). */
export type WindowMark = 'before-window' | 'opens-window' | 'in-window' | 'closes-window' | 'after-window';

/** What a chart module exports: one function that renders a phase's own contribution into a Chart. */
export interface PhaseChartModule {
  /** Renders the objects this phase adds or changes; the synthesizer composes them into the phase's state. */
  render(scope: Construct, id: string, context: RenderContext): Chart;
}

/** Everything a chart may read; charts never read files or the cluster. */
export interface RenderContext {
  /** The validated plan. */
  readonly plan: Plan;
  /** sha256 of the plan file; Jobs record it as evidence of which plan they ran. */
  readonly planSha256: string;
  /** The phase being rendered. */
  readonly phase: PhaseDefinition;
  /** Position of the phase in its procedure (0-based), the `NN` of its folder. */
  readonly order: number;
  /** True when rendering a rollback folder. */
  readonly rollback: boolean;
}

/** How a phase is undone. */
export interface RollbackDefinition {
  /** One line: what the rollback restores. */
  readonly title: string;
  /** What the rollback changes, for this plan. */
  describe(plan: Plan): string[];
  /** The chart that renders the rollback's own contribution (on top of the previous phase's state). */
  readonly chart: () => Promise<PhaseChartModule>;
}

/**
 * One step of a procedure, declared once. Synth, plan, diff, status and the GitOps wiring read this;
 * nothing else lists phases.
 */
export interface PhaseDefinition {
  /** Stable kebab-case id: folder names (`NN-id`), `--phase`, labels. */
  readonly id: string;
  /** One line for tables. */
  readonly title: string;
  /** Where the phase sits relative to the maintenance window. */
  readonly window: WindowMark;
  /** Deletes data or objects that cannot be recreated. Destructive phases render only on explicit request. */
  readonly destructive: boolean;
  /** Whether the phase has anything to do for this plan (a phase with nothing to do is not rendered). */
  applies(plan: Plan): boolean;
  /** What the phase changes, for this plan, one line each. */
  describe(plan: Plan): string[];
  /** What must hold in the cluster before the phase starts. */
  expects(plan: Plan): string[];
  /** Loads the chart module lazily so `plan` and `--help` never load cdk8s. */
  readonly chart: () => Promise<PhaseChartModule>;
  /** How to undo it; absent for read-only phases. */
  readonly rollback?: RollbackDefinition;
}

/** An ordered list of phases that together do one job (a migration, an install, an upgrade). */
export interface Procedure {
  /** Value of `spec.procedure` in a plan file. */
  readonly id: string;
  /** One line. */
  readonly title: string;
  /** The seed chapter or document the procedure turns into code. */
  readonly source: string;
  /** The phases, in the order they are applied. */
  readonly phases: readonly PhaseDefinition[];
}

/** A phase of a procedure with its position, as every consumer sees it. */
export interface PlannedPhase {
  readonly definition: PhaseDefinition;
  /** 0-based position in the procedure; stable whatever the plan skips. */
  readonly order: number;
  /** Folder name: `NN-id`. */
  readonly folder: string;
}
