import { type Health, type HealthInput, healthy, type KindHealth, progressing, specOf, statusOf } from './health.js';

/** Service: a LoadBalancer waits for its address; every other type is done once it exists. */
function serviceHealth(input: HealthInput): Health {
  if (specOf(input.live).type !== 'LoadBalancer') return healthy('present');
  const ingress = (statusOf(input.live).loadBalancer as { ingress?: unknown } | undefined)?.ingress;
  return Array.isArray(ingress) && ingress.length > 0 ? healthy('the load balancer has an address') : progressing('waits for the load balancer to get an address');
}

export const SERVICE_HEALTH: KindHealth = {
  group: '',
  kind: 'Service',
  healthyWhen: 'present; a LoadBalancer Service once status.loadBalancer.ingress has an address',
  reference: 'gitops-engine pkg/health (Service)',
  check: serviceHealth,
};
