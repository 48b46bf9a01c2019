/**
 * Merge keys of the Kubernetes lists that behave as maps (rule N12): the API merges them by key, so their
 * order carries no meaning and the diff matches their items by key instead of by position.
 *
 * The table follows the `+listMapKey` / `patchMergeKey` markers of the core API types. A list is treated as
 * keyed only when every item is an object carrying the list's first key field; anything else is an atomic
 * list and compared as a whole, position by position.
 */
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';
import type { ListRule } from './list-types.js';

/** The key fields of a keyed list; the first one is required, later ones join the key when present. */
export type MergeKeyFields = readonly [string, ...string[]];

/** One field of an item's merge key with its value, e.g. `['name', 'system-app']`. */
export type KeyPart = readonly [field: string, value: string | number];

/** Lists keyed by the same fields wherever they appear. */
const KEYED_LISTS: Readonly<Record<string, MergeKeyFields>> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  env: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  conditions: ['type'],
  imagePullSecrets: ['name'],
  hostAliases: ['ip'],
  readinessGates: ['conditionType'],
  resourceClaims: ['name'],
  topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'],
  ownerReferences: ['uid'],
  // ServiceAccount.secrets (object references by name).
  secrets: ['name'],
};

/** Lists of scalars with set semantics (order-free, duplicates meaningless). */
const SET_LISTS: ReadonlySet<string> = new Set(['finalizers']);

/**
 * The merge key fields of the list stored under `listName`, judged from its items, or `undefined` for an
 * atomic list. `ports` is keyed by `containerPort`+`protocol` in containers and by `port`+`protocol` in
 * Services and Endpoints, told apart by the item shape. A `rule` from a schema (a CRD's list type, see
 * `list-types.ts`) replaces the name table: only a `map` list is keyed, by the keys it names.
 */
export function mergeKeyFor(listName: string | undefined, items: readonly JsonValue[], rule?: ListRule): MergeKeyFields | undefined {
  if (listName === undefined || items.length === 0 || !items.every(isJsonObject)) {
    return undefined;
  }
  const objects = items as JsonObject[];
  let fields: MergeKeyFields | undefined;
  if (rule !== undefined) {
    fields = rule.type === 'map' ? rule.keys : undefined;
  } else if (listName === 'ports') {
    if (objects.every((item) => item['containerPort'] !== undefined)) {
      fields = ['containerPort', 'protocol'];
    } else if (objects.every((item) => item['port'] !== undefined)) {
      fields = ['port', 'protocol'];
    }
  } else if (Object.hasOwn(KEYED_LISTS, listName)) {
    fields = KEYED_LISTS[listName];
  }
  if (fields === undefined) {
    return undefined;
  }
  const first = fields[0];
  return objects.every((item) => isKeyValue(item[first])) ? fields : undefined;
}

/**
 * Tells whether the list under `listName` is a set of scalars (order does not matter), like `finalizers`;
 * with a schema `rule`, when the rule says `set`.
 */
export function isSetList(listName: string | undefined, items: readonly JsonValue[], rule?: ListRule): boolean {
  const scalars = items.every((item) => !isJsonObject(item) && !Array.isArray(item));
  const set = rule === undefined ? listName !== undefined && SET_LISTS.has(listName) : rule.type === 'set';
  return set && scalars;
}

/** The key parts of one item of a keyed list: the fields of `fields` that the item has, in order. */
export function itemKeyParts(item: JsonValue, fields: MergeKeyFields): KeyPart[] {
  if (!isJsonObject(item)) {
    return [];
  }
  const parts: KeyPart[] = [];
  for (const field of fields) {
    const value = item[field];
    if (isKeyValue(value)) {
      parts.push([field, value]);
    }
  }
  return parts;
}

/** A stable string identity of an item's key, used for matching and duplicate detection. */
export function itemKeyId(item: JsonValue, fields: MergeKeyFields): string {
  return JSON.stringify(itemKeyParts(item, fields));
}

/** Orders two items of a keyed list by their key parts (numbers numerically, strings by code unit). */
export function compareByKey(a: JsonValue, b: JsonValue, fields: MergeKeyFields): number {
  const pa = itemKeyParts(a, fields);
  const pb = itemKeyParts(b, fields);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const va = pa[i]?.[1];
    const vb = pb[i]?.[1];
    const order = compareScalars(va, vb);
    if (order !== 0) {
      return order;
    }
  }
  return 0;
}

/** Orders scalars: absent first, then numbers (numerically), then strings (by code unit). */
export function compareScalars(a: unknown, b: unknown): number {
  if (a === b) {
    return 0;
  }
  if (a === undefined || a === null) {
    return -1;
  }
  if (b === undefined || b === null) {
    return 1;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  if (typeof a === 'number') {
    return -1;
  }
  if (typeof b === 'number') {
    return 1;
  }
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function isKeyValue(value: unknown): value is string | number {
  return typeof value === 'string' || typeof value === 'number';
}
