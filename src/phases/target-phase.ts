import { UserError } from '../errors.js';
import type { PlanBase } from '../plan/plan-base.js';
import { parseFolderTarget } from '../synth/folder-target.js';
import { plannedPhases } from './registry.js';

/**
 * Checks a target phase (`spec.gitops.targetPhase`, `--target-phase`) names a phase this plan runs, or
 * `rollback/<id>` of one that has a rollback; `field` names where it came from in the one-sentence error.
 */
export function checkTargetPhase(plan: PlanBase, target: string, field: string): void {
  const { rollback, id } = parseFolderTarget(target);
  const phases = plannedPhases(plan);
  const phase = phases.find((p) => p.definition.id === id || p.folder === id);
  if (!phase) throw new UserError(`${field}: "${target}" is not a phase of this plan; expected one of ${phases.map((p) => p.definition.id).join(', ')} (or rollback/<id>).`);
  if (rollback && !phase.definition.rollback) {
    throw new UserError(`${field}: phase "${id}" has no rollback; expected one of ${phases.filter((p) => p.definition.rollback).map((p) => `rollback/${p.definition.id}`).join(', ')}.`);
  }
}
