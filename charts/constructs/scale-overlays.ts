import type { Construct } from 'constructs';
import { OPERATOR_SELECTOR, THREESCALE_DEPLOYMENTS } from '../../src/plan/deployments.js';
import { threescaleWorkload } from '../../src/plan/plan-facts.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { ReplicaOverlay } from './replica-overlay.js';

/**
 * Replica overlays for the operator and the twelve 3scale Deployments (DeploymentConfigs before 2.15): all
 * to zero, or all to their captured counts. The operator is an OLM Deployment in every release. As the vendor
 * does, the operator stops first and starts last (Argo CD sync waves -1 and 1 around the components' 0), so it
 * cannot put back the replicas of a component being stopped; Flux applies a folder without order (README).
 * Going up, the Deployments of `spec.autoscaled` get no overlay: their HorizontalPodAutoscaler keeps the count.
 * Returns those, for the phase to release (no folder from here on may carry scale-down's 0 for them).
 */
export function scaleThreescale(scope: Construct, plan: Plan, phaseId: string, target: 'down' | 'up'): ReleasedWorkload[] {
  const { threescale, operator, replicas } = plan.spec;
  new ReplicaOverlay(scope, 'Operator', {
    name: operator.deploymentName,
    namespace: operator.namespace,
    replicas: target === 'down' ? 0 : 1,
    phaseId,
    wave: target === 'down' ? -1 : 1,
    selector: OPERATOR_SELECTOR,
  });
  // From scale-up on, a Deployment an HPA keeps is not pinned (its start is a Job's, charts/scale-up-chart.ts).
  const autoscaled = new Set<string>(target === 'up' ? (plan.spec.autoscaled ?? []) : []);
  const released: ReleasedWorkload[] = [];
  for (const name of THREESCALE_DEPLOYMENTS) {
    if (autoscaled.has(name)) {
      released.push({ apiVersion: threescaleWorkload(plan).apiVersion, kind: threescaleWorkload(plan).kind, namespace: threescale.namespace, name });
      continue;
    }
    new ReplicaOverlay(scope, `Scale-${name}`, {
      name,
      namespace: threescale.namespace,
      replicas: target === 'down' ? 0 : replicas[name],
      phaseId,
      kind: threescaleWorkload(plan).kind,
    });
  }
  return released;
}

/** A workload a phase leaves to another controller. */
export interface ReleasedWorkload {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}
