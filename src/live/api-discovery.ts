/**
 * API discovery: maps (apiVersion, kind) to the REST resource (plural name, namespaced or not) with
 * one `GET /api/v1` or `GET /apis/<group>/<version>` per group/version, cached for the life of the
 * object. Concurrent lookups of the same group/version share one request; failures are not cached.
 */
import type { KubeClient } from './kube-client.js';
import { badResponseError, errorFromStatus, missingApiError, missingKindError } from './kube-errors.js';
import type { KubeOperation } from './kube-errors.js';
import { isPlainObject, parseApiVersion } from './object-type.js';

/** One REST resource as discovery describes it. */
export interface ApiResource {
  /** `apps/v1`, `v1`, ... */
  readonly apiVersion: string;
  /** API group; `''` for core. */
  readonly group: string;
  /** Version. */
  readonly version: string;
  /** Kind, e.g. `Deployment`. */
  readonly kind: string;
  /** Plural resource name used in URLs, e.g. `deployments`. */
  readonly plural: string;
  /** True when objects live in a namespace. */
  readonly namespaced: boolean;
  /** Verbs the server allows (`list`, `get`, `patch`, ...). */
  readonly verbs: readonly string[];
}

/** URL prefix of a group/version: `/api/v1` or `/apis/<group>/<version>`. */
export function apiPrefix(apiVersion: string): string {
  const { group, version } = parseApiVersion(apiVersion);
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

type Outcome = { readonly ok: true; readonly resources: readonly ApiResource[] } | { readonly ok: false; readonly status: number; readonly body: string };

/** Discovery with a per-group/version cache. */
export class ApiDiscovery {
  private readonly client: KubeClient;
  private readonly cache = new Map<string, Promise<Outcome>>();

  public constructor(client: KubeClient) {
    this.client = client;
  }

  /**
   * The resources a group/version serves (subresources such as `deployments/scale` left out).
   * @param operation what the caller wants to do, so that errors name it
   * @throws LiveReadError `missing-crd` when the group/version is not served; other kinds for other failures
   */
  public async resources(apiVersion: string, operation?: KubeOperation): Promise<readonly ApiResource[]> {
    const op: KubeOperation = operation ?? { verb: 'discover', apiVersion };
    let pending = this.cache.get(apiVersion);
    if (!pending) {
      pending = this.fetch(apiVersion);
      this.cache.set(apiVersion, pending);
    }
    let outcome: Outcome;
    try {
      outcome = await pending;
    } catch (err) {
      this.cache.delete(apiVersion);
      throw err;
    }
    if (outcome.ok) return outcome.resources;
    this.cache.delete(apiVersion);
    if (outcome.status === 404) throw missingApiError(op, apiVersion, 404);
    throw errorFromStatus(op, outcome.status, outcome.body);
  }

  /**
   * The resource serving `kind` in `apiVersion`.
   * @throws LiveReadError `missing-crd` when the group/version or the kind is not served
   */
  public async resolve(apiVersion: string, kind: string, operation?: KubeOperation): Promise<ApiResource> {
    const op: KubeOperation = operation ?? { verb: 'discover', apiVersion, kind };
    const resources = await this.resources(apiVersion, op);
    const found = resources.find((r) => r.kind === kind);
    if (!found) throw missingKindError(op, apiVersion, kind);
    return found;
  }

  private async fetch(apiVersion: string): Promise<Outcome> {
    const op: KubeOperation = { verb: 'discover', apiVersion };
    const res = await this.client.send({ method: 'GET', path: apiPrefix(apiVersion), operation: op });
    if (res.status < 200 || res.status >= 300) return { ok: false, status: res.status, body: res.body };
    let doc: unknown;
    try {
      doc = JSON.parse(res.body);
    } catch {
      throw badResponseError(op, res.status, 'non-JSON content');
    }
    if (!isPlainObject(doc) || !Array.isArray(doc.resources)) throw badResponseError(op, res.status, 'a document that is not an APIResourceList');
    const { group, version } = parseApiVersion(apiVersion);
    const resources: ApiResource[] = [];
    for (const r of doc.resources) {
      if (!isPlainObject(r) || typeof r.name !== 'string' || typeof r.kind !== 'string' || r.name.includes('/')) continue;
      resources.push({
        apiVersion,
        group,
        version,
        kind: r.kind,
        plural: r.name,
        namespaced: r.namespaced === true,
        verbs: Array.isArray(r.verbs) ? r.verbs.filter((v): v is string => typeof v === 'string') : [],
      });
    }
    return { ok: true, resources };
  }
}
