/**
 * The 3scale 2.15 Deployments whose replica counts the migration captures, scales to zero and restores.
 *
 * The vendor procedure's brace lists repeat `system-memcache` and `zync-database`; this list is exact and
 * has no duplicates. The database Deployments (`system-postgresql`, `system-mysql`, `backend-redis`,
 * `system-redis`) are not in it: they are handled per component, because they keep running while their
 * data is read.
 */
export const THREESCALE_DEPLOYMENTS = [
  'system-memcache',
  'zync-database',
  'apicast-production',
  'apicast-staging',
  'backend-cron',
  'backend-listener',
  'backend-worker',
  'system-app',
  'system-sidekiq',
  'system-searchd',
  'zync',
  'zync-que',
] as const;

/** One of the twelve 3scale Deployments that are scaled down and up. */
export type ThreescaleDeployment = (typeof THREESCALE_DEPLOYMENTS)[number];

/**
 * The Deployments a 3scale 2.15 APIManager can hand to a HorizontalPodAutoscaler, by the flag that does it:
 * `spec.apicast.productionSpec.hpa`, `spec.backend.listenerSpec.hpa`, `spec.backend.workerSpec.hpa`. With the
 * flag the operator creates the HPA and no longer sets the Deployment's replicas.
 */
export const AUTOSCALABLE_DEPLOYMENTS = ['apicast-production', 'backend-listener', 'backend-worker'] as const;

/** The APIManager flag of each, as a path under `spec`. */
export const HPA_FLAGS: Readonly<Record<(typeof AUTOSCALABLE_DEPLOYMENTS)[number], readonly [string, string]>> = {
  'apicast-production': ['apicast', 'productionSpec'],
  'backend-listener': ['backend', 'listenerSpec'],
  'backend-worker': ['backend', 'workerSpec'],
};

/**
 * The order in which the vendor procedure scales Deployments back up (seed 3.2.9): dependencies first,
 * the gateways last, so APIcast does not take traffic before System and Backend answer.
 */
export const SCALE_UP_ORDER: readonly ThreescaleDeployment[] = [
  'system-memcache',
  'zync-database',
  'backend-cron',
  'backend-listener',
  'backend-worker',
  'system-searchd',
  'zync',
  'zync-que',
  'system-app',
  'system-sidekiq',
  'apicast-staging',
  'apicast-production',
];

/** Name of the 2.15 operator Deployment installed by OLM. */
export const DEFAULT_OPERATOR_DEPLOYMENT = 'threescale-operator-controller-manager-v2';

/**
 * The pod selector of the operator Deployment, as the 3scale operator's ClusterServiceVersion declares it
 * (OLM copies it; 2.14 to 2.16 alike). A Deployment's selector is immutable, so this never changes live.
 */
export const OPERATOR_SELECTOR: Readonly<Record<string, string>> = { app: '3scale-api-management', 'control-plane': 'controller-manager' };

/**
 * The pod selector the 3scale operator gives every Deployment it creates from the APIManager (the
 * components and the internal databases): `deployment: <name>`.
 */
export function componentSelector(deployment: string): Record<string, string> {
  return { deployment };
}

/** The internal database Deployments of a 2.15 install, by component. */
export const INTERNAL_DATABASE_DEPLOYMENTS = {
  postgresql: 'system-postgresql',
  mysql: 'system-mysql',
  backendRedis: 'backend-redis',
  systemRedis: 'system-redis',
} as const;
