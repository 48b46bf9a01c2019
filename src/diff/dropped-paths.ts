/**
 * The fields an applier stopped setting: every field an earlier version of an object set that the current
 * version no longer has, as removal pointers for `CompareOptions.removedPaths`. Server-side apply removes
 * exactly those from the live object when the same field manager applies the current version (unless another
 * manager owns them), so in offline mode, where no dry-run answers, they stand for what the server would
 * remove.
 *
 * Both versions are normalized first as desired objects (offline), so a field that only moved between its
 * explicit and its defaulted form, or between two spellings of a quantity, is not a removal. Keyed list items
 * are addressed by their merge key (`/spec/template/spec/containers/name=app/env/name=OLD`); atomic and set
 * lists, and empty objects, are leaves: a removal covers them whole.
 */
import { isJsonObject, type JsonValue, type KubeObject } from './json.js';
import { formatPointer, parsePointer, resolvePointer } from './json-pointer.js';
import { LIST_ITEM } from './field-types.js';
import { itemKeyParts, mergeKeyFor } from './list-keys.js';
import { listRulesFor, type ListRules } from './list-types.js';
import { normalize } from './normalize.js';

/** Pointers of the fields that some version in `earlier` sets and `current` does not, sorted, without repeats. */
export function droppedPaths(earlier: readonly KubeObject[], current: KubeObject): string[] {
  if (earlier.length === 0) {
    return [];
  }
  const now = normalize(current, { mode: 'offline', side: 'desired' });
  const rules = listRulesFor(now);
  const dropped = new Set<string>();
  for (const version of earlier) {
    const before = normalize(version, { mode: 'offline', side: 'desired' });
    for (const pointer of leafPointers(before, [], [], undefined, rules)) {
      if (!resolvePointer(now, parsePointer(pointer)).found) {
        dropped.add(pointer);
      }
    }
  }
  return [...dropped].sort();
}

function leafPointers(value: JsonValue, tokens: string[], path: string[], listName: string | undefined, rules: ListRules): string[] {
  if (Array.isArray(value)) {
    const fields = mergeKeyFor(listName, value, rules(path));
    if (fields === undefined) {
      return [formatPointer(tokens)];
    }
    return value.flatMap((item) => {
      const key = itemKeyParts(item, fields)
        .map(([field, v]) => `${field}=${v}`)
        .join(',');
      return leafPointers(item, [...tokens, key], [...path, LIST_ITEM], undefined, rules);
    });
  }
  if (isJsonObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) {
      return tokens.length === 0 ? [] : [formatPointer(tokens)];
    }
    return entries.flatMap(([key, child]) => leafPointers(child, [...tokens, key], [...path, key], key, rules));
  }
  return [formatPointer(tokens)];
}
