import { UserError } from '../../errors.js';
import type { ObjectTypeRef } from '../../live/object-type.js';
import { componentsLeftWithOperator, targetNamespaces, upgradeEnabled, upgradeSubscriptions } from '../../plan/plan-facts.js';
import type { MigrationPlan, VersionRequirementsPolicy } from '../../plan/plan-schema.js';
import { evaluatePreflight, preflightListRefs } from './preflight-checks.js';
import type { ReportHooks } from '../../phases/phase.js';

/**
 * The 2.16 operator refuses to upgrade while a database is internal, so a plan that enables the upgrade and
 * leaves a component with the operator would render a phase that can never succeed.
 */
export function refuseUpgradeWithInternalComponents(plan: MigrationPlan, path: string): void {
  const left = upgradeEnabled(plan) ? componentsLeftWithOperator(plan) : [];
  if (left.length === 0) return;
  throw new UserError(
    `${path}: spec.upgrade.enabled: the upgrade to 2.16 is enabled while ${left.join(' and ')} would stay internal, managed by the 3scale operator, which the 2.16 operator refuses; expected every component external (a strategy that moves or detaches it), or spec.upgrade.enabled: false.`,
  );
}

/** The plan with `spec.preflight.versionRequirements` replaced, as if the file said so. */
export function withVersionRequirements(plan: MigrationPlan, policy: VersionRequirementsPolicy): MigrationPlan {
  if (policy === plan.spec.preflight.versionRequirements) return plan;
  return { ...plan, spec: { ...plan.spec, preflight: { ...plan.spec.preflight, versionRequirements: policy } } };
}

/** The LIST of APIcast objects, when the plan's upgrade moves the APIcast operator too; else undefined. */
export function apicastListRef(plan: MigrationPlan): ObjectTypeRef | undefined {
  if (!plan.spec.upgrade?.enabled) return undefined;
  const apicast = upgradeSubscriptions(plan).find((s) => s.operator === 'apicast');
  return apicast ? { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIcast', namespace: apicast.namespace } : undefined;
}

/** What `diff` and `status` add for the externalization: the preflight checks of seed chapters 1 and 2, APIcast, the target namespaces. */
export const migrationReport: ReportHooks<MigrationPlan> = {
  listRefs: preflightListRefs,
  preflight: evaluatePreflight,
  apicast: apicastListRef,
  explainNamespaces: targetNamespaces,
};
