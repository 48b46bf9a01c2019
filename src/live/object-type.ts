/**
 * Type references and small guards shared by the live and export readers.
 *
 * Objects themselves use the project-wide `KubeObject` (src/kube/kube-object.ts): raw JSON as the API
 * server (or `oc get -o yaml`) returns it, no typed model, no Date conversion, unknown fields kept.
 */

export type { KubeObject } from '../kube/kube-object.js';

/** Which objects one LIST call returns: one type, in one namespace (or cluster-wide). */
export interface ObjectTypeRef {
  /** `v1`, `apps/v1`, ... */
  readonly apiVersion: string;
  /** Kind, e.g. `Secret`. */
  readonly kind: string;
  /**
   * Namespace to list in.
   * @default cluster-wide for cluster-scoped kinds; the client's namespace for namespaced kinds
   */
  readonly namespace?: string;
}

/** Group and version of an apiVersion string (`v1` has the empty core group). */
export interface GroupVersion {
  /** API group; `''` for the core group. */
  readonly group: string;
  /** Version, e.g. `v1`. */
  readonly version: string;
}

/** Splits `apps/v1` into `{group: 'apps', version: 'v1'}` and `v1` into `{group: '', version: 'v1'}`. */
export function parseApiVersion(apiVersion: string): GroupVersion {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** True for a plain, non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
