/**
 * Which fields of a Kubernetes object hold values that need a typed comparison: quantities (N8),
 * int-or-string ports (N10) and "bag" maps whose empty form means the same as absent (N6).
 *
 * A field is identified by its kind and its path of field names from the object root, where a list item
 * is written `[]`: container limits are `spec.template.spec.containers.[].resources.limits.cpu`.
 */

/** A path of field names from the object root; list items are `[]`. */
export type FieldNamePath = readonly string[];

/** The path segment standing for "any item of a list". */
export const LIST_ITEM = '[]';

const REQUIREMENT_MAPS: ReadonlySet<string> = new Set(['limits', 'requests']);
const LIMIT_RANGE_MAPS: ReadonlySet<string> = new Set(['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']);

/**
 * Fields typed `resource.Quantity` in the API: every entry of `resources.limits`/`resources.requests`
 * (containers, pod-level resources, PVC and volume claim templates, and the same shape inside custom
 * resources such as the APIManager), `emptyDir.sizeLimit`, pod `overhead`, ResourceQuota `spec.hard`,
 * ClusterResourceQuota `spec.quota.hard`, LimitRange limits and PersistentVolume `spec.capacity`.
 */
export function isQuantityField(kind: string | undefined, path: FieldNamePath): boolean {
  const n = path.length;
  const parent = path[n - 2];
  if (n >= 3 && path[n - 3] === 'resources' && parent !== undefined && REQUIREMENT_MAPS.has(parent)) {
    return true;
  }
  if (parent === 'emptyDir' && path[n - 1] === 'sizeLimit') {
    return true;
  }
  if (parent === 'overhead') {
    return true;
  }
  switch (kind) {
    case 'ResourceQuota':
      return n === 3 && path[0] === 'spec' && path[1] === 'hard';
    case 'ClusterResourceQuota':
      return n === 4 && path[0] === 'spec' && path[1] === 'quota' && path[2] === 'hard';
    case 'LimitRange':
      return n === 5 && path[0] === 'spec' && path[1] === 'limits' && LIMIT_RANGE_MAPS.has(path[3] ?? '');
    case 'PersistentVolume':
      return n === 3 && path[0] === 'spec' && path[1] === 'capacity';
    default:
      return false;
  }
}

const INT_OR_STRING_PORTS: ReadonlySet<string> = new Set([
  'port',
  'targetPort',
  'containerPort',
  'hostPort',
  'nodePort',
  'maxSurge',
  'maxUnavailable',
]);

/**
 * Fields the API stores as integers (or int-or-string, stored as an integer when numeric): Service and probe
 * ports, `targetPort`, container/host/node ports, rolling-update `maxSurge`/`maxUnavailable`, PDB
 * `maxUnavailable`. A numeric string there means the number; a name (`http`) or a percentage stays text.
 */
export function isIntOrStringField(path: FieldNamePath): boolean {
  const last = path[path.length - 1];
  return last !== undefined && INT_OR_STRING_PORTS.has(last);
}

const BAG_FIELDS_ANYWHERE: ReadonlySet<string> = new Set(['resources', 'nodeSelector', 'securityContext', 'matchLabels']);
const DATA_FIELDS: ReadonlySet<string> = new Set(['data', 'binaryData', 'stringData']);

/**
 * "Bag" maps, where `{}` means exactly what an absent field means, so an empty one is dropped (N6):
 * `metadata.labels`/`annotations` (also in templates), `resources` and its `limits`/`requests`,
 * `nodeSelector`, pod and container `securityContext` (the API server writes `securityContext: {}` into
 * every pod template; an empty one grants or restricts nothing), `matchLabels`, ConfigMap/Secret
 * `data`/`binaryData`/`stringData`, and template `metadata` left empty once server fields are gone.
 *
 * Never a bag: marker objects such as `emptyDir: {}`, whose presence is the setting.
 */
export function isBagField(kind: string | undefined, path: FieldNamePath): boolean {
  const n = path.length;
  const last = path[n - 1];
  const parent = path[n - 2];
  if (last === undefined) {
    return false;
  }
  if ((last === 'labels' || last === 'annotations') && parent === 'metadata') {
    return true;
  }
  if (last === 'metadata') {
    return n > 1;
  }
  if ((last === 'limits' || last === 'requests') && parent === 'resources') {
    return true;
  }
  if (BAG_FIELDS_ANYWHERE.has(last)) {
    return true;
  }
  return n === 1 && DATA_FIELDS.has(last) && (kind === 'ConfigMap' || kind === 'Secret');
}

/** API groups whose kinds the API server defaults itself (core, workloads, networking, OpenShift apps). */
const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'apps',
  'batch',
  'policy',
  'autoscaling',
  'networking.k8s.io',
  'discovery.k8s.io',
  'apps.openshift.io',
]);

/**
 * The kind of `obj` when it belongs to a built-in API group (core `v1`, `apps/v1`, `batch/v1`, ...), or
 * `undefined` for custom resources. Rules that *add* fields (defaults, `protocol: TCP`) only apply to
 * built-in kinds: the API server does not default custom resources, even when they embed pod specs, and a
 * Knative `Service` is not a core Service.
 */
export function builtInKind(obj: { readonly [key: string]: unknown }): string | undefined {
  const apiVersion = obj['apiVersion'];
  const kind = obj['kind'];
  if (typeof kind !== 'string') {
    return undefined;
  }
  if (apiVersion === undefined) {
    // Exported fragments sometimes omit apiVersion; treat the kind as built-in.
    return kind;
  }
  if (typeof apiVersion !== 'string') {
    return undefined;
  }
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return BUILT_IN_GROUPS.has(group) ? kind : undefined;
}
