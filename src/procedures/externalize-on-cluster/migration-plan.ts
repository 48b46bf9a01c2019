import { UserError } from '../../errors.js';
import { checkManagedTargets } from './check-managed-targets.js';
import { migrationPlanSchema, type Plan } from '../../plan/plan-schema.js';
import { parseWithSchema } from '../../plan/zod-issue.js';

/**
 * The MigrationPlan kind: the 2.15 externalization (procedure externalize-on-cluster). Beyond its schema,
 * the checks that span several fields.
 */

const ORACLE_REFUSAL =
  'the System database is Oracle, and 3scale 2.16 is not compatible with Oracle Database: ' +
  'the vendor says not to install or upgrade to 2.16 with Oracle and to stay on 2.15 until a later maintenance release adds support';

/** Validates a parsed MigrationPlan document (a mapping). */
export function validateMigrationPlan(raw: object, path: string): Plan {
  const kind = (raw as { spec?: { systemDatabase?: { kind?: unknown } } }).spec?.systemDatabase?.kind;
  if (kind === 'oracle') {
    throw new UserError(`${path}: spec.systemDatabase.kind: ${ORACLE_REFUSAL}.`);
  }
  const plan = parseWithSchema(migrationPlanSchema(), raw, path);
  checkDetachList(plan, path);
  checkUpgrade(plan, path);
  checkManagedTargets(plan, path);
  return plan;
}

/**
 * An enabled upgrade applies the approval mode of each Subscription as the plan states it, so the plan must
 * state it (discovery copies it from the live Subscription): a default could turn a cluster that approves
 * InstallPlans by hand into one that upgrades by itself, or the reverse.
 */
function checkUpgrade(plan: Plan, path: string): void {
  const u = plan.spec.upgrade;
  if (!u?.enabled) return;
  // OLM moves one minor at a time and the 2.16 operator stops at a multi-minor hop, so an install still on
  // DeploymentConfigs (before 2.15) must be upgraded to 2.15 by its operator first, outside this plan.
  if (plan.spec.threescale.workloadKind === 'DeploymentConfig') {
    throw new UserError(
      `${path}: spec.upgrade.enabled: the upgrade to 2.16 cannot run on an install that still has DeploymentConfigs (spec.threescale.workloadKind: DeploymentConfig, 3scale before 2.15); expected spec.upgrade.enabled: false, and the upgrade to 2.15 done first (its operator turns the DeploymentConfigs into Deployments), then a plan discovered again from the 2.15 install.`,
    );
  }
  for (const [field, s] of [['subscription', u.subscription], ['apicast', u.apicast]] as const) {
    if (s && s.installPlanApproval === undefined) {
      throw new UserError(
        `${path}: spec.upgrade.${field}.installPlanApproval: is required when spec.upgrade.enabled is true (expected "Automatic" or "Manual", as the live Subscription has it; discover fills it in).`,
      );
    }
  }
}

function checkDetachList(plan: Plan, path: string): void {
  const db = plan.spec.systemDatabase;
  if (db.kind !== 'mysql' || !db.detach) return;
  const seen = new Set<string>();
  db.detach.forEach((o, i) => {
    const key = `${o.kind}/${o.name}`;
    if (seen.has(key)) {
      throw new UserError(`${path}: spec.systemDatabase.detach[${i}]: ${key} is listed twice; expected each object once.`);
    }
    seen.add(key);
    if (o.podTemplateLabels && o.kind !== 'Deployment' && o.kind !== 'DeploymentConfig') {
      throw new UserError(`${path}: spec.systemDatabase.detach[${i}].podTemplateLabels: ${key} has no pod template; expected podTemplateLabels only on a Deployment or DeploymentConfig.`);
    }
    const workloadKind = plan.spec.threescale.workloadKind ?? 'Deployment';
    if ((o.kind === 'Deployment' || o.kind === 'DeploymentConfig') && o.kind !== workloadKind) {
      throw new UserError(
        `${path}: spec.systemDatabase.detach[${i}].kind: ${key} is a ${o.kind} while spec.threescale.workloadKind is ${workloadKind}; expected the kind the install runs system-mysql as (${workloadKind}).`,
      );
    }
  });
}
