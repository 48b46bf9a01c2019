/**
 * Puts objects exported from a cluster (the live fixtures) onto a test API server: each is server-side
 * applied under a field manager of the seeding (what the server sets itself is left out: uid, resourceVersion,
 * managedFields, timestamps, allocated cluster IPs), then its status is applied to the status subresource, as
 * the controllers of the exporting cluster had written it. Namespaces are created first, as on a cluster.
 */
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { apiRequest, apiRequestOk, type ApiEndpoint } from './api-request.js';
import { createNamespace } from './namespaces.js';
import { resourcePath } from './resource-paths.js';

/** The field manager the seeding writes as (the fixtures' objects came from a cluster's own actors). */
export const SEED_MANAGER = 'threescale-migrate-test-seed';

const SERVER_SET = ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'generation', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

/** The object as a client may send it: without what the server sets. */
export function withoutServerFields(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj) as KubeObject & { spec?: Record<string, unknown> };
  for (const k of SERVER_SET) delete (copy.metadata as Record<string, unknown>)[k];
  if (copy.kind === 'Service' && copy.spec) {
    delete copy.spec.clusterIP;
    delete copy.spec.clusterIPs;
  }
  return copy;
}

const applyQuery = `fieldManager=${SEED_MANAGER}&force=true`;

/** Seeds `objects` (and the namespaces they name) onto the server; returns the stored objects. */
export async function seedObjects(endpoint: ApiEndpoint, objects: readonly KubeObject[]): Promise<KubeObject[]> {
  const namespaces = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  for (const ns of new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n))) {
    if (!namespaces.has(ns)) await createNamespace(endpoint, ns);
  }
  const stored: KubeObject[] = [];
  for (const obj of objects) {
    const body = withoutServerFields(obj);
    const { status, ...main } = body as KubeObject & { status?: unknown };
    const path = await resourcePath(endpoint, { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name });
    let result = await apiRequestOk(endpoint, { method: 'PATCH', path: `${path}?${applyQuery}`, body: JSON.stringify(main), contentType: 'application/apply-patch+yaml' });
    if (status !== undefined && obj.kind !== 'Namespace') {
      const answer = await apiRequest(endpoint, {
        method: 'PATCH',
        path: `${path}/status?${applyQuery}`,
        body: JSON.stringify({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace }, status }),
        contentType: 'application/apply-patch+yaml',
      });
      if (answer.status === 200) result = answer.body;
      else if (answer.status !== 404) throw new Error(`seeding the status of ${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name} answered ${answer.status}: ${(answer.body as { message?: string } | undefined)?.message ?? ''}`);
    }
    stored.push(result as KubeObject);
  }
  return stored;
}
