import type { DiffReport, PhaseReport } from '../status/diff-report.js';
import { parseFolderTarget } from '../synth/folder-target.js';

/** Whether the GitOps pointer may move to a folder now, and why. */
export interface PromotionVerdict {
  readonly allowed: boolean;
  /** One sentence: what decided it. */
  readonly reason: string;
}

const DONE = new Set<PhaseReport['status']>(['applied', 'superseded']);

const matches = (p: PhaseReport, id: string) => p.id === id || p.folder === id;

/**
 * The ordering gate of the one-pointer model: the pointer may move to forward phase N only when the cluster
 * shows every phase before N done (applied, or superseded by a later one), no phase failed and, for the
 * upgrade, the preflight checks pass. A rollback folder is never held back: it is how a stuck or failed
 * migration is undone, so the gate only says which phase it undoes.
 */
export function promotionGate(report: DiffReport, target: string): PromotionVerdict {
  const { rollback, id } = parseFolderTarget(target);
  const index = report.phases.findIndex((p) => matches(p, id));
  if (index < 0) return { allowed: false, reason: `"${target}" is not a phase of ${report.migration}; expected one of ${report.phases.map((p) => p.id).join(', ')} (or rollback/<id>).` };
  const phase = report.phases[index]!;
  if (rollback) {
    if (!phase.rollback) return { allowed: false, reason: `${phase.folder} has nothing to undo (no rollback folder); roll back from the phase before it.` };
    return { allowed: true, reason: `${phase.rollback} undoes ${phase.folder}; rollbacks are never held back.` };
  }
  const failed = report.phases.find((p) => p.status === 'failed');
  if (failed) return { allowed: false, reason: `${failed.folder} failed (${failed.reason}); fix it (or roll back) before moving on.` };
  const unknown = report.phases.find((p) => p.status === 'unknown');
  if (unknown) return { allowed: false, reason: `cannot judge ${unknown.folder}: ${unknown.reason}.` };
  const notDone = report.phases.slice(0, index).find((p) => !DONE.has(p.status));
  if (notDone) {
    return { allowed: false, reason: `${notDone.folder} is ${notDone.status} (${notDone.reason}); ${phase.folder} may follow only when every phase before it is applied.` };
  }
  const failedChecks = report.preflight?.failed ?? [];
  if (phase.upgradesThreescale && failedChecks.length) return { allowed: false, reason: `the preflight checks ${failedChecks.join(', ')} fail; ${phase.folder} waits for them.` };
  if (index === 0) return { allowed: true, reason: `${phase.folder} is the first phase.` };
  return { allowed: true, reason: `${report.phases[index - 1]!.folder} and every phase before it are applied.` };
}
