import type { DiffReport, PhaseReport } from './diff-report.js';
import { rollbackAdvice } from './rollback-advice.js';
import { shellWord } from '../util/shell-word.js';

/** A promotion the next step asks for: the phase, its folder, and the command that moves the pointer there. */
export interface Promotion {
  readonly verb: 'promote to' | 'move the target back to';
  /** Phase id (`scale-down`). */
  readonly phase: string;
  /** Its folder (`02-scale-down`). */
  readonly folder: string;
  /** `threescale-migrate promote ...` */
  readonly command: string;
  /** The folder to commit once the command has run. */
  readonly commit: string;
}

/**
 * The next step as a value: the situation in words (the whole advice when it is no promotion) and, when the
 * step is to move the GitOps pointer, that promotion. `status` prints it with {@link stepText}; the fleet reads
 * the promotion to hold it at its gate or say it as `promote --fleet`.
 */
export interface NextStep {
  readonly situation: string;
  readonly promotion?: Promotion;
}

/** The next step in words: the situation, then the promotion and its command. */
export function stepText(step: NextStep): string {
  const p = step.promotion;
  return p ? `${step.situation}; ${p.verb} ${p.phase}: ${p.command} and commit ${p.commit}/` : step.situation;
}

/** The next step of {@link nextStepOf}, in words. */
export function nextStep(report: DiffReport, planFile = '<plan>'): string {
  return stepText(nextStepOf(report, planFile));
}

/**
 * The command that applies a folder by hand as the engine would: server-side, taking over fields other
 * managers hold (`--force-conflicts`, as Argo CD and Flux apply), under the field manager the report compared
 * with, so the fields it stops setting are removed as the diff predicted.
 */
export function applyCommand(report: Pick<DiffReport, 'fieldManager'>, folder: string): string {
  const manager = report.fieldManager ?? 'threescale-migrate';
  return `kubectl apply --server-side --force-conflicts --field-manager=${manager} -k ${folder}`;
}

const DONE = new Set(['applied', 'superseded']);

/**
 * The next step, in words a user acts on, safe on the state just read: it never names a phase while an
 * earlier one is not done, never a rollback folder of a phase never applied, and where no step is safe it
 * says so and why. `planFile` is the plan the advice's commands name (`<plan>` when unknown).
 */
export function nextStepOf(report: DiffReport, planFile = '<plan>'): NextStep {
  const said = (situation: string): NextStep => ({ situation });
  if (report.target.startsWith('rollback/')) return said(rollbackNextStep(report));
  const failed = report.phases.find((p) => p.status === 'failed');
  if (failed?.advice !== undefined) return said(failed.advice);
  if (failed) return said(`${failed.folder} failed (${failed.reason}); ${remedyOf(failed.reason)}; ${rollbackAdvice(report.phases, failed.folder).sentence}`);
  const unknown = report.phases.find((p) => p.status === 'unknown');
  if (unknown) return said(`cannot judge ${unknown.folder}: ${unknown.reason}`);
  const frontier = report.phases.find((p) => !DONE.has(p.status));
  if (report.outOfOrder.length) {
    return said(`phases ${report.outOfOrder.join(', ')} are live before ${frontier ? `${frontier.folder} (${frontier.status})` : 'an earlier phase'}; do not promote further: check the GitOps target (${report.target}${targetFrom(report)})`);
  }
  const targetIndex = report.phases.findIndex((p) => p.folder === report.target);
  if (!frontier) {
    if (report.inSync) return said(`${report.target} is in sync; every phase is applied, nothing left to apply`);
    return said(`every phase is applied, but the target ${report.target} differs from the cluster: run \`threescale-migrate diff\` before letting the GitOps engine sync it`);
  }
  const frontierIndex = report.phases.indexOf(frontier);
  if (frontier.status === 'in-progress') return said(`wait: ${frontier.folder} is being applied (${frontier.reason})`);
  if (frontier.status === 'drifted') return said(`${frontier.folder} differs from the cluster: run \`threescale-migrate diff --phase ${frontier.id}\` and let the GitOps engine sync it`);
  const failedChecks = report.preflight?.failed ?? [];
  if (frontier.upgradesThreescale && failedChecks.length) {
    if (targetIndex === frontierIndex) return said(`${report.target} is blocked by the preflight checks ${failedChecks.join(', ')}: fix them first (each says what fixes it)`);
    return said(`${report.phases[frontierIndex - 1]?.folder ?? report.target} is in sync; do not promote to upgrade yet: the preflight checks ${failedChecks.join(', ')} fail (see above)`);
  }
  // The frontier is pending: every phase before it is done.
  if (targetIndex === frontierIndex) return said(`${frontier.folder} is not applied yet: ${applyHow(report, frontier)}`);
  if (targetIndex > frontierIndex) {
    return promoteHow(report, frontier, 'move the target back to', planFile, `${frontier.folder} is not applied yet, but the target is ${report.target}${targetFrom(report)}: do not apply ${report.target} (its folder is a full state that would skip ${frontier.folder} and what it waits for)`);
  }
  const target = report.phases[targetIndex];
  if (!report.inSync || !target) return said(`${report.target} differs from the cluster: run \`threescale-migrate diff\` and let the GitOps engine sync it`);
  return promoteHow(report, frontier, 'promote to', planFile, `${report.target} is in sync`);
}

/**
 * What to do about a failure, from the phase reason's first object (`<Kind> <name> <verdict>`): a failed Job
 * reruns once its cause is fixed; a degraded object (a rejected Route, a Failed CSV, a rollout past its
 * deadline) does not recover by waiting.
 */
function remedyOf(reason: string): string {
  return /^\S+ \S+ job-failed\b/.test(reason) ? 'fix the cause and let the Job rerun' : 'fix the cause: waiting will not help, the object is degraded';
}

/** The next step when the target is a rollback folder. */
function rollbackNextStep(report: DiffReport): string {
  const failed = report.objects.find((o) => o.verdict === 'job-failed' || o.verdict === 'degraded');
  if (failed) return `${report.target} failed (${failed.ref.kind} ${failed.ref.name}: ${failed.reason ?? failed.verdict}); ${remedyOf(`${failed.ref.kind} ${failed.ref.name} ${failed.verdict}`)}`;
  const running = report.objects.find((o) => o.verdict === 'job-running' || o.verdict === 'not-ready');
  if (running) return `wait: ${report.target} is being applied (${running.ref.kind} ${running.ref.name} ${running.verdict})`;
  if (!report.inSync) return `${report.target} is not applied yet: let the GitOps engine sync it (or ${applyCommand(report, `${dirOf(report)}/${report.target}`)})`;
  const id = report.target.slice('rollback/'.length);
  const undone = report.phases.find((p) => p.folder === id);
  const before = undone ? [...report.phases.slice(0, report.phases.indexOf(undone))].reverse().find((p) => p.rollback && !['pending', 'blocked'].includes(p.status)) : undefined;
  const further = before ? `; to roll back further, target ${before.rollback}` : '';
  return `${report.target} is in sync: the cluster is back at the state before ${id}${further}; once the cause is fixed, target ${undone?.id ?? id} again`;
}

/** How the target gets applied: the engine whose wiring was read, or by hand. */
function applyHow(report: DiffReport, phase: PhaseReport): string {
  const folder = `${dirOf(report)}/${phase.folder}`;
  if (report.synthesized?.engine) return `let ${report.synthesized.engine === 'argocd' ? 'Argo CD' : 'Flux'} sync it (${report.synthesized.dir}/gitops/${report.synthesized.engine} targets it)`;
  if (report.synthesized) return `apply it: ${applyCommand(report, folder)}`;
  return `let the GitOps engine sync it (or ${applyCommand(report, folder)})`;
}

/**
 * How to move the GitOps pointer to a phase after `situation`: `promote`, which moves it only when the cluster
 * shows every earlier phase done, then a commit; or, for folders applied by hand, the folder's apply command.
 */
function promoteHow(report: DiffReport, phase: PhaseReport, verb: Promotion['verb'], planFile: string, situation: string): NextStep {
  const s = report.synthesized;
  if (s && !s.engine) return { situation: `${situation}; apply ${phase.folder} next: ${applyCommand(report, `${dirOf(report)}/${phase.folder}`)}` };
  const gitops = s?.engine ? ` --gitops ${s.engine}` : ' --gitops <argocd|flux>';
  const command = `threescale-migrate promote -c ${planFile === '<plan>' ? planFile : shellWord(planFile)} --to ${phase.id} --out ${dirOf(report)}${gitops}`;
  return { situation, promotion: { verb, phase: phase.id, folder: phase.folder, command, commit: dirOf(report) } };
}

function dirOf(report: DiffReport): string {
  return report.synthesized?.dir.replace(/\/+$/, '') ?? 'dist';
}

function targetFrom(report: DiffReport): string {
  const s = report.synthesized;
  return s?.folder === report.target && s.engine ? `, from ${s.dir}/gitops/${s.engine}` : '';
}
