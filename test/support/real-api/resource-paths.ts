/**
 * REST paths of objects on a test API server, from its discovery documents (plural names and scope), cached
 * per server URL: what kubectl's RESTMapper does.
 */
import { apiRequestOk, type ApiEndpoint } from './api-request.js';

interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

const discovered = new Map<string, Promise<readonly ApiResource[]>>();

function resourcesOf(endpoint: ApiEndpoint, apiVersion: string): Promise<readonly ApiResource[]> {
  const key = `${endpoint.url} ${apiVersion}`;
  let found = discovered.get(key);
  if (!found) {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    found = apiRequestOk(endpoint, { method: 'GET', path }).then((list) => ((list as { resources: ApiResource[] }).resources ?? []).filter((r) => !r.name.includes('/')));
    found.catch(() => discovered.delete(key));
    discovered.set(key, found);
  }
  return found;
}

/** The path of the collection of `kind` (in `namespace` when namespaced) or, with `name`, of one object. */
export async function resourcePath(endpoint: ApiEndpoint, ref: { readonly apiVersion: string; readonly kind: string; readonly namespace?: string; readonly name?: string }): Promise<string> {
  const resource = (await resourcesOf(endpoint, ref.apiVersion)).find((r) => r.kind === ref.kind);
  if (!resource) throw new Error(`the test API server does not serve ${ref.apiVersion} ${ref.kind}`);
  const prefix = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
  if (resource.namespaced && !ref.namespace) throw new Error(`${ref.kind} ${ref.name ?? ''} is namespaced: name its namespace`);
  const ns = resource.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace!)}` : '';
  return `${prefix}${ns}/${resource.name}${ref.name ? `/${encodeURIComponent(ref.name)}` : ''}`;
}
