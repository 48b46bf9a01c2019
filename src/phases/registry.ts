import { UserError } from '../errors.js';
import type { PlanBase } from '../plan/plan-base.js';
import { externalizeOnCluster } from './externalize-on-cluster.js';
import { freshInstall } from './fresh-install.js';
import type { PlannedPhase, Procedure } from './phase.js';
import { templateUpgrade } from './template-upgrade.js';

/**
 * A procedure of any plan kind. Phase methods take the procedure's own plan type; the registry hands each
 * procedure only plans of its kind (the loader validated the kind), which is why the cast below is sound.
 */
export type AnyProcedure = Procedure<PlanBase>;

/** Every procedure the tool knows, by the id a plan file names in `spec.procedure`. */
export const PROCEDURES: readonly AnyProcedure[] = [externalizeOnCluster, freshInstall as AnyProcedure, templateUpgrade as unknown as AnyProcedure];

/** Looks a procedure up by id. */
export function procedureById(id: string): AnyProcedure {
  const found = PROCEDURES.find((p) => p.id === id);
  if (!found) {
    throw new UserError(`spec.procedure: unknown procedure "${id}"; expected one of ${PROCEDURES.map((p) => `"${p.id}"`).join(', ')}.`);
  }
  return found;
}

/** Folder name of a phase: two-digit position and id, e.g. `02-scale-down`. */
export function phaseFolder(order: number, id: string): string {
  return `${String(order).padStart(2, '0')}-${id}`;
}

/**
 * The phases this plan runs, in order. Positions come from the procedure, not from the plan, so a folder
 * name means the same step in every plan of that procedure.
 */
export function plannedPhases(plan: PlanBase): PlannedPhase[] {
  const procedure = procedureById(plan.spec.procedure);
  return procedure.phases
    .map((definition, order) => ({ definition, order, folder: phaseFolder(order, definition.id) }))
    .filter((p) => p.definition.applies(plan));
}

/** Finds a planned phase by id or folder name, naming the valid choices when it is not there. */
export function findPlannedPhase(plan: PlanBase, name: string): PlannedPhase {
  const phases = plannedPhases(plan);
  const found = phases.find((p) => p.definition.id === name || p.folder === name);
  if (!found) {
    throw new UserError(`--phase: "${name}" is not a phase of this plan; expected one of ${phases.map((p) => p.definition.id).join(', ')}.`);
  }
  return found;
}
