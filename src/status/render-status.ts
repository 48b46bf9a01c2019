import pc from 'picocolors';
import type { DiffReport, PhaseReport } from './diff-report.js';
import { renderPreflightLines } from './render-preflight.js';
import { CHECK_QUEUES_JOB, heldByQueues, NOT_DRAINED } from '../procedures/externalize-on-cluster/queue-check.js';
import { rollbackAdvice } from './rollback-advice.js';
import { shellWord } from '../util/shell-word.js';

/** `status`: one line per phase, then the one next step. */
export function renderStatus(report: DiffReport, options: { readonly color: boolean; readonly planFile?: string }): string {
  const c = pc.createColors(options.color);
  // Columns line up whatever the procedure's folder names (the template upgrade has longer ones).
  const width = Math.max(16, ...report.phases.map((p) => p.folder.length));
  const out = report.phases.map((p) => `${p.folder.padEnd(width)} ${p.status.padEnd(11)} ${p.reason}`);
  const failedChecks = report.preflight ? renderPreflightLines(report.preflight, { failedOnly: true }) : [];
  if (failedChecks.length) out.push('', ...failedChecks);
  out.push('', `next: ${nextStep(report, options.planFile)}`);
  if (report.approximate) out.push(c.yellow('(offline comparison: approximate)'));
  return out.join('\n') + '\n';
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

/**
 * Exit code of `status`, as `diff`: 0 when the target folder is in sync (its state is live, every Job of it
 * done), 1 while anything of it is pending, running, drifted or failed. Errors (2) are thrown, not returned.
 */
export function statusExitCode(report: DiffReport): 0 | 1 {
  return report.inSync && !report.phases.some((p) => p.status === 'failed') ? 0 : 1;
}

const DONE = new Set(['applied', 'superseded']);

/**
 * The next step, in words a user acts on, safe on the state just read: it never names a phase while an
 * earlier one is not done, never a rollback folder of a phase never applied, and where no step is safe it
 * says so and why. `planFile` is the plan the advice's commands name (`<plan>` when unknown).
 */
export function nextStep(report: DiffReport, planFile = '<plan>'): string {
  if (report.target.startsWith('rollback/')) return rollbackNextStep(report);
  const failed = report.phases.find((p) => p.status === 'failed');
  if (failed?.reason.startsWith(`Job ${CHECK_QUEUES_JOB} job-failed`) && failed.reason.includes(NOT_DRAINED)) return heldByQueues(failed.folder, failed.reason);
  if (failed) return `${failed.folder} failed (${failed.reason}); fix the cause and let the Job rerun; ${rollbackAdvice(report.phases, failed.folder).sentence}`;
  const unknown = report.phases.find((p) => p.status === 'unknown');
  if (unknown) return `cannot judge ${unknown.folder}: ${unknown.reason}`;
  const frontier = report.phases.find((p) => !DONE.has(p.status));
  if (report.outOfOrder.length) {
    return `phases ${report.outOfOrder.join(', ')} are live before ${frontier ? `${frontier.folder} (${frontier.status})` : 'an earlier phase'}; do not promote further: check the GitOps target (${report.target}${targetFrom(report)})`;
  }
  const targetIndex = report.phases.findIndex((p) => p.folder === report.target);
  if (!frontier) {
    if (report.inSync) return `${report.target} is in sync; every phase is applied, nothing left to apply`;
    return `every phase is applied, but the target ${report.target} differs from the cluster: run \`threescale-migrate diff\` before letting the GitOps engine sync it`;
  }
  const frontierIndex = report.phases.indexOf(frontier);
  if (frontier.status === 'in-progress') return `wait: ${frontier.folder} is being applied (${frontier.reason})`;
  if (frontier.status === 'drifted') return `${frontier.folder} differs from the cluster: run \`threescale-migrate diff --phase ${frontier.id}\` and let the GitOps engine sync it`;
  const failedChecks = report.preflight?.failed ?? [];
  if (frontier.upgradesThreescale && failedChecks.length) {
    if (targetIndex === frontierIndex) return `${report.target} is blocked by the preflight checks ${failedChecks.join(', ')}: fix them first (each says what fixes it)`;
    return `${report.phases[frontierIndex - 1]?.folder ?? report.target} is in sync; do not promote to upgrade yet: the preflight checks ${failedChecks.join(', ')} fail (see above)`;
  }
  // The frontier is pending: every phase before it is done.
  if (targetIndex === frontierIndex) return `${frontier.folder} is not applied yet: ${applyHow(report, frontier)}`;
  if (targetIndex > frontierIndex) {
    return `${frontier.folder} is not applied yet, but the target is ${report.target}${targetFrom(report)}: do not apply ${report.target} (its folder is a full state that would skip ${frontier.folder} and what it waits for); ${promoteHow(report, frontier, 'move the target back to', planFile)}`;
  }
  const target = report.phases[targetIndex];
  if (!report.inSync || !target) return `${report.target} differs from the cluster: run \`threescale-migrate diff\` and let the GitOps engine sync it`;
  return `${report.target} is in sync; ${promoteHow(report, frontier, 'promote to', planFile)}`;
}

/** The next step when the target is a rollback folder. */
function rollbackNextStep(report: DiffReport): string {
  const failed = report.objects.find((o) => o.verdict === 'job-failed');
  if (failed) return `${report.target} failed (${failed.ref.kind} ${failed.ref.name}: ${failed.reason ?? 'job-failed'}); fix the cause and let the Job rerun`;
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
 * How to move the GitOps pointer to a phase: `promote`, which moves it only when the cluster shows every
 * earlier phase done, then a commit; or, for folders applied by hand, the folder's apply command.
 */
function promoteHow(report: DiffReport, phase: PhaseReport, verb: 'promote to' | 'move the target back to', planFile: string): string {
  const s = report.synthesized;
  if (s && !s.engine) return `apply ${phase.folder} next: ${applyCommand(report, `${dirOf(report)}/${phase.folder}`)}`;
  const gitops = s?.engine ? ` --gitops ${s.engine}` : ' --gitops <argocd|flux>';
  return `${verb} ${phase.id}: threescale-migrate promote -c ${planFile === '<plan>' ? planFile : shellWord(planFile)} --to ${phase.id} --out ${dirOf(report)}${gitops} and commit ${dirOf(report)}/`;
}

function dirOf(report: DiffReport): string {
  return report.synthesized?.dir.replace(/\/+$/, '') ?? 'dist';
}

function targetFrom(report: DiffReport): string {
  const s = report.synthesized;
  return s?.folder === report.target && s.engine ? `, from ${s.dir}/gitops/${s.engine}` : '';
}
