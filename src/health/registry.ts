import { apiGroup, type KubeObject } from '../kube/kube-object.js';
import type { ObjectTypeRef } from '../live/object-type.js';
import { API_MANAGER_HEALTH } from './api-manager.js';
import { CLUSTER_SERVICE_VERSION_HEALTH } from './cluster-service-version.js';
import { DEPLOYMENT_CONFIG_HEALTH, DEPLOYMENT_HEALTH } from './deployment.js';
import { type Health, type HealthInput, healthy, type KindHealth } from './health.js';
import { IMAGE_STREAM_HEALTH } from './image-stream.js';
import { JOB_HEALTH } from './job.js';
import { PERSISTENT_VOLUME_CLAIM_HEALTH } from './persistent-volume-claim.js';
import { ROUTE_HEALTH } from './route.js';
import { SERVICE_HEALTH } from './service.js';
import { STATEFUL_SET_HEALTH } from './stateful-set.js';
import { SUBSCRIPTION_HEALTH } from './subscription.js';

/** Kinds that are done as soon as they exist (their content is what `diff` compares). */
const present = (group: string, kind: string): KindHealth => ({
  group,
  kind,
  healthyWhen: 'present (its fields are what the comparison checks)',
  reference: 'gitops-engine pkg/health: kinds without a health rule are healthy once they exist',
  check: () => healthy('present'),
});

/** The health rule of each kind, in the README's order. A kind not listed is healthy once present. */
export const HEALTH_CHECKS: readonly KindHealth[] = [
  DEPLOYMENT_HEALTH,
  DEPLOYMENT_CONFIG_HEALTH,
  STATEFUL_SET_HEALTH,
  JOB_HEALTH,
  PERSISTENT_VOLUME_CLAIM_HEALTH,
  SERVICE_HEALTH,
  API_MANAGER_HEALTH,
  SUBSCRIPTION_HEALTH,
  CLUSTER_SERVICE_VERSION_HEALTH,
  IMAGE_STREAM_HEALTH,
  ROUTE_HEALTH,
  present('', 'Secret'),
  present('', 'ConfigMap'),
];

const BY_KIND = new Map(HEALTH_CHECKS.map((h) => [`${h.group}/${h.kind}`, h]));
const UNLISTED = present('', '*');

/** The rule of an object's kind (by API group and kind), or the "present" rule for a kind not listed. */
export function healthRule(o: Pick<KubeObject, 'apiVersion' | 'kind'>): KindHealth {
  return BY_KIND.get(`${apiGroup(o.apiVersion)}/${o.kind}`) ?? UNLISTED;
}

/** The health of a live object, by its kind's rule. */
export function healthOf(input: HealthInput): Health {
  return healthRule(input.live).check(input);
}

/** The listings the health of `o` reads besides `o` itself (the CSVs of a Subscription's namespace). */
export function relatedListings(o: KubeObject): readonly ObjectTypeRef[] {
  return healthRule(o).relatedTypes?.(o) ?? [];
}
