/**
 * The fields an applier stopped setting: every field an earlier version of an object set that the current
 * version no longer has, and every field it sets to `null`, as removal pointers for `CompareOptions.removedPaths`. Server-side apply removes
 * exactly those from the live object when the same field manager applies the current version (unless another
 * manager owns them), so in offline mode, where no dry-run answers, they stand for what the server would
 * remove.
 *
 * Both versions are normalized first as desired objects (offline), so a field that only moved between its
 * explicit and its defaulted form, or between two spellings of a quantity, is not a removal. Each removal is
 * the outermost part that is gone: a keyed list item whose key the current version no longer lists is one
 * pointer by merge key (`/spec/template/spec/containers/name=app/env/name=OLD`); atomic and set lists are
 * compared whole by the diff itself. A field the current version sets to `null` is a removal too (whoever set
 * it), unless the API server defaults it again.
 */
import { isJsonObject, type JsonValue, type KubeObject } from './json.js';
import { formatPointer, parsePointer, resolvePointer } from './json-pointer.js';
import { LIST_ITEM } from './field-types.js';
import { itemKeyParts, mergeKeyFor, type MergeKeyFields } from './list-keys.js';
import { listRulesFor, type ListRules } from './list-types.js';
import { normalize } from './normalize.js';

/** Pointers of the fields that some version in `earlier` sets and `current` does not, sorted, without repeats. */
export function droppedPaths(earlier: readonly KubeObject[], current: KubeObject): string[] {
  const now = normalize(current, { mode: 'offline', side: 'desired' });
  const rules = listRulesFor(now);
  // A `null` in the current object removes the field, whoever set it (kube-apiserver's answer), unless the
  // server defaults it again (then normalization filled the default in and the values are compared).
  const dropped = new Set<string>(nullPointers(current, [], [], undefined, rules).filter((p) => !resolvePointer(now, parsePointer(p)).found));
  for (const version of earlier) {
    const before = normalize(version, { mode: 'offline', side: 'desired' });
    for (const pointer of missingSubtrees(before, now, [], [], undefined, rules)) {
      dropped.add(pointer);
    }
  }
  return [...dropped].sort();
}

/**
 * Walks `before` and names the outermost parts `now` lacks: a whole keyed list item when its key is gone, a
 * field when it is gone; atomic and set lists and empty objects count whole.
 */
function missingSubtrees(before: JsonValue, now: JsonValue | undefined, tokens: string[], path: string[], listName: string | undefined, rules: ListRules): string[] {
  if (now === undefined) {
    return tokens.length === 0 ? [] : [formatPointer(tokens)];
  }
  if (Array.isArray(before)) {
    const fields = mergeKeyFor(listName, before, rules(path));
    if (fields === undefined || !Array.isArray(now)) {
      return [];
    }
    return before.flatMap((item) => {
      const token = keyToken(item, fields);
      const match = resolvePointer(now, [token]);
      return missingSubtrees(item, match.found ? match.value : undefined, [...tokens, token], [...path, LIST_ITEM], undefined, rules);
    });
  }
  if (isJsonObject(before) && isJsonObject(now)) {
    return Object.entries(before).flatMap(([key, child]) =>
      missingSubtrees(child, Object.hasOwn(now, key) ? now[key] : undefined, [...tokens, key], [...path, key], key, rules),
    );
  }
  return [];
}

/** Pointers of the `null` values of `value`, keyed list items named by merge key. */
function nullPointers(value: JsonValue, tokens: string[], path: string[], listName: string | undefined, rules: ListRules): string[] {
  if (value === null) {
    return [formatPointer(tokens)];
  }
  if (Array.isArray(value)) {
    const fields = mergeKeyFor(listName, value, rules(path));
    return fields === undefined ? [] : value.flatMap((item) => nullPointers(item, [...tokens, keyToken(item, fields)], [...path, LIST_ITEM], undefined, rules));
  }
  if (isJsonObject(value)) {
    return Object.entries(value).flatMap(([key, child]) => nullPointers(child, [...tokens, key], [...path, key], key, rules));
  }
  return [];
}

function keyToken(item: JsonValue, fields: MergeKeyFields): string {
  return itemKeyParts(item, fields)
    .map(([field, v]) => `${field}=${v}`)
    .join(',');
}
