import type { k8s } from 'cdk8s-plus-28';
import { resourceType } from '../../src/kube/resource-types.js';
import { grant } from '../constructs/grant.js';
import type { PhaseChart } from '../phase-chart.js';
import { kubeJob } from './kube-job.js';

/** A Job deleting exactly the listed objects ("<namespace> <resource>/<name>"), with delete rights on those names only. */
export function deleteObjectsJob(chart: PhaseChart, name: string, objects: readonly string[]): void {
  if (!objects.length) return;
  const byNamespace = new Map<string, Map<string, string[]>>();
  for (const line of objects) {
    const [ns, ref] = line.split(' ') as [string, string];
    const [resource, objName] = ref.split('/') as [string, string];
    const { apiVersion, kind } = resourceType(resource);
    chart.declareDeleted({ apiVersion, kind, namespace: ns, name: objName });
    const perNs = byNamespace.get(ns) ?? new Map<string, string[]>();
    perNs.set(resource, [...(perNs.get(resource) ?? []), objName]);
    byNamespace.set(ns, perNs);
  }
  const access = [...byNamespace.entries()].map(([namespace, perNs]) => ({
    namespace,
    rules: [...perNs.entries()].map(
      ([resource, names]): k8s.PolicyRule => grant({ types: resource, names }, ['get', 'delete']),
    ),
  }));
  kubeJob(chart, 'Delete', {
    name,
    namespace: chart.plan.spec.threescale.namespace,
    script: 'delete-objects.sh',
    wave: 0,
    env: [{ name: 'OBJECTS', value: objects.join('\n') }],
    access,
  });
}
