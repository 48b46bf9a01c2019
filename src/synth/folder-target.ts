import type { FolderState, SynthResult } from './synthesize.js';

/** A folder named as users name it: a phase id (or folder name), or `rollback/<id>`. */
export function parseFolderTarget(target: string): { readonly rollback: boolean; readonly id: string } {
  const rollback = target.startsWith('rollback/');
  return { rollback, id: rollback ? target.slice('rollback/'.length) : target };
}

/** The folders a target is looked up among, and the one it names (matched by phase id or folder name). */
export function findFolderState(result: SynthResult, target: string): { readonly pool: readonly FolderState[]; readonly found: FolderState | undefined } {
  const { rollback, id } = parseFolderTarget(target);
  const pool = rollback ? result.rollbacks : result.forward;
  return { pool, found: pool.find((s) => s.phase.definition.id === id || s.phase.folder === id) };
}
