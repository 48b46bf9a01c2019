import type { Construct } from 'constructs';
import type { KubeObject } from '../kube/kube-object.js';
import type { ObjectTypeRef } from '../live/object-type.js';
import type { JsonPatchStep } from '../patches/json-patch-steps.js';
import type { PlanBase } from '../plan/plan-base.js';
import type { VersionRequirementsPolicy } from '../plan/plan-schema.js';
import type { ObjectVerdict } from '../status/object-verdicts.js';
import type { PreflightReport } from '../status/preflight-report.js';
import type { SourceListing } from '../status/live-source.js';

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

/** A file of a phase folder that is not a Kubernetes object (a patch document for review), path relative to the folder. */
export interface PhaseFile {
  readonly path: string;
  readonly content: string;
}

/** What a phase chart renders: its own objects, extra files, and the objects its Jobs delete. */
export interface PhaseOutput {
  /** The objects this phase adds or changes, in apply order. */
  readonly objects: readonly KubeObject[];
  /** Files of the folder that are not objects, sorted by path. */
  readonly files: readonly PhaseFile[];
  /** Objects a Job of this phase deletes: the folder's state no longer carries them from earlier phases. */
  readonly deleted: readonly KubeObject[];
  /**
   * Objects this phase leaves to another controller without deleting them (an HPA's Deployment): the folder's
   * state no longer carries them either, and `status` counts an earlier phase's version of them as superseded.
   */
  readonly released?: readonly KubeObject[];
}

/** What a chart module exports: one function that renders a phase's own contribution. */
export interface PhaseChartModule<P extends PlanBase = PlanBase> {
  /** Renders the objects this phase adds or changes; the synthesizer composes them into the phase's state. */
  render(scope: Construct, id: string, context: RenderContext<P>): PhaseOutput;
}

/** Everything a chart may read; charts never read files or the cluster. */
export interface RenderContext<P extends PlanBase = PlanBase> {
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
export interface RollbackDefinition<P extends PlanBase = PlanBase> {
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
export interface PhaseDefinition<P extends PlanBase = PlanBase> {
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
  /**
   * The phase moves 3scale to a new release: it waits while a preflight check of the procedure fails, and
   * `diff`/`status` report the release the operator reconciled. Absent: false.
   */
  readonly upgradesThreescale?: boolean;
  /** What `diff` and `status` say of this phase beyond its objects' verdicts. Absent: nothing more. */
  readonly report?: PhaseReportHooks;
}

/** A phase's additions to its line in `diff`/`status` and to the next step. */
export interface PhaseReportHooks {
  /** A figure one of its Jobs recorded, shown on the phase line once the phase ran (a failure already says it); undefined: none. */
  figure?(verdicts: readonly ObjectVerdict[]): string | undefined;
  /** The next step for this phase, failed for `reason` (its folder `folder`), when it is not "fix the cause, rerun, or roll back"; undefined: the generic advice. */
  advice?(folder: string, reason: string): string | undefined;
}

/** An object a phase's Job deletes. */
export interface DeletedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/** An ordered list of phases that together do one job (a migration, an install, an upgrade). */
export interface Procedure<P extends PlanBase = PlanBase> {
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
  /**
   * Validates a parsed plan document whose `kind` is {@link planKind}; every refusal is one sentence naming
   * the file (`path`) and field.
   */
  validatePlan(raw: object, path: string): P;
  /**
   * Refuses, before anything renders, a plan whose phases together could never succeed (one sentence naming
   * `path` and the field). Absent: every valid plan renders.
   */
  refuseRender?(plan: P, path: string): void;
  /**
   * The plan as if its file set this version requirements policy (`--version-requirements`). Absent: the
   * procedure measures no server versions and the flag changes nothing.
   */
  withVersionRequirements?(plan: P, policy: VersionRequirementsPolicy): P;
  /** What `diff` and `status` read and report beyond the phase folders. Absent: only the folders. */
  readonly report?: ReportHooks<P>;
  /** How `discover` writes a plan of this procedure from an install. Absent: `discover` does not offer it. */
  readonly discovery?: () => Promise<ProcedureDiscovery>;
  /** The `preflight` command (read-only cluster checks before anything is applied). Absent: the command refuses the plan. */
  readonly livePreflight?: () => Promise<LivePreflight<P>>;
}

/** A procedure's additions to `diff` and `status`. */
export interface ReportHooks<P extends PlanBase> {
  /** Extra LISTs the comparison reads (its preflight checks' inputs). */
  listRefs?(plan: P): ObjectTypeRef[];
  /** The procedure's preflight checks, judged on those listings and on the phases this plan runs. */
  preflight?(plan: P, lookup: (ref: ObjectTypeRef) => SourceListing | undefined, options: { readonly mode: 'live' | 'offline'; readonly phases: readonly string[] }): PreflightReport;
  /** The LIST of APIcast objects whose operator the upgrade moves, when it moves one. */
  apicast?(plan: P): ObjectTypeRef | undefined;
  /** Namespaces `--explain` reads pods and Events in besides the 3scale one. @default every namespace the folders render objects into */
  explainNamespaces?(plan: P): string[];
}

/** What `discover` reads and how it turns it into a plan (one procedure). */
export interface ProcedureDiscovery {
  /** Reads the install (an export file or the cluster) and returns the plan document, without validating it. */
  discover(options: DiscoverySource): Promise<DiscoveredPlan>;
  /**
   * What of this procedure's install an export holds, in a few words ("the DeploymentConfig system-app of a
   * 3scale 2.5 template install"), or undefined: when another procedure's discovery finds nothing in the
   * export, `discover` names this procedure's id in its error.
   */
  recognize?(objects: readonly KubeObject[]): string | undefined;
}

/** Where `discover` reads from and what the user fixed on the command line. */
export interface DiscoverySource {
  /** Exported List file or folder; otherwise the cluster. */
  readonly fromFile?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Namespace of 3scale (`-n`); default the context's. */
  readonly namespace?: string;
  readonly operatorNamespace?: string;
  readonly targetNamespace?: string;
  readonly name?: string;
  readonly requestTimeoutMs?: number;
}

/** A discovered plan, where it came from, and what the header asks people to review. */
export interface DiscoveredPlan {
  readonly plan: object;
  readonly notes: readonly string[];
  readonly sourceLabel: string;
  readonly review: string;
}

/** The `preflight` command of a procedure: reads the cluster, judges it, renders the result. */
export interface LivePreflight<P extends PlanBase> {
  run(plan: P, options: { readonly kubeconfig?: string; readonly context?: string; readonly requestTimeoutMs?: number }): Promise<PreflightOutcome>;
}

/** The outcome of a `preflight` command: the report (its JSON output) and the same as text. */
export interface PreflightOutcome {
  readonly report: { readonly ok: boolean };
  readonly text: string;
}

/** A phase of a procedure with its position, as every consumer sees it. */
export interface PlannedPhase<P extends PlanBase = PlanBase> {
  readonly definition: PhaseDefinition<P>;
  /** 0-based position in the procedure; stable whatever the plan skips. */
  readonly order: number;
  /** Folder name: `NN-id`. */
  readonly folder: string;
}
