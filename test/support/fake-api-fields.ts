/**
 * Field sets and merges for the fake API server: an approximation of structured-merge-diff that is
 * good enough to exercise server-side apply (ownership, conflicts, removal of fields a manager stops
 * applying), strategic merge patch and JSON merge patch.
 *
 * A field path is a list of segments: `f:<field>` for map keys and `k:<json key>` for items of keyed
 * lists (containers and env by name, volumeMounts by mountPath, ports by port+protocol, ...), the
 * same notation managedFields uses. Paths are joined with \u0001 to be used as set members.
 *
 * Which lists are keyed and which maps are atomic depends on the kind ({@link MergeRules}): built-in kinds
 * (and openshift-apiserver's compiled DeploymentConfig) follow their Go struct tags; custom resources follow
 * their CRD schema, which for every CRD this project installs (no x-kubernetes-list-type or -map-type) means
 * atomic lists and granular maps.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const SEP = '\u0001';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The merge key of an item of the list stored under `field`, or undefined for atomic lists. */
export function listItemKey(field: string, item: unknown): JsonObject | undefined {
  if (!isObject(item)) return undefined;
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
      return typeof item.name === 'string' ? { name: item.name } : undefined;
    case 'volumeMounts':
      return typeof item.mountPath === 'string' ? { mountPath: item.mountPath } : undefined;
    case 'ports':
      if (item.containerPort !== undefined) return { containerPort: item.containerPort, protocol: item.protocol ?? 'TCP' };
      if (item.port !== undefined) return { port: item.port, protocol: item.protocol ?? 'TCP' };
      return undefined;
    case 'ownerReferences':
      return typeof item.uid === 'string' ? { uid: item.uid } : undefined;
    case 'conditions':
      return typeof item.type === 'string' ? { type: item.type } : undefined;
    default:
      return undefined;
  }
}

/** Maps kube-apiserver replaces as a whole (`+structType=atomic` LabelSelector, `+mapType=atomic` selectors). */
const ATOMIC_MAPS = new Set(['selector', 'nodeSelector', 'podSelector', 'namespaceSelector']);

/** How a server merges the lists and maps of one kind. */
export interface MergeRules {
  /** The merge key of an item of the list stored under `field`, or undefined for atomic lists. */
  readonly listItemKey: (field: string, item: unknown) => JsonObject | undefined;
  /** True when the map stored under `field` is owned and replaced as a whole. */
  readonly atomicMap: (field: string) => boolean;
}

/** Built-in kinds: keyed lists and atomic maps as their Go types declare them. */
export const BUILT_IN_RULES: MergeRules = { listItemKey, atomicMap: (field) => ATOMIC_MAPS.has(field) };

/** Custom resources whose CRD declares no list or map type: every list atomic, every map granular. */
export const CUSTOM_RESOURCE_RULES: MergeRules = { listItemKey: () => undefined, atomicMap: () => false };

function keySegment(key: JsonObject): string {
  const sorted = Object.fromEntries(Object.entries(key).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `k:${JSON.stringify(sorted)}`;
}

function isKeyedList(field: string, value: unknown, rules: MergeRules): value is JsonObject[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => rules.listItemKey(field, item) !== undefined);
}

/** The part of an object that field managers own: metadata labels/annotations/ownerReferences/finalizers and everything but status. */
export function managedView(obj: JsonObject, part: 'main' | 'status' = 'main'): JsonObject {
  if (part === 'status') return obj.status === undefined ? {} : { status: obj.status };
  const view: JsonObject = {};
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const m: JsonObject = {};
  for (const k of ['labels', 'annotations', 'ownerReferences', 'finalizers']) if (meta[k] !== undefined) m[k] = meta[k];
  if (Object.keys(m).length > 0) view.metadata = m;
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata' || k === 'status') continue;
    view[k] = v;
  }
  return view;
}

/** Leaf paths of a value (empty maps, atomic maps and atomic lists are leaves). */
export function leafPaths(value: Json, rules: MergeRules = BUILT_IN_RULES, prefix: string[] = [], field = '', out: Set<string> = new Set()): Set<string> {
  if (isObject(value) && Object.keys(value).length > 0 && !rules.atomicMap(field)) {
    for (const [k, v] of Object.entries(value)) if (v !== undefined) leafPaths(v, rules, [...prefix, `f:${k}`], k, out);
  } else if (isKeyedList(field, value, rules)) {
    for (const item of value) leafPaths(item, rules, [...prefix, keySegment(rules.listItemKey(field, item)!)], '', out);
  } else if (prefix.length > 0) {
    out.add(prefix.join(SEP));
  }
  return out;
}

/** FieldsV1 object for a set of leaf paths. */
export function toFieldsV1(paths: Iterable<string>): JsonObject {
  const root: JsonObject = {};
  for (const path of [...paths].sort()) {
    let node = root;
    for (const seg of path.split(SEP)) {
      if (!isObject(node[seg])) node[seg] = {};
      node = node[seg] as JsonObject;
      if (seg.startsWith('k:')) node['.'] = {};
    }
  }
  return root;
}

/** Leaf paths of a FieldsV1 object. */
export function fromFieldsV1(fields: unknown, prefix: string[] = [], out: Set<string> = new Set()): Set<string> {
  if (!isObject(fields)) return out;
  const children = Object.keys(fields).filter((k) => k !== '.');
  if (children.length === 0) {
    if (prefix.length > 0) out.add(prefix.join(SEP));
    return out;
  }
  for (const k of children) fromFieldsV1(fields[k], [...prefix, k], out);
  return out;
}

function matchesKey(item: unknown, key: JsonObject): boolean {
  if (!isObject(item)) return false;
  return Object.entries(key).every(([k, v]) => deepEqual(item[k] ?? (k === 'protocol' ? 'TCP' : undefined), v));
}

/** The value at a path, or undefined. */
export function getAtPath(obj: Json | undefined, path: string): Json | undefined {
  let node: Json | undefined = obj;
  for (const seg of path.split(SEP)) {
    if (seg.startsWith('f:')) {
      if (!isObject(node)) return undefined;
      node = node[seg.slice(2)];
    } else {
      if (!Array.isArray(node)) return undefined;
      const key = JSON.parse(seg.slice(2)) as JsonObject;
      node = node.find((item) => matchesKey(item, key));
    }
  }
  return node;
}

/** Removes the value at a path (map key or keyed list item); returns true when something was removed. */
export function deleteAtPath(obj: Json, path: string): boolean {
  const segs = path.split(SEP);
  const last = segs[segs.length - 1];
  const container = segs.length === 1 ? obj : getAtPath(obj, segs.slice(0, -1).join(SEP));
  if (last.startsWith('f:')) {
    if (!isObject(container) || !(last.slice(2) in container)) return false;
    delete container[last.slice(2)];
    return true;
  }
  if (!Array.isArray(container)) return false;
  const key = JSON.parse(last.slice(2)) as JsonObject;
  const index = container.findIndex((item) => matchesKey(item, key));
  if (index < 0) return false;
  container.splice(index, 1);
  return true;
}

/**
 * Removes what an applier no longer applies: each stale path, or, when nothing kept (applied again or owned
 * by another manager) lies inside the keyed list item it belongs to, that whole item, as structured-merge-diff
 * removes an env item or a port rather than leaving its other fields behind.
 */
export function removeStaleFields(obj: Json, stale: Iterable<string>, kept: ReadonlySet<string>): void {
  const keptPaths = [...kept];
  const holdsKept = (prefix: string): boolean => keptPaths.some((p) => p === prefix || p.startsWith(`${prefix}${SEP}`));
  for (const path of stale) {
    const segs = path.split(SEP);
    let target = path;
    for (let i = 0; i < segs.length; i++) {
      if (!segs[i].startsWith('k:')) continue;
      const item = segs.slice(0, i + 1).join(SEP);
      if (!holdsKept(item)) {
        target = item;
        break;
      }
    }
    deleteAtPath(obj, target);
  }
}

/** Server-side-apply style merge: maps merge (atomic ones are replaced), keyed lists merge by key, everything else is replaced. */
export function applyMerge(live: Json | undefined, applied: Json, rules: MergeRules = BUILT_IN_RULES, field = ''): Json {
  if (isObject(live) && isObject(applied) && !rules.atomicMap(field)) {
    const out: JsonObject = { ...live };
    for (const [k, v] of Object.entries(applied)) out[k] = applyMerge(live[k], v, rules, k);
    return out;
  }
  if (Array.isArray(live) && isKeyedList(field, applied, rules) && live.every((item) => rules.listItemKey(field, item) !== undefined)) {
    const out: Json[] = live.map((item) => clone(item));
    for (const item of applied) {
      const key = rules.listItemKey(field, item)!;
      const index = out.findIndex((existing) => matchesKey(existing, key));
      if (index >= 0) out[index] = applyMerge(out[index], item, rules, '');
      else out.push(clone(item));
    }
    return out;
  }
  return clone(applied);
}

/** Strategic merge patch: like applyMerge, plus `null` deletes and `$patch: delete|replace` directives. */
export function strategicMerge(live: Json | undefined, patch: Json, field = ''): Json | undefined {
  if (isObject(patch)) {
    if (patch.$patch === 'replace') {
      const { $patch: _p, ...rest } = patch;
      return stripDirectives(rest);
    }
    if (patch.$patch === 'delete') return undefined;
    const out: JsonObject = isObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(patch)) {
      if (k.startsWith('$')) continue;
      if (v === null) {
        delete out[k];
        continue;
      }
      const merged = strategicMerge(out[k], v, k);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  if (Array.isArray(patch) && Array.isArray(live) && patch.every((item) => listItemKey(field, item) !== undefined)) {
    const out: Json[] = live.map((item) => clone(item));
    for (const item of patch) {
      const key = listItemKey(field, item)!;
      const index = out.findIndex((existing) => matchesKey(existing, key));
      if (isObject(item) && item.$patch === 'delete') {
        if (index >= 0) out.splice(index, 1);
        continue;
      }
      if (index >= 0) out[index] = strategicMerge(out[index], item, '') ?? out[index];
      else out.push(stripDirectives(item));
    }
    return out;
  }
  return stripDirectives(patch);
}

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('$')) out[k] = stripDirectives(v);
  return out;
}

/** RFC 7386 JSON merge patch. */
export function jsonMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = jsonMergePatch(out[k], v);
  }
  return out;
}
