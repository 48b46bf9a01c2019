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
 */
export function scaleThreescale(scope: Construct, plan: Plan, phaseId: string, target: 'down' | 'up'): void {
  const { threescale, operator, replicas } = plan.spec;
  new ReplicaOverlay(scope, 'Operator', {
    name: operator.deploymentName,
    namespace: operator.namespace,
    replicas: target === 'down' ? 0 : 1,
    phaseId,
    wave: target === 'down' ? -1 : 1,
    selector: OPERATOR_SELECTOR,
  });
  for (const name of THREESCALE_DEPLOYMENTS) {
    new ReplicaOverlay(scope, `Scale-${name}`, {
      name,
      namespace: threescale.namespace,
      replicas: target === 'down' ? 0 : replicas[name],
      phaseId,
      kind: threescaleWorkload(plan).kind,
    });
  }
}
