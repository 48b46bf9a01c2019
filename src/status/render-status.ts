import pc from 'picocolors';
import type { DiffReport } from './diff-report.js';
import { renderPreflightLines } from './render-preflight.js';

/** `status`: one line per phase, then the one next step. */
export function renderStatus(report: DiffReport, options: { color: boolean }): string {
  const c = pc.createColors(options.color);
  // Columns line up whatever the procedure's folder names (the template upgrade has longer ones).
  const width = Math.max(16, ...report.phases.map((p) => p.folder.length));
  const out = report.phases.map((p) => `${p.folder.padEnd(width)} ${p.status.padEnd(11)} ${p.reason}`);
  const failedChecks = report.preflight ? renderPreflightLines(report.preflight, { failedOnly: true }) : [];
  if (failedChecks.length) out.push('', ...failedChecks);
  out.push('', `next: ${nextStep(report)}`);
  if (report.approximate) out.push(c.yellow('(offline comparison: approximate)'));
  return out.join('\n') + '\n';
}

/** The next step, in words a user acts on. */
export function nextStep(report: DiffReport): string {
  const failedChecks = report.preflight?.failed ?? [];
  const failed = report.phases.find((p) => p.status === 'failed');
  if (failed) {
    const undo = failed.rollback ? `, or roll back with ${failed.rollback}` : `; it has nothing to undo, roll back from the phase before it if needed`;
    return `${failed.folder} failed (${failed.reason}); fix the cause and let the Job rerun${undo}`;
  }
  const unknown = report.phases.find((p) => p.status === 'unknown');
  if (unknown) return `cannot judge ${unknown.folder}: ${unknown.reason}`;
  if (report.outOfOrder.length) return `phases ${report.outOfOrder.join(', ')} are live before an earlier phase; check the GitOps target (${report.target})`;
  const target = report.phases.find((p) => p.folder === report.target);
  if (!report.inSync) {
    if (target?.status === 'in-progress') return `wait: ${report.target} is being applied (${target.reason})`;
    if (target?.id === 'upgrade' && target.status === 'blocked' && failedChecks.length) {
      return `${report.target} is blocked by the preflight checks ${failedChecks.join(', ')}: fix them first (each says what fixes it)`;
    }
    if (target?.status === 'pending' || target?.status === 'blocked') return `${report.target} is not applied yet: let the GitOps engine sync it (or kubectl apply --server-side -k dist/${report.target})`;
    return `${report.target} differs from the cluster: run \`threescale-migrate diff\` and let the GitOps engine sync it`;
  }
  const index = report.phases.findIndex((p) => p.folder === report.target);
  const next = index >= 0 ? report.phases[index + 1] : undefined;
  if (!next) return `${report.target} is in sync; nothing left to apply`;
  if (next.id === 'upgrade' && failedChecks.length) {
    return `${report.target} is in sync; do not promote to upgrade yet: the preflight checks ${failedChecks.join(', ')} fail (see above)`;
  }
  return `${report.target} is in sync; promote to ${next.id}: threescale-migrate promote --to ${next.id} --gitops <engine> (or set spec.gitops.targetPhase: ${next.id}, run synth) and commit dist/`;
}
