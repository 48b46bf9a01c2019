import { UserError } from '../errors.js';
import type { PlanBase } from '../plan/plan-base.js';
import { BUILT_IN_PROCEDURES } from './built-in-procedures.js';
import type { PlannedPhase, Procedure } from './phase.js';

/**
 * A procedure of any plan kind. Phase methods take the procedure's own plan type; the registry hands each
 * procedure only plans its own {@link Procedure.validatePlan} returned (the loader dispatches on the plan
 * kind), so a procedure never sees another's plan.
 */
export type AnyProcedure = Procedure;

const registered: AnyProcedure[] = [...BUILT_IN_PROCEDURES];

/** Every procedure the tool knows, by the id a plan file names in `spec.procedure`: the built-in ones, then the registered ones in order. */
export const PROCEDURES: readonly AnyProcedure[] = registered;

/**
 * Adds a procedure to the registry: from then on the loader accepts plans of its `planKind`, and synth,
 * plan, diff, status and the GitOps wiring run it like the built-in ones. Refused (a programming error)
 * when its id, its plan kind or one of its phase ids is taken, or a phase id is not kebab-case.
 */
export function registerProcedure<P extends PlanBase>(procedure: Procedure<P>): void {
  const taken = registered.find((p) => p.id === procedure.id || p.planKind === procedure.planKind);
  if (taken) throw new Error(`threescale-migrate: procedure ${procedure.id} (plan kind ${procedure.planKind}): ${taken.id} already has that id or plan kind`);
  const ids = procedure.phases.map((p) => p.id);
  const bad = ids.find((id, i) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(id) || ids.indexOf(id) !== i);
  if (bad !== undefined || ids.length === 0) throw new Error(`threescale-migrate: procedure ${procedure.id}: phase id "${bad ?? ''}" is not a unique kebab-case id (or there is no phase)`);
  registered.push(procedure);
}

/** The procedure whose plans have this `kind`, or undefined. */
export function procedureOfKind(kind: unknown): AnyProcedure | undefined {
  return registered.find((p) => p.planKind === kind);
}

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
