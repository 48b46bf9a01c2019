import type { FreshInstallPlan } from './fresh-install-plan-schema.js';
import type { GitopsSpec, JobsSpec, MigrationPlan } from './plan-schema.js';
import type { TemplateUpgradePlan } from './template-upgrade-plan-schema.js';

/**
 * What every plan kind has. Generic code (synth, the GitOps wiring, diff, status, the plan view) reads only
 * this, so a new procedure with its own plan kind needs no change there.
 */
export interface PlanBase {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    /** Names the run; used in labels and in the GitOps objects. */
    readonly name: string;
  };
  readonly spec: {
    /** Which procedure of the registry the plan runs. */
    readonly procedure: string;
    /** The namespace 3scale runs (or will run) in: the destination of the GitOps wiring. */
    readonly threescale: {
      readonly namespace: string;
      /** The APIManager the plan works on, when it has one: diff and status report what the operator says on it. */
      readonly apiManagerName?: string;
    };
    readonly jobs: JobsSpec;
    readonly gitops: GitopsSpec;
  };
}

/** Every plan kind the loader accepts. */
export type AnyPlan = MigrationPlan | FreshInstallPlan | TemplateUpgradePlan;

/** Narrows a plan to the MigrationPlan kind (the 2.15 externalization). */
export function isMigrationPlan(plan: PlanBase): plan is MigrationPlan {
  return plan.kind === 'MigrationPlan';
}

/** Narrows a plan to the FreshInstallPlan kind (a new self-hosted 2.16 install). */
export function isFreshInstallPlan(plan: PlanBase): plan is FreshInstallPlan {
  return plan.kind === 'FreshInstallPlan';
}

/** Narrows a plan to the TemplateUpgradePlan kind (the template-era 2.5 to 2.6 upgrade). */
export function isTemplateUpgradePlan(plan: PlanBase): plan is TemplateUpgradePlan {
  return plan.kind === 'TemplateUpgradePlan';
}
