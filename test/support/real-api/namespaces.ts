/**
 * Namespaces as a cluster has them. kube-apiserver creates default, kube-system, kube-public and
 * kube-node-lease itself; the `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap of every namespace
 * come from kube-controller-manager, which the tests do not run, so the harness creates them.
 */
import { sleep } from '../db-servers.js';
import { apiRequest, apiRequestOk, type ApiEndpoint } from './api-request.js';

/** The namespaces kube-apiserver creates at start. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

async function createIfMissing(endpoint: ApiEndpoint, path: string, body: unknown): Promise<void> {
  const answer = await apiRequest(endpoint, { method: 'POST', path, body });
  if (answer.status === 201 || answer.status === 409) return;
  throw new Error(`POST ${path} answered ${answer.status}: ${(answer.body as { message?: string } | undefined)?.message ?? ''}`);
}

/** What kube-controller-manager adds to a namespace: its `default` ServiceAccount and `kube-root-ca.crt`. */
export async function addControllerDefaults(endpoint: ApiEndpoint, namespace: string): Promise<void> {
  const ns = encodeURIComponent(namespace);
  await createIfMissing(endpoint, `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
  await createIfMissing(endpoint, `/api/v1/namespaces/${ns}/configmaps`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-root-ca.crt', annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
    data: { 'ca.crt': endpoint.caPem },
  });
}

/** Creates a namespace (labels as a cluster sets them, plus `labels`) with its controller defaults. */
export async function createNamespace(endpoint: ApiEndpoint, name: string, labels: Readonly<Record<string, string>> = {}): Promise<void> {
  await createIfMissing(endpoint, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...labels } } });
  await addControllerDefaults(endpoint, name);
}

/** Waits until kube-apiserver has created its system namespaces, then adds their controller defaults. */
export async function prepareSystemNamespaces(endpoint: ApiEndpoint): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const ns of SYSTEM_NAMESPACES) {
    while ((await apiRequest(endpoint, { method: 'GET', path: `/api/v1/namespaces/${ns}` })).status !== 200) {
      if (Date.now() > deadline) throw new Error(`kube-apiserver did not create namespace ${ns} within 30 s`);
      await sleep(100);
    }
    await addControllerDefaults(endpoint, ns);
  }
  await apiRequestOk(endpoint, { method: 'GET', path: '/api/v1/namespaces/default/serviceaccounts/default' });
}
