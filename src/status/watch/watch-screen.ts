import pc from 'picocolors';
import type { KubeObject } from '../../kube/kube-object.js';
import type { DiffReport } from '../diff-report.js';
import { renderStatus } from '../render-status.js';
import { formatAmount, formatDuration, progressOf, timeLeftMs } from './progress-record.js';
import { phaseOf } from '../../contract/on-cluster.js';

/** What one screen of `status --watch` is drawn from. */
export interface WatchState {
  readonly report: DiffReport;
  /** Evidence ConfigMap data per namespace. */
  readonly evidence: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** When the window opened (the first Job of the opening phase or a later one), if it did. */
  readonly windowOpenedAt?: number;
  /** `spec.maintenanceWindow` in milliseconds, when the plan has one. */
  readonly budgetMs?: number;
  readonly now: number;
}

/** The screen: window line, the phases as `status` prints them, the target's Jobs with progress, the first failure. */
export function renderWatchScreen(state: WatchState, options: { color: boolean }): string {
  const c = pc.createColors(options.color);
  const out = [`${c.bold(state.report.migration)}: target ${state.report.target}; ${windowLine(state)}`, ''];
  out.push(...renderStatus(state.report, options).trimEnd().split('\n'));
  const jobs = state.report.objects.filter((o) => o.ref.kind === 'Job');
  if (jobs.length) out.push('', `jobs of ${state.report.target}:`);
  for (const j of jobs) {
    const data = state.evidence.get(j.ref.namespace ?? '') ?? {};
    out.push(`  ${`${j.ref.namespace}/${j.ref.name}`.padEnd(40)} ${j.verdict.padEnd(12)} ${progressText(data, j.ref.name, j.verdict)}`.trimEnd());
  }
  const failure = state.report.explanations?.[0];
  if (failure) out.push('', c.red(`first failure: ${failure.title}: ${failure.object.kind} ${failure.object.namespace}/${failure.object.name}: ${failure.line}`), `  remedy: ${failure.remedy}`);
  return out.join('\n') + '\n';
}

function windowLine(state: WatchState): string {
  if (state.windowOpenedAt === undefined) return 'window not open';
  const elapsed = state.now - state.windowOpenedAt;
  if (state.budgetMs === undefined) return `window open ${formatDuration(elapsed)} (no spec.maintenanceWindow budget)`;
  const pct = Math.floor((elapsed * 100) / state.budgetMs);
  return `window open ${formatDuration(elapsed)} of ${formatDuration(state.budgetMs)} (${pct} %)${elapsed > state.budgetMs ? ' OVER BUDGET' : ''}`;
}

/** The progress column of a Job: amounts, the stage once the amounts cannot tell it, and the time left while it runs. */
export function progressText(data: Readonly<Record<string, string>>, step: string, verdict: string): string {
  const p = progressOf(data, step);
  if (!p) return '';
  const pct = p.total === 0 ? 100 : Math.floor((p.done * 100) / p.total);
  const amounts = `${formatAmount(p.done, p.unit)} of ${formatAmount(p.total, p.unit)} (${pct} %)`;
  if (verdict !== 'job-running' || (p.done >= p.total && p.stage === undefined)) return amounts;
  const left = timeLeftMs(p);
  const stage = p.stage?.name === 'setup' ? ', setting up (schema)' : p.done >= p.total || p.stage?.name === 'finish' ? ', finishing (sequences, constraints, triggers)' : '';
  const when = left !== undefined ? `about ${formatDuration(left)} left` : p.done >= p.total ? 'the rest unmeasured' : 'time left unknown yet';
  return `${amounts}${stage}, ${when}`;
}

/**
 * When the window opened: the earliest start of a Job of the opening phase or a later one, from the live Jobs
 * (its creation, or its start if that were earlier: the phase was applied then).
 */
export function windowOpenedAt(jobs: Iterable<KubeObject>, windowPhases: ReadonlySet<string>): number | undefined {
  let first: number | undefined;
  for (const job of jobs) {
    const phase = phaseOf(job);
    const times = [(job.status as { startTime?: string } | undefined)?.startTime, job.metadata.creationTimestamp].map((t) => Date.parse(String(t ?? ''))).filter((t) => !Number.isNaN(t));
    if (!phase || !windowPhases.has(phase) || times.length === 0) continue;
    const started = Math.min(...times);
    first = first === undefined ? started : Math.min(first, started);
  }
  return first;
}
