import type { PhaseReport, PhaseStatus } from '../../src/status/diff-report.js';
import type { SynthResult } from '../../src/synth/synthesize.js';

/**
 * The phase reports of a synthesized plan as `status` would read them: every phase up to and including
 * `appliedThrough` applied (none when null), the next ones pending, with `overrides` by phase id.
 */
export function phaseReports(result: SynthResult, appliedThrough: string | null, overrides: Readonly<Record<string, PhaseStatus>> = {}): PhaseReport[] {
  const last = appliedThrough === null ? -1 : result.forward.findIndex((s) => s.phase.definition.id === appliedThrough);
  if (appliedThrough !== null && last < 0) throw new Error(`no phase ${appliedThrough} in this plan`);
  return result.forward.map((s, i) => {
    const id = s.phase.definition.id;
    const status = overrides[id] ?? (i <= last ? 'applied' : 'pending');
    return { order: s.phase.order, id, folder: s.folder, status, reason: `${status} (test)`, checks: { total: 1, satisfied: status === 'applied' ? 1 : 0, superseded: 0 }, rollback: s.phase.definition.rollback ? `rollback/${s.folder}` : null };
  });
}
