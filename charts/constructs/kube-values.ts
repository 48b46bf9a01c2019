import { k8s } from 'cdk8s-plus-28';
import type { ResourcesSpec, StorageSpec } from '../../src/plan/plan-schema.js';

/** Small converters from plan values to the typed L1 shapes; no defaults are injected here. */

/** A resource list of quantities. */
function quantities(list: { cpu?: string; memory?: string } | undefined): Record<string, k8s.Quantity> | undefined {
  if (!list) return undefined;
  const out: Record<string, k8s.Quantity> = {};
  if (list.cpu !== undefined) out.cpu = k8s.Quantity.fromString(list.cpu);
  if (list.memory !== undefined) out.memory = k8s.Quantity.fromString(list.memory);
  return Object.keys(out).length ? out : undefined;
}

/** Container resources: the plan's when given, else the seed's for that server. */
export function containerResources(planned: ResourcesSpec | undefined, seed: ResourcesSpec): k8s.ResourceRequirements {
  const r = planned ?? seed;
  return { limits: quantities(r.limits), requests: quantities(r.requests) };
}

/** PVC spec for a new database volume (seed: ReadWriteOnce, 1Gi, Filesystem). */
export function volumeClaimSpec(storage: StorageSpec): k8s.PersistentVolumeClaimSpec {
  return {
    accessModes: [storage.accessMode ?? 'ReadWriteOnce'],
    resources: { requests: { storage: k8s.Quantity.fromString(storage.size ?? '1Gi') } },
    storageClassName: storage.storageClassName,
    volumeMode: 'Filesystem',
  };
}

/** A TCP Service port whose target is the same number (the seed's database Services). */
export function tcpPort(port: number): k8s.ServicePort {
  return { port, targetPort: k8s.IntOrString.fromNumber(port), protocol: 'TCP' };
}
