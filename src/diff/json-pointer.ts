/**
 * RFC 6901 JSON pointers, as used for removal markers (`removedPaths`, rule N22), with one extension for
 * lists that behave as maps: where a list is crossed, a token may select the item by its merge key instead
 * of its position, `name=DB_URL` or `port=5432,protocol=TCP`. RFC 6901 only allows digits (or `-`) as a
 * list token, so the extension never changes the meaning of a standard pointer.
 *
 * Example: `/spec/template/spec/containers/name=system-app/env/name=OLD_VAR`.
 */
import { isJsonObject, type JsonValue } from './json.js';

/** Thrown for text that is not a JSON pointer. */
export class JsonPointerError extends Error {
  public constructor(pointer: string, reason: string) {
    super(`"${pointer}" is not a JSON pointer: ${reason}`);
    this.name = 'JsonPointerError';
  }
}

/** The result of following a pointer through a document. */
export type PointerMatch =
  | { readonly found: true; readonly value: JsonValue; readonly tokens: readonly (string | number)[] }
  | { readonly found: false };

/**
 * Splits a pointer into unescaped tokens (`~1` → `/`, `~0` → `~`). The empty pointer addresses the whole
 * document and yields no tokens.
 *
 * @throws JsonPointerError when the pointer does not start with `/` or holds a bad `~` escape.
 */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') {
    return [];
  }
  if (!pointer.startsWith('/')) {
    throw new JsonPointerError(pointer, 'it must start with "/"');
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~(?![01])/.test(token)) {
        throw new JsonPointerError(pointer, `bad escape in "${token}"`);
      }
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** Joins tokens into a pointer, escaping `~` and `/`. */
export function formatPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((token) => `/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * Follows tokens from `root`. In lists, a token is a position (`0`), or a merge-key selector
 * (`name=x`, `port=5432,protocol=TCP`; values compare as text). Returns the value and the concrete tokens
 * (selectors replaced by positions), or `found: false` when any step is missing.
 */
export function resolvePointer(root: JsonValue, tokens: readonly string[]): PointerMatch {
  let current: JsonValue = root;
  const concrete: (string | number)[] = [];
  for (const token of tokens) {
    if (Array.isArray(current)) {
      const index = listIndex(current, token);
      if (index === undefined) {
        return { found: false };
      }
      concrete.push(index);
      current = current[index] as JsonValue;
    } else if (isJsonObject(current) && Object.hasOwn(current, token)) {
      concrete.push(token);
      current = current[token] as JsonValue;
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current, tokens: concrete };
}

/** Deletes the value at concrete tokens (as returned by {@link resolvePointer}) from `root`, in place. */
export function removeAt(root: JsonValue, tokens: readonly (string | number)[]): void {
  if (tokens.length === 0) {
    return;
  }
  let parent: JsonValue | undefined = root;
  for (const token of tokens.slice(0, -1)) {
    parent = Array.isArray(parent) ? parent[Number(token)] : isJsonObject(parent) ? parent[String(token)] : undefined;
  }
  const last = tokens[tokens.length - 1] as string | number;
  if (Array.isArray(parent)) {
    parent.splice(Number(last), 1);
  } else if (isJsonObject(parent)) {
    delete parent[String(last)];
  }
}

function listIndex(list: readonly JsonValue[], token: string): number | undefined {
  if (/^(0|[1-9]\d*)$/.test(token)) {
    const index = Number(token);
    return index < list.length ? index : undefined;
  }
  if (!token.includes('=')) {
    return undefined;
  }
  const wanted = token.split(',').map((part) => {
    const at = part.indexOf('=');
    return [part.slice(0, at), part.slice(at + 1)] as const;
  });
  const index = list.findIndex(
    (item) =>
      isJsonObject(item) &&
      wanted.every(([field, value]) => {
        const actual = item[field];
        return (typeof actual === 'string' || typeof actual === 'number') && String(actual) === value;
      }),
  );
  return index < 0 ? undefined : index;
}
