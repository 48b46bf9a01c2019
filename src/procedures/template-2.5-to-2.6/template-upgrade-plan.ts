import { UserError } from '../../errors.js';
import { type TemplateUpgradePlan, templateUpgradePlanSchema } from './template-upgrade-plan-schema.js';
import { parseWithSchema } from '../../plan/zod-issue.js';

/**
 * The TemplateUpgradePlan kind: a template-based 3scale 2.5 upgraded to 2.6 (procedure template-2.5-to-2.6).
 * Beyond its schema, the checks that span several fields.
 */

/**
 * The DeploymentConfigs whose patches the upgrade generates: without their record the patches cannot be
 * built from what is present, so the plan is refused rather than patched blindly.
 */
export const PATCHED_DEPLOYMENT_CONFIGS = ['system-app', 'system-sidekiq', 'system-sphinx', 'backend-worker', 'backend-cron'] as const;

/** Validates a parsed TemplateUpgradePlan document (a mapping). */
export function validateTemplateUpgradePlan(raw: object, path: string): TemplateUpgradePlan {
  const plan = parseWithSchema(templateUpgradePlanSchema(), raw, path);
  checkUnique(plan.spec.deploymentConfigs.map((d) => d.name), 'spec.deploymentConfigs', 'DeploymentConfig', path);
  checkUnique(plan.spec.imageStreams.map((i) => i.name), 'spec.imageStreams', 'ImageStream', path);
  checkUnique(plan.spec.routes.found.map((r) => r.name), 'spec.routes.found', 'Route', path);
  plan.spec.deploymentConfigs.forEach((dc, i) => {
    checkUnique([...dc.containers, ...dc.initContainers].map((c) => c.name), `spec.deploymentConfigs[${i}].containers`, 'container', path);
    dc.triggers.forEach((t, j) => {
      if ((t.type === 'ImageChange') !== (t.from !== undefined)) {
        throw new UserError(`${path}: spec.deploymentConfigs[${i}].triggers[${j}].from: expected an ImageStreamTag on an ImageChange trigger and none on a ConfigChange trigger.`);
      }
    });
  });
  for (const name of PATCHED_DEPLOYMENT_CONFIGS) {
    if (!plan.spec.deploymentConfigs.some((d) => d.name === name)) {
      throw new UserError(`${path}: spec.deploymentConfigs: DeploymentConfig ${name} is not recorded; expected every DeploymentConfig of the 2.5 template (discover records them).`);
    }
  }
  const systemApp = plan.spec.deploymentConfigs.find((d) => d.name === 'system-app')!;
  if (systemApp.preHookEnv === undefined) {
    throw new UserError(`${path}: spec.deploymentConfigs[${plan.spec.deploymentConfigs.indexOf(systemApp)}].preHookEnv: is required for system-app (expected the names of its pre-hook pod's environment variables, as discover records them).`);
  }
  const found = new Set(plan.spec.routes.found.map((r) => r.name));
  plan.spec.routes.delete?.forEach((name, i) => {
    if (!found.has(name)) throw new UserError(`${path}: spec.routes.delete[${i}]: Route ${name} is not among spec.routes.found; expected only routes that exist.`);
  });
  if (plan.spec.routes.serviceDeploymentOptions.length > 0 && !plan.spec.routes.accessTokenSecret) {
    throw new UserError(`${path}: spec.routes.accessTokenSecret: is required when spec.routes.serviceDeploymentOptions lists services (expected the name and key of a Secret holding an Account Management API access token).`);
  }
  return plan;
}

function checkUnique(names: readonly string[], field: string, what: string, path: string): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) throw new UserError(`${path}: ${field}[${i}]: ${what} ${n} is listed twice; expected each once.`);
    seen.add(n);
  });
}
