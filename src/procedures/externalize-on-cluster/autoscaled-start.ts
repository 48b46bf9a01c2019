import { threescaleWorkload } from '../../plan/plan-facts.js';
import type { Plan } from '../../plan/plan-schema.js';
import { type JsonPatchStep, stepFileName } from '../../patches/json-patch-steps.js';

/** The Job of scale-up that starts the Deployments an HPA keeps (charts/jobs/json-patch-job.ts). */
export const START_AUTOSCALED_JOB = 'start-autoscaled';
/**
 * The same Job in `rollback/…-scale-down`, named apart: Flux never runs a Complete Job again while its spec is
 * unchanged, so a rollback after scale-up would otherwise find scale-up's Job done and leave the Deployments at 0.
 */
export const RESTART_AUTOSCALED_JOB = 'restart-autoscaled';

/**
 * The Deployments of `spec.autoscaled` (APIManager `hpa: true`) with a captured count above 0: the folders
 * from scale-up on carry no `spec.replicas` for them, so no engine owns the field and self-heal never takes
 * it back from the HorizontalPodAutoscaler.
 */
export function autoscaledDeployments(plan: Plan): NonNullable<Plan['spec']['autoscaled']> {
  return (plan.spec.autoscaled ?? []).filter((name) => plan.spec.replicas[name] > 0);
}

/**
 * One guarded step per autoscaled Deployment: from 0 (as scale-down left it) to its captured count, once. An
 * HPA never scales a target at 0 replicas, so something must start it; the `test` of 0 makes the step a no-op
 * on any other count, and the probe makes a rerun skip a Deployment already running, whatever count the HPA
 * chose since. `diff` checks nothing of it: the count is the HPA's.
 */
export function startAutoscaledSteps(plan: Plan): JsonPatchStep[] {
  const workload = threescaleWorkload(plan);
  return autoscaledDeployments(plan).map((name, i) => ({
    apiVersion: workload.apiVersion,
    kind: workload.kind,
    resource: workload.kind === 'DeploymentConfig' ? 'deploymentconfig.apps.openshift.io' : workload.resource,
    name,
    file: stepFileName(i, workload.resource, name, 'start'),
    operations: [
      { op: 'test', path: '/spec/replicas', value: 0 },
      { op: 'replace', path: '/spec/replicas', value: plan.spec.replicas[name] },
    ],
    probe: 'go-template={{if .spec.replicas}}started{{else}}stopped{{end}}',
    done: 'started',
    before: 'stopped',
    check: { leftTo: 'HorizontalPodAutoscaler' },
  }));
}
