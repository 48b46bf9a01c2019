/**
 * The JSON value model the diff core works on, and the few structural helpers every step needs.
 *
 * Kubernetes objects arrive from YAML or from the API as plain JSON trees. Every function of the diff core
 * takes such a tree, never mutates it, and returns a fresh one built from {@link cloneJson}.
 */

/** A JSON scalar. */
export type JsonScalar = string | number | boolean | null;

/** Any JSON value. */
export type JsonValue = JsonScalar | JsonValue[] | JsonObject;

/** A JSON object (a map with string keys). */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A Kubernetes object as a JSON tree; `apiVersion`, `kind` and `metadata` are expected but not enforced. */
export type KubeObject = JsonObject;

/** Tells whether a value is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep-copies a JSON-like value. Properties whose value is `undefined` are dropped, like `JSON.stringify`
 * would; functions and symbols are not expected.
 */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map((item: unknown) => (item === undefined ? null : cloneJson(item))) as T;
  }
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (child !== undefined) {
        out[key] = cloneJson(child);
      }
    }
    return out as T;
  }
  return value;
}

/** Reads `obj[key]` as an object, or `undefined` when it is absent or not an object. */
export function childObject(obj: JsonObject | undefined, key: string): JsonObject | undefined {
  const child = obj?.[key];
  return isJsonObject(child) ? child : undefined;
}

/** Reads `obj[key]` as an array, or `undefined` when it is absent or not an array. */
export function childArray(obj: JsonObject | undefined, key: string): JsonValue[] | undefined {
  const child = obj?.[key];
  return Array.isArray(child) ? child : undefined;
}

/** Follows a chain of object keys; `undefined` as soon as one step is missing or not an object. */
export function objectAt(obj: JsonObject | undefined, ...keys: string[]): JsonObject | undefined {
  let current = obj;
  for (const key of keys) {
    current = childObject(current, key);
  }
  return current;
}

/** Sets `obj[key] = value` only when `obj` has no such key yet. Returns whether it set it. */
export function setDefault(obj: JsonObject, key: string, value: JsonValue): boolean {
  if (Object.hasOwn(obj, key) && obj[key] !== undefined) {
    return false;
  }
  obj[key] = value;
  return true;
}
