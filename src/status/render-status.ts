import pc from 'picocolors';
import type { DiffReport } from './diff-report.js';
import { renderPreflightLines } from './render-preflight.js';
import { nextStep } from './next-step.js';

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
 * Exit code of `status`, as `diff`: 0 when the target folder is in sync (its state is live, every Job of it
 * done), 1 while anything of it is pending, running, drifted or failed. Errors (2) are thrown, not returned.
 */
export function statusExitCode(report: DiffReport): 0 | 1 {
  return report.inSync && !report.phases.some((p) => p.status === 'failed') ? 0 : 1;
}
