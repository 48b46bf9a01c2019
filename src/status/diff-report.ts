import { isDeepStrictEqual } from 'node:util';
import { ARGOCD_HOOK } from '../../charts/constructs/metadata.js';
import { isPartial, isPhaseLocal } from '../contract/on-cluster.js';
import { objectKey, type KubeObject } from '../kube/kube-object.js';
import { patchCheckObjects } from '../patches/json-patch-steps.js';
import { procedureById } from '../phases/registry.js';
import type { PlanBase } from '../plan/plan-base.js';
import type { PreflightReport } from './preflight-report.js';
import { findFolderState } from '../synth/folder-target.js';
import type { FolderState, SynthResult } from '../synth/synthesize.js';
import type { Explanation } from './explain/explain-failures.js';
import { type ApicastStatus, apicastStatus } from './apicast-status.js';
import type { LiveSource } from './live-source.js';
import type { SynthesizedTarget } from './synthesized-target.js';
import { type DesiredCheck, ObjectJudge, type ObjectVerdict, SATISFIED, UNKNOWN } from './object-verdicts.js';


/** Where one phase stands. */
export type PhaseStatus = 'applied' | 'superseded' | 'in-progress' | 'drifted' | 'pending' | 'blocked' | 'failed' | 'unknown';

/** One phase in the report. */
export interface PhaseReport {
  readonly order: number;
  readonly id: string;
  readonly folder: string;
  readonly status: PhaseStatus;
  /** One line: what decided the status. */
  readonly reason: string;
  /** Checks of the objects and Jobs this phase itself sets, and how many are done. */
  readonly checks: { readonly total: number; readonly satisfied: number; readonly superseded: number };
  /** The folder that undoes this phase, or null when it has nothing to undo. */
  readonly rollback: string | null;
  /** Present (true) on a phase that moves 3scale to a new release: it waits for the preflight checks. */
  readonly upgradesThreescale?: true;
  /** Present on a failed phase whose procedure advises something else than "fix the cause, rerun, or roll back": that next step. */
  readonly advice?: string;
}

/** What the live APIManager says about the 3scale release and the operator's upgrade checks. */
export interface ThreescaleStatus {
  /** Annotation `apps.3scale.net/apimanager-threescale-version` (the release the operator reconciled), or null. */
  readonly version: string | null;
  /** Annotation `apps.3scale.net/threescale-operator-version`, or null. */
  readonly operatorVersion: string | null;
  /** The APIManager's `Preflights` condition (the operator's upgrade requirements check), or null when it has none. */
  readonly preflights: { readonly status: string; readonly message: string | null } | null;
}

/** The whole comparison; the JSON output is this object (shape documented in the README). */
export interface DiffReport {
  readonly apiVersion: 'threescale-migrate.3scale.net/v1alpha1';
  readonly kind: 'DiffReport';
  readonly migration: string;
  readonly source: string;
  readonly mode: 'live' | 'offline';
  /** True in offline mode: defaults come from a table, not from the API server. */
  readonly approximate: boolean;
  /**
   * The field manager the folders are applied under: live, the dry-run's; offline, the one whose earlier
   * applies the removals assume. Null only in reports built before it was recorded.
   */
  readonly fieldManager: string | null;
  readonly phases: readonly PhaseReport[];
  /** The highest phase such that it and every phase before it is applied (or superseded); null if none. */
  readonly currentPhase: string | null;
  /** Phases that show progress while an earlier phase is still pending. */
  readonly outOfOrder: readonly string[];
  /** The folder compared object by object. */
  readonly target: string;
  /** Verdict on every object of the target folder's state. */
  readonly objects: readonly ObjectVerdict[];
  /** True when the live state is the target folder's state, every Job of it done. */
  readonly inSync: boolean;
  /** The checks before the move to 2.16 (seed chapters 1 and 2): what was found, what is needed, what fixes it. */
  readonly preflight?: PreflightReport;
  /**
   * Present only when the plan runs the upgrade phase: the live APIManager's release, operator version and
   * Preflights condition, or null when the APIManager could not be read.
   */
  readonly threescale?: ThreescaleStatus | null;
  /**
   * Present only when the upgrade moves the APIcast operator too (seed chapter 2): the APIcast objects of
   * its namespace with their `apicast.apps.3scale.net/operator-version`, or null when they could not be listed.
   */
  readonly apicast?: ApicastStatus | null;
  /** Present only with `--explain`: the failure signatures recognized in pod states, Warning Events and logs. */
  readonly explanations?: readonly Explanation[];
  /** Present only with `--explain`: what could not be read for the explanations (permissions, offline, caps). */
  readonly explainNotes?: readonly string[];
  /**
   * Present when a synthesized folder was read (`--dir`): where it is, which
   * engine's wiring it holds and the folder that wiring reconciles (the target when `--phase` is not given).
   */
  readonly synthesized?: SynthesizedTarget;
}

/** Options of {@link buildDiffReport}. */
export interface DiffReportOptions {
  /** The folder to compare object by object (a forward phase id, or `rollback/<id>`). */
  readonly target: string;
  /** Field manager of the server-side apply dry-run. */
  readonly fieldManager: string;
}

/**
 * Compares the live state with every phase's desired state and classifies each phase: applied,
 * superseded by a later phase, in progress, drifted, pending, blocked (an earlier phase is not done),
 * failed (a Job failed, or an object is degraded) or unknown (the objects could not be read).
 */
export async function buildDiffReport(plan: PlanBase, result: SynthResult, source: LiveSource, options: DiffReportOptions): Promise<DiffReport> {
  const targetState = findState(result, options.target);
  const allPhaseChecks = result.forward.map((state) => ownChecks(plan, result, state));
  const allTargetChecks = stateChecks(plan, result, targetState);

  // With the upgrade in the plan, the report also says what the operator reports on the APIManager.
  const apiManagerName = plan.spec.threescale.apiManagerName;
  const hooks = procedureById(plan.spec.procedure).report;
  const upgrades = apiManagerName !== undefined && result.forward.some((s) => s.phase.definition.upgradesThreescale === true);
  const apiManager: KubeObject = { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', metadata: { name: apiManagerName ?? '', namespace: plan.spec.threescale.namespace } };
  const judge = new ObjectJudge(source, { fieldManager: options.fieldManager });
  const apicastRef = upgrades ? hooks?.apicast?.(plan) : undefined;
  await judge.load([...allPhaseChecks.flat(), ...allTargetChecks], [
    ...(upgrades ? [{ apiVersion: apiManager.apiVersion, kind: apiManager.kind, namespace: apiManager.metadata.namespace }] : []),
    ...(apicastRef ? [apicastRef] : []),
    ...(hooks?.listRefs?.(plan) ?? []),
  ]);

  // A Job Argo CD never applies (the retire Jobs, there for Flux) counts only where it is live or recorded.
  const counted = (c: DesiredCheck) => !isArgoSkipped(c.object) || judge.jobKnown(c.object);
  const phaseChecks = allPhaseChecks.map((checks) => checks.filter(counted));
  const targetChecks = allTargetChecks.filter(counted);

  // Every check's dry-run at once (the client bounds the connections), not phase after phase; the verdicts
  // are cached, so the classification below reads them in order.
  await Promise.all([...phaseChecks.flat(), ...targetChecks].map((c) => judge.judge(c)));
  const phases: PhaseReport[] = [];
  for (const [i, state] of result.forward.entries()) {
    const verdicts = await Promise.all(phaseChecks[i]!.map((c) => judge.judge(c)));
    const superseded = await Promise.all(verdicts.map((v, j) => (SATISFIED.has(v.verdict) ? Promise.resolve(false) : isSuperseded(plan, result, judge, i, phaseChecks[i]![j]!.object, v.verdict))));
    phases.push(withPhaseHooks(state, classify(state, phaseChecks[i]!, verdicts, superseded), verdicts));
  }
  markBlocked(phases);
  // The procedure's preflight checks (the 2.15 migration's, seed chapters 1 and 2), when it declares them.
  const preflight = hooks?.preflight?.(plan, (ref) => judge.listing(ref), { mode: source.mode, phases: result.forward.map((s) => s.phase.definition.id) });
  if (preflight) blockUpgrade(phases, preflight);

  const objects = await Promise.all(targetChecks.map((c) => judge.judge(c)));
  const inSync = objects.every((o) => SATISFIED.has(o.verdict));
  let currentPhase: string | null = null;
  for (const p of phases) {
    if (p.status === 'applied' || p.status === 'superseded') currentPhase = p.id;
    else break;
  }
  const firstPending = phases.findIndex((p) => p.status === 'pending' || p.status === 'blocked');
  const outOfOrder = firstPending < 0 ? [] : phases.slice(firstPending + 1).filter((p) => ['applied', 'superseded', 'in-progress', 'drifted', 'failed'].includes(p.status)).map((p) => p.id);

  return {
    apiVersion: 'threescale-migrate.3scale.net/v1alpha1',
    kind: 'DiffReport',
    migration: plan.metadata.name,
    source: source.description,
    mode: source.mode,
    approximate: source.mode === 'offline',
    fieldManager: options.fieldManager,
    phases,
    currentPhase,
    outOfOrder,
    target: targetState.folder,
    objects,
    inSync,
    ...(preflight ? { preflight } : {}),
    ...(upgrades ? { threescale: threescaleStatus(judge.live(apiManager)) } : {}),
    ...(apicastRef ? { apicast: apicastStatus(apicastRef, judge.listing(apicastRef)) } : {}),
  };
}

/** The release, operator version and Preflights condition of a live APIManager; null when it is not readable. */
export function threescaleStatus(apiManager: KubeObject | undefined): ThreescaleStatus | null {
  if (!apiManager) return null;
  const annotations = apiManager.metadata.annotations ?? {};
  const conditions = ((apiManager.status as { conditions?: unknown } | undefined)?.conditions ?? []) as { type?: unknown; status?: unknown; message?: unknown }[];
  const preflights = Array.isArray(conditions) ? conditions.find((c) => c?.type === 'Preflights') : undefined;
  return {
    version: annotations['apps.3scale.net/apimanager-threescale-version'] ?? null,
    operatorVersion: annotations['apps.3scale.net/threescale-operator-version'] ?? null,
    preflights: preflights ? { status: String(preflights.status ?? 'Unknown'), message: typeof preflights.message === 'string' ? preflights.message : null } : null,
  };
}

/**
 * Why the report cannot be trusted, when something it needed could not be read (403, a missing CRD, a
 * server error): the first such reason, one sentence naming the object and the HTTP status. The CLI prints
 * the report and still exits 2 with this sentence, as `kubectl diff` does on errors.
 */
export function unreadableReason(report: DiffReport): string | undefined {
  const object = report.objects.find((o) => UNKNOWN.has(o.verdict));
  if (object) return object.reason ?? `${object.ref.kind} ${object.ref.name}: ${object.verdict}`;
  return report.phases.find((p) => p.status === 'unknown')?.reason;
}

function findState(result: SynthResult, target: string): FolderState {
  const { found } = findFolderState(result, target);
  if (!found) throw new Error(`threescale-migrate: no folder ${target}`);
  return found;
}

/**
 * Whether Argo CD never applies the object (`argocd.argoproj.io/hook: Skip`, charts/constructs/metadata.ts):
 * a Job only Flux needs. On Argo CD it never exists, and is no step missing.
 */
function isArgoSkipped(o: KubeObject): boolean {
  return o.metadata.annotations?.[ARGOCD_HOOK] === 'Skip';
}

/** A Job's helpers (ServiceAccount, Role, scripts) are judged through the Job, not one by one. */
function isJobHelper(o: KubeObject): boolean {
  return isPhaseLocal(o) && o.kind !== 'Job';
}

/** The check of one object of a folder state, with the versions earlier phases applied of it. */
function check(result: SynthResult, state: FolderState, o: KubeObject): DesiredCheck {
  const earlier = o.kind === 'Job' ? [] : earlierVersions(result, state, o);
  return { object: o, partial: isPartial(o), ...(earlier.length ? { earlier } : {}) };
}

/**
 * The distinct versions of `o` the forward phases before `state` rendered (for a rollback folder, also the
 * phase it undoes): what the GitOps engine applied of it before this folder.
 */
function earlierVersions(result: SynthResult, state: FolderState, o: KubeObject): KubeObject[] {
  const key = objectKey(o);
  const before = result.forward.filter((f) => f.phase.order < state.phase.order || (state.rollback && f.phase.order === state.phase.order));
  const versions: KubeObject[] = [];
  for (const f of before) {
    const version = f.own.find((x) => objectKey(x) === key);
    if (version && !isDeepStrictEqual(version, o) && !versions.some((v) => isDeepStrictEqual(v, version))) versions.push(version);
  }
  return versions;
}

/**
 * What the JSON patch Jobs of the phases up to this state have done to live objects they do not own (MySQL
 * detach: labels and the ownerReference gone; template upgrade: service account, variables, triggers, tags
 * there): from the phase that patches on, in forward states, each patched object is checked by its
 * removals and by the fragment the patches add. Rollback states restore from backups and are not checked.
 */
function patchChecks(plan: PlanBase, result: SynthResult, state: FolderState, onlyOwn: boolean): DesiredCheck[] {
  if (state.rollback) return [];
  const upTo = result.forward.filter((s) => s.phase.order <= state.phase.order);
  const phases = onlyOwn ? [state] : upTo;
  // An object a phase up to this one deleted (the wildcard router, patched earlier) carries no patch any more.
  const deleted = new Set(upTo.flatMap((s) => s.phase.definition.deletes?.(plan) ?? []).map((d) => `${d.apiVersion} ${d.kind} ${d.name}`));
  const steps = phases.flatMap((s) => s.phase.definition.patches?.(plan) ?? []).filter((s) => !deleted.has(`${s.apiVersion} ${s.kind} ${s.name}`));
  return patchCheckObjects(steps, plan.spec.threescale.namespace).map((c) => ({
    object: c.object,
    ...(c.removedPaths.length ? { removedPaths: c.removedPaths } : {}),
    patched: true,
    partial: true,
  }));
}

/**
 * The objects the Jobs of the phases up to this state delete (`deletes` of the phase: the template upgrade's
 * 2.5 routes, old ImageStream and wildcard router) must be gone. Like the patches, this is a Job's work:
 * until the Job has succeeded, an object still present is work not done yet. Rollback states recreate them.
 */
function deletionChecks(plan: PlanBase, result: SynthResult, state: FolderState, onlyOwn: boolean): DesiredCheck[] {
  if (state.rollback) return [];
  const phases = onlyOwn ? [state] : result.forward.filter((s) => s.phase.order <= state.phase.order);
  return phases.flatMap((s) =>
    (s.phase.definition.deletes?.(plan) ?? []).map((d) => ({
      object: { apiVersion: d.apiVersion, kind: d.kind, metadata: { name: d.name, namespace: plan.spec.threescale.namespace } },
      absent: true,
      patched: true,
      partial: true,
    })),
  );
}

/**
 * Checks of what a phase itself sets (its own objects and Jobs). An object the phase renders again exactly
 * as the previous state already has it (load-redis re-renders the ServiceAccounts, PVCs and Services that
 * prepare created) is not something this phase sets: counting it would show progress of a phase that has
 * not started.
 */
function ownChecks(plan: PlanBase, result: SynthResult, state: FolderState): DesiredCheck[] {
  const index = result.forward.indexOf(state);
  const previous = new Map((index > 0 ? result.forward[index - 1]!.objects : []).map((o) => [objectKey(o), o]));
  const own = state.own.filter((o) => !isJobHelper(o) && !isDeepStrictEqual(previous.get(objectKey(o)), o)).map((o) => check(result, state, o));
  return [...own, ...patchChecks(plan, result, state, true), ...deletionChecks(plan, result, state, true)];
}

/** Checks of a whole folder state. */
function stateChecks(plan: PlanBase, result: SynthResult, state: FolderState): DesiredCheck[] {
  return [...state.objects.filter((o) => !isJobHelper(o)).map((o) => check(result, state, o)), ...patchChecks(plan, result, state, false), ...deletionChecks(plan, result, state, false)];
}

/**
 * Whether a later phase renders this object differently and that later version is what is live, or a later
 * phase's Job deletes it and it is gone (the wildcard router DeploymentConfig, patched by an earlier phase).
 */
async function isSuperseded(plan: PlanBase, result: SynthResult, judge: ObjectJudge, index: number, o: KubeObject, verdict: ObjectVerdict['verdict']): Promise<boolean> {
  if (o.kind === 'Job') return false;
  const laterDeletes = result.forward.slice(index + 1).some((later) => (later.phase.definition.deletes?.(plan) ?? []).some((d) => d.apiVersion === o.apiVersion && d.kind === o.kind && d.name === o.metadata.name));
  if (verdict === 'missing' && laterDeletes) return true;
  const key = objectKey(o);
  // A later phase left it to another controller (an HPA keeps the replicas scale-down set to 0).
  if (result.forward.slice(index + 1).some((later) => (later.released ?? []).some((r) => objectKey(r as KubeObject) === key))) return true;
  for (const later of result.forward.slice(index + 1)) {
    const version = later.own.find((x) => objectKey(x) === key);
    if (version && (await judge.judge(check(result, later, version))).verdict === 'in-sync') return true;
  }
  return false;
}

function classify(state: FolderState, desired: readonly DesiredCheck[], verdicts: readonly ObjectVerdict[], superseded: readonly boolean[]): PhaseReport {
  const def = state.phase.definition;
  return { ...classifyChecks(state, desired, verdicts, superseded), rollback: def.rollback ? `rollback/${state.folder}` : null, ...(def.upgradesThreescale ? { upgradesThreescale: true } : {}) };
}

function classifyChecks(state: FolderState, desired: readonly DesiredCheck[], verdicts: readonly ObjectVerdict[], superseded: readonly boolean[]): Omit<PhaseReport, 'rollback' | 'upgradesThreescale'> {
  const base = { order: state.phase.order, id: state.phase.definition.id, folder: state.folder };
  const satisfied = verdicts.filter((v) => SATISFIED.has(v.verdict)).length;
  const supersededCount = superseded.filter(Boolean).length;
  const checks = { total: verdicts.length, satisfied, superseded: supersededCount };
  const open = verdicts.filter((v, i) => !SATISFIED.has(v.verdict) && !superseded[i]);
  const describe = (vs: readonly ObjectVerdict[]) => vs.slice(0, 3).map((v) => `${v.ref.kind} ${v.ref.name} ${v.verdict}`).join(', ') + (vs.length > 3 ? `, and ${vs.length - 3} more` : '');

  // A failed Job, or an object of the phase that is live and degraded (not one a later phase replaced).
  const failed = verdicts.filter((v, i) => v.verdict === 'job-failed' || (v.verdict === 'degraded' && !superseded[i]));
  if (failed.length) return { ...base, status: 'failed', reason: `${describe(failed)}: ${failed[0]!.reason ?? ''}`.trim(), checks };
  const unknown = open.filter((v) => UNKNOWN.has(v.verdict));
  if (unknown.length) return { ...base, status: 'unknown', reason: unknown[0]!.reason ?? describe(unknown), checks };
  if (open.length === 0) {
    // Its Jobs being done says the phase's work ran, not that its state is live: when every object it sets was
    // replaced by a later phase's version, the phase is superseded, whether or not it also ran Jobs.
    if (stateReplaced(verdicts, superseded)) return { ...base, status: 'superseded', reason: supersededCount === verdicts.length ? 'every object it sets was changed again by a later phase' : 'its Jobs are done and every object it sets was changed again by a later phase', checks };
    return { ...base, status: 'applied', reason: supersededCount ? `${satisfied} in sync, ${supersededCount} changed again by later phases` : `${satisfied} of ${verdicts.length} in sync`, checks };
  }
  const running = open.filter((v) => v.verdict === 'job-running' || v.verdict === 'not-ready');
  // The patches (MySQL detach, template upgrade) are the work of the phase's Job: until it has succeeded, what it still has to
  // remove is work not done yet, not drift.
  const jobsDone = verdicts.every((v) => v.ref.kind !== 'Job' || v.verdict === 'job-succeeded');
  const awaitingJob = new Set(jobsDone ? [] : verdicts.filter((v, i) => v.verdict === 'changed' && desired[i]?.patched === true));
  const absent = open.filter((v) => v.verdict === 'missing' || v.verdict === 'job-not-run' || awaitingJob.has(v));
  const differing = open.filter((v) => (v.verdict === 'changed' && !awaitingJob.has(v)) || v.verdict === 'immutable' || v.verdict === 'job-stale');
  if (satisfied + supersededCount === 0 && running.length === 0) return { ...base, status: 'pending', reason: `nothing of it is live yet (${describe(open)})`, checks };
  // Done Jobs are work that ran, not state that is live: when none of the objects the phase applies is live
  // (rolled back, or not applied yet), the phase has not taken effect, whatever its Jobs recorded.
  if (running.length === 0 && noAppliedObjectLive(desired, verdicts, superseded)) {
    return { ...base, status: 'pending', reason: `its Jobs ran, but none of the objects it sets is live (rolled back, or not applied yet: ${describe(open)})`, checks };
  }
  if (differing.length === 0) return { ...base, status: 'in-progress', reason: describe([...running, ...absent]), checks };
  return { ...base, status: 'drifted', reason: `${describe(differing)} while ${satisfied} of ${verdicts.length} are in sync`, checks };
}

/**
 * Whether the phase applies objects (not only Jobs and the patches or deletions they make) and not one of them
 * is live: none in sync, none replaced by a later phase.
 */
function noAppliedObjectLive(desired: readonly DesiredCheck[], verdicts: readonly ObjectVerdict[], superseded: readonly boolean[]): boolean {
  const applied = verdicts.map((v, i) => ({ v, i })).filter(({ v, i }) => v.ref.kind !== 'Job' && desired[i]?.patched !== true);
  return applied.length > 0 && applied.every(({ v, i }) => !SATISFIED.has(v.verdict) && !superseded[i]);
}

/** Whether the phase sets objects and a later phase replaced every one of them (its Jobs aside). */
function stateReplaced(verdicts: readonly ObjectVerdict[], superseded: readonly boolean[]): boolean {
  const objects = verdicts.map((v, i) => ({ job: v.ref.kind === 'Job', superseded: superseded[i] })).filter((o) => !o.job);
  return objects.length > 0 && objects.every((o) => o.superseded);
}

/**
 * The upgrade must not start while a preflight check fails (seed chapters 1 and 2): a pending upgrade phase
 * is blocked, naming the failed checks, whatever the phases before it say.
 */
function blockUpgrade(phases: PhaseReport[], preflight: PreflightReport): void {
  const i = phases.findIndex((p) => p.upgradesThreescale === true);
  const p = phases[i];
  if (!p || !preflight.failed.length || (p.status !== 'pending' && p.status !== 'blocked')) return;
  phases[i] = { ...p, status: 'blocked', reason: `preflight checks failed: ${preflight.failed.join(', ')}; ${p.reason}` };
}

/**
 * What the phase's own report hooks add: the figure a Job recorded on the line of a phase that did not fail
 * (a failure already says it), the procedure's advice on a failed one.
 */
function withPhaseHooks(state: FolderState, phase: PhaseReport, verdicts: readonly ObjectVerdict[]): PhaseReport {
  const hooks = state.phase.definition.report;
  if (phase.status === 'failed') {
    const advice = hooks?.advice?.(phase.folder, phase.reason);
    return advice === undefined ? phase : { ...phase, advice };
  }
  const figure = hooks?.figure?.(verdicts);
  return figure ? { ...phase, reason: `${phase.reason}; ${figure}` } : phase;
}

/** A pending phase after a phase that is not done is blocked: it cannot start yet. */
function markBlocked(phases: PhaseReport[]): void {
  let earlierOpen = false;
  for (const [i, p] of phases.entries()) {
    if (p.status === 'pending' && earlierOpen) phases[i] = { ...p, status: 'blocked', reason: `waits for an earlier phase; ${p.reason}` };
    if (p.status !== 'applied' && p.status !== 'superseded') earlierOpen = true;
  }
}
