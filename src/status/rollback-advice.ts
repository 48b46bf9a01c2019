import type { PhaseReport, PhaseStatus } from './diff-report.js';

/** Statuses of a phase nothing of which is live: there is nothing of it to undo. */
const NOT_STARTED: ReadonlySet<PhaseStatus> = new Set(['pending', 'blocked']);
/** Statuses of a phase that is done. */
const DONE: ReadonlySet<PhaseStatus> = new Set(['applied', 'superseded']);

/** How to undo a phase, judged on the state just read. */
export interface RollbackAdvice {
  /**
   * The rollback folders to apply, in order (the latest phase with anything live first, down to this one);
   * empty when no rollback folder is safe to apply or there is nothing to undo.
   */
  readonly folders: readonly string[];
  /** One sentence a user can follow: the folders to apply, or why none is safe. */
  readonly sentence: string;
}

/**
 * The safe way to undo phase `folder` on the phases just read. Rollback folders are full states (the state
 * before their phase plus what undoes it), so one is safe only when every phase before its phase is done;
 * phases after it with anything live are undone first, from the latest down. A phase never applied has
 * nothing to undo, and a phase after an unfinished one cannot be undone by a folder that would also apply
 * the unfinished one.
 */
export function rollbackAdvice(phases: readonly PhaseReport[], folder: string): RollbackAdvice {
  const index = phases.findIndex((p) => p.folder === folder);
  const phase = phases[index];
  if (!phase) return { folders: [], sentence: `${folder} is not a phase of this plan, so nothing of it can be undone` };
  if (NOT_STARTED.has(phase.status)) return { folders: [], sentence: `${folder} was never applied (${phase.status}): nothing of it to undo, and no rollback folder addresses this` };
  if (phase.status === 'unknown') return { folders: [], sentence: `${folder} could not be read, so no rollback can be judged safe; fix the access first` };
  const open = phases.slice(0, index).find((p) => !DONE.has(p.status));
  if (open) {
    return {
      folders: [],
      sentence: `no rollback folder is safe: ${open.folder} before it is ${open.status}, and every rollback folder is a full state that would apply it too; bring ${open.folder} to applied first`,
    };
  }
  let head = index;
  for (let i = index + 1; i < phases.length; i++) if (!NOT_STARTED.has(phases[i]!.status)) head = i;
  const unreadable = phases.slice(index + 1, head + 1).find((p) => p.status === 'unknown');
  if (unreadable) return { folders: [], sentence: `${unreadable.folder} after it could not be read, so no rollback can be judged safe; fix the access first` };
  const folders = phases
    .slice(index, head + 1)
    .reverse()
    .flatMap((p) => (p.rollback ? [p.rollback] : []));
  if (!phase.rollback) {
    const before = [...phases.slice(0, index)].reverse().find((p) => p.rollback);
    const further = before ? `; to go back further, apply ${[...folders, before.rollback].join(', then ')}` : '';
    return { folders: [], sentence: `${folder} has nothing to undo${further}` };
  }
  return { folders, sentence: `to undo it, apply ${folders.join(', then ')}` };
}
