/** Tokens of service accounts from the TokenRequest API, as the kubelet mounts them into a Job's pod. */
import { apiRequest, type ApiEndpoint } from './api-request.js';

/** Asks for a one-hour token of `namespace/name`; the ServiceAccount must exist. */
export async function requestServiceAccountToken(endpoint: ApiEndpoint, namespace: string, name: string): Promise<string> {
  const answer = await apiRequest(endpoint, {
    method: 'POST',
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(name)}/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  const token = (answer.body as { status?: { token?: string } } | undefined)?.status?.token;
  if (answer.status !== 201 || !token) {
    const reason = (answer.body as { message?: string } | undefined)?.message ?? `status ${answer.status}`;
    throw new Error(`no token for ServiceAccount ${namespace}/${name}: ${reason}`);
  }
  return token;
}
