import pc from 'picocolors';
import { APICAST_OPERATOR_2_16, APICAST_OPERATOR_VERSION, isApicast216 } from './apicast-status.js';
import { renderChangesText } from '../diff/compare-objects.js';
import type { DiffReport, PhaseStatus } from './diff-report.js';
import type { Verdict } from './object-verdicts.js';
import { renderPreflightLines } from './render-preflight.js';

const STATUS_COLOR: Record<PhaseStatus, (s: string) => string> = {
  applied: pc.green,
  superseded: pc.green,
  'in-progress': pc.yellow,
  drifted: pc.red,
  pending: pc.dim,
  blocked: pc.dim,
  failed: pc.red,
  unknown: pc.magenta,
};

const MARK: Record<Verdict, string> = {
  'in-sync': '=',
  'not-ready': '…',
  degraded: '!',
  changed: '~',
  missing: '+',
  'job-succeeded': '=',
  'job-running': '…',
  'job-failed': '!',
  'job-not-run': '+',
  'job-stale': '!',
  forbidden: '?',
  'missing-crd': '?',
  immutable: '!',
  error: '?',
};

/** The report as text: a phase table, then the target folder object by object. */
export function renderReportText(report: DiffReport, options: { color: boolean; verbose?: boolean }): string {
  const c = pc.createColors(options.color);
  const paint = (status: PhaseStatus, s: string) => (options.color ? STATUS_COLOR[status](s) : s);
  const out: string[] = [];
  out.push(`Migration ${report.migration}, ${report.source}${report.mode === 'live' && report.fieldManager ? `, dry-run as ${report.fieldManager}` : ''}`);
  if (report.approximate) out.push(c.yellow('Offline comparison: Kubernetes defaults come from a table, verdicts are approximate.'));
  out.push('');
  const width = Math.max(...report.phases.map((p) => p.folder.length), 5);
  for (const p of report.phases) {
    out.push(`  ${p.folder.padEnd(width)}  ${paint(p.status, p.status.padEnd(11))}  ${p.reason}`);
  }
  out.push('');
  out.push(`current phase: ${report.currentPhase ?? 'none (preflight not applied)'}`);
  if (report.outOfOrder.length) out.push(c.red(`out of order: ${report.outOfOrder.join(', ')} show progress while an earlier phase is pending`));
  if (report.threescale !== undefined) out.push(...threescaleLines(report.threescale));
  if (report.apicast !== undefined) out.push(...apicastLines(report.apicast, report.phases.find((p) => p.upgradesThreescale)?.status === 'applied'));
  const preflight = report.preflight ? renderPreflightLines(report.preflight, { verbose: options.verbose }) : [];
  if (preflight.length) out.push('', ...preflight);
  out.push('');
  const open = report.objects.filter((o) => o.verdict !== 'in-sync' && o.verdict !== 'job-succeeded');
  out.push(`${report.target}: ${report.inSync ? 'in sync' : `${open.length} of ${report.objects.length} objects differ or are not done`}`);
  for (const o of report.objects) {
    // A Job done for another version of the plan is shown even when done: its inputs may have changed since.
    if (!options.verbose && (o.verdict === 'in-sync' || (o.verdict === 'job-succeeded' && o.otherPlan === undefined))) continue;
    const ref = `${o.ref.kind} ${o.ref.namespace ? `${o.ref.namespace}/` : ''}${o.ref.name}`;
    out.push(`${MARK[o.verdict]} ${ref}${o.partial ? ' (partial)' : ''}: ${o.verdict}${o.reason ? `: ${o.reason}` : ''}`);
    const changes = renderChangesText(o.changes, { color: options.color, indent: '    ' });
    if (changes) out.push(changes.replace(/\n$/, ''));
  }
  return out.join('\n') + '\n';
}

/** What the live APIManager says about the release and the upgrade checks (plans that run the upgrade). */
function threescaleLines(t: DiffReport['threescale']): string[] {
  if (!t) return ['APIManager: not readable, so its version annotations and Preflights condition are unknown'];
  const lines = [
    `APIManager: apps.3scale.net/apimanager-threescale-version ${t.version ?? '(absent)'}, apps.3scale.net/threescale-operator-version ${t.operatorVersion ?? '(absent)'}`,
  ];
  lines.push(t.preflights ? `APIManager condition Preflights: ${t.preflights.status}${t.preflights.message ? `: ${t.preflights.message}` : ''}` : 'APIManager condition Preflights: absent');
  return lines;
}

/**
 * The APIcast objects and the operator release that reconciled them (seed chapter 2 checks for 0.13.x once
 * the upgrade is done); with the upgrade applied, an APIcast still on another release is named.
 */
function apicastLines(a: DiffReport['apicast'], upgraded: boolean): string[] {
  if (!a) return ['APIcast: not readable, so the apicast.apps.3scale.net/operator-version annotations are unknown'];
  if (!a.apicasts.length) return [`APIcast: none in namespace ${a.namespace}`];
  return a.apicasts.map((x) => {
    const behind = upgraded && !isApicast216(x.operatorVersion) ? ` (the upgrade is applied; expected ${APICAST_OPERATOR_2_16}.x: the APIcast operator has not reconciled it yet)` : '';
    return `APIcast ${a.namespace}/${x.name}: ${APICAST_OPERATOR_VERSION} ${x.operatorVersion ?? '(absent)'}${behind}`;
  });
}

/** The report as JSON: stable key order, masked values (the shape is documented in the README). */
export function renderReportJson(report: DiffReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
