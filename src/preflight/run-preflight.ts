import { UserError } from '../errors.js';
import type { PreflightOutcome } from '../phases/phase.js';
import { PROCEDURES, procedureById } from '../phases/registry.js';
import { loadPlanFile } from '../plan/load-plan.js';

/** Options of {@link runPreflight}. */
export interface PreflightOptions {
  /** The plan file; its procedure must have `preflight` checks. */
  readonly planPath: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly requestTimeoutMs?: number;
}

/**
 * `preflight`: the read-only cluster checks the plan's procedure declares, before anything is applied. A plan
 * whose procedure has none is refused, naming the plan kinds that have them.
 */
export async function runPreflight(options: PreflightOptions): Promise<PreflightOutcome> {
  const { plan } = loadPlanFile(options.planPath);
  const procedure = procedureById(plan.spec.procedure);
  if (!procedure.livePreflight) {
    const kinds = PROCEDURES.filter((p) => p.livePreflight !== undefined).map((p) => `"${p.planKind}"`);
    throw new UserError(`${options.planPath}: kind: preflight checks a new install; expected a ${kinds.join(' or a ')}, got "${plan.kind}" (diff and status compare a migration with the cluster).`);
  }
  const preflight = await procedure.livePreflight();
  return preflight.run(plan, options);
}
