/**
 * How the lists of one object merge, by kind: built-in kinds (and the OpenShift kinds, typed in Go like
 * them) follow the list-map keys of the Kubernetes OpenAPI (the name table of `list-keys.ts`); custom
 * resources follow their CRD schema, `x-kubernetes-list-type` (`atomic`, `set`, `map`) and
 * `x-kubernetes-list-map-keys`, and a list the schema does not type is atomic, as kube-openapi converts it
 * for structured-merge-diff ("atomic by default"). The CRDs come from the project's `crds/`; a custom kind
 * without a CRD there has only atomic lists. `metadata` is ObjectMeta in every kind.
 */
import { crdVersion } from '../validate/crd-index.js';
import { builtInKind, LIST_ITEM, type FieldNamePath } from './field-types.js';
import type { MergeKeyFields } from './list-keys.js';

/** The merge rule of one list, as a schema states it. */
export type ListRule = { readonly type: 'atomic' } | { readonly type: 'set' } | { readonly type: 'map'; readonly keys: MergeKeyFields };

/**
 * The rule of the list at a field-name path (list items written `[]`), or `undefined` where the built-in
 * name table of `list-keys.ts` decides.
 */
export type ListRules = (path: FieldNamePath) => ListRule | undefined;

/** Lists of built-in kinds: the name table decides everywhere. */
export const BUILT_IN_LISTS: ListRules = () => undefined;

const ATOMIC: ListRule = { type: 'atomic' };

/** The list rules of `obj`'s kind (see the module comment). */
export function listRulesFor(obj: { readonly [key: string]: unknown }): ListRules {
  const apiVersion = obj['apiVersion'];
  const kind = obj['kind'];
  if (builtInKind(obj) !== undefined || typeof apiVersion !== 'string' || typeof kind !== 'string' || isOpenShiftGroup(apiVersion)) {
    return BUILT_IN_LISTS;
  }
  const schema = crdVersion(apiVersion, kind)?.schema;
  return (path) => (path[0] === 'metadata' ? undefined : schema === undefined ? ATOMIC : ruleAt(schema, path));
}

/** OpenShift's own API groups (`apps.openshift.io`, `image.openshift.io`, `route.openshift.io`) are Go types like the built-in ones. */
function isOpenShiftGroup(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/');
  return slash > 0 && apiVersion.slice(0, slash).endsWith('.openshift.io');
}

function ruleAt(schema: Record<string, unknown>, path: FieldNamePath): ListRule {
  let node: Record<string, unknown> | undefined = schema;
  for (const step of path) {
    node = node === undefined ? undefined : child(node, step);
  }
  if (node === undefined) {
    return ATOMIC;
  }
  const type = node['x-kubernetes-list-type'];
  const keys = node['x-kubernetes-list-map-keys'];
  if (type === 'map' && Array.isArray(keys) && keys.length > 0 && keys.every((k): k is string => typeof k === 'string')) {
    return { type: 'map', keys: keys as unknown as MergeKeyFields };
  }
  return type === 'set' ? { type: 'set' } : ATOMIC;
}

function child(node: Record<string, unknown>, step: string): Record<string, unknown> | undefined {
  if (step === LIST_ITEM) {
    return asSchema(node['items']);
  }
  const properties = asSchema(node['properties']);
  return asSchema(properties?.[step]) ?? asSchema(node['additionalProperties']);
}

function asSchema(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
