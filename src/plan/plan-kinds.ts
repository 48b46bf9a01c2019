import { FRESH_INSTALL_PLAN } from './fresh-install-plan.js';
import { MIGRATION_PLAN_KIND } from './migration-plan.js';
import type { AnyPlan } from './plan-base.js';
import { TEMPLATE_UPGRADE_PLAN_KIND_ENTRY } from './template-upgrade-plan.js';

/** One kind of plan file: its `kind` value and the validation that turns a parsed document into a plan. */
export interface PlanKind {
  /** Value of `kind` in the file. */
  readonly kind: string;
  /** Validates a parsed mapping; every refusal is one sentence naming the file and field. */
  validate(raw: object, path: string): AnyPlan;
}

/** Every plan kind, by the `kind` a file names; each procedure of the registry belongs to one of them. */
export const PLAN_KINDS: readonly PlanKind[] = [MIGRATION_PLAN_KIND, FRESH_INSTALL_PLAN, TEMPLATE_UPGRADE_PLAN_KIND_ENTRY];
