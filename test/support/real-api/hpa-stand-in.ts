/**
 * The HorizontalPodAutoscaler controller's one write: the target's replica count through its scale
 * subresource (a PUT of the Scale object, as kube-controller-manager's HPA controller sends it), so the
 * server records the count under `kube-controller-manager` (Update, subresource scale), no engine's manager.
 */
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { apiRequestOk, type ApiEndpoint } from './api-request.js';

/** The manager the HPA controller writes as (kube-controller-manager's user agent). */
export const HPA_MANAGER = 'kube-controller-manager';

/** Sets `replicas` on Deployment `namespace/name` through `/scale`, as the HPA controller does. */
export async function hpaScales(endpoint: ApiEndpoint, namespace: string, name: string, replicas: number): Promise<void> {
  const path = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}/scale`;
  const scale = (await apiRequestOk(endpoint, { method: 'GET', path })) as { spec: { replicas?: number } };
  await apiRequestOk(endpoint, { method: 'PUT', path: `${path}?fieldManager=${HPA_MANAGER}`, body: JSON.stringify({ ...scale, spec: { ...scale.spec, replicas } }), contentType: 'application/json' });
}

/** Who owns `spec.replicas` of a Deployment (`<manager> <operation>[ <subresource>]`), from its managedFields. */
export function replicasOwners(deployment: KubeObject): string[] {
  const entries = (deployment.metadata.managedFields ?? []) as { manager: string; operation: string; subresource?: string; fieldsV1?: { 'f:spec'?: Record<string, unknown> } }[];
  return entries.filter((m) => m.fieldsV1?.['f:spec']?.['f:replicas'] !== undefined).map((m) => [m.manager, m.operation, m.subresource].filter(Boolean).join(' '));
}
