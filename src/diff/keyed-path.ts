/**
 * Readable field paths for diff output, with list items named by their merge key rather than their
 * position: `spec.template.spec.containers[name=system-app].env[name=DB_URL].value`,
 * `metadata.labels["app.kubernetes.io/name"]`, `spec.ports[port=5432,protocol=TCP]`.
 *
 * Items of atomic lists (no merge key) keep their position: `spec.template.spec.containers[name=a].args[1]`.
 */
import { LIST_ITEM } from './field-types.js';
import { isJsonObject, type JsonValue } from './json.js';
import { itemKeyParts, mergeKeyFor, type KeyPart, type MergeKeyFields } from './list-keys.js';
import { BUILT_IN_LISTS, type ListRule, type ListRules } from './list-types.js';

/** One step of a path: an object field, or a list item with its merge key when the list has one. */
export type PathStep =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'item'; readonly index: number; readonly key?: readonly KeyPart[] };

/** Rendering of the empty path (the object itself). */
export const ROOT_PATH = '.';

const BARE_FIELD = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const BARE_KEY_VALUE = /^[A-Za-z0-9_.:/@+-]+$/;

/** A field step. */
export function fieldStep(name: string): PathStep {
  return { kind: 'field', name };
}

/**
 * The step to item `index` of `list`, stored under the field `listName`. Carries the item's merge key when
 * the list is keyed (see `mergeKeyFor`), otherwise only the position.
 */
export function itemStep(listName: string | undefined, list: readonly JsonValue[], index: number, rule?: ListRule): PathStep {
  return itemStepByKey(list[index], index, mergeKeyFor(listName, list, rule));
}

/**
 * {@link itemStep} with the list's merge key fields judged already (`mergeKeyFor` reads every item, so a walk
 * over a list judges them once, not once per item).
 */
export function itemStepByKey(item: JsonValue | undefined, index: number, fields: MergeKeyFields | undefined): PathStep {
  if (fields !== undefined && item !== undefined) {
    const key = itemKeyParts(item, fields);
    if (key.length > 0) {
      return { kind: 'item', index, key };
    }
  }
  return { kind: 'item', index };
}

/** Renders steps as one readable path; the empty path renders as {@link ROOT_PATH}. */
export function renderPath(steps: readonly PathStep[]): string {
  if (steps.length === 0) {
    return ROOT_PATH;
  }
  let out = '';
  for (const step of steps) {
    if (step.kind === 'field') {
      if (BARE_FIELD.test(step.name)) {
        out += out === '' ? step.name : `.${step.name}`;
      } else {
        out += `[${JSON.stringify(step.name)}]`;
      }
    } else if (step.key !== undefined && step.key.length > 0) {
      out += `[${step.key.map(([field, value]) => `${field}=${renderKeyValue(value)}`).join(',')}]`;
    } else {
      out += `[${step.index}]`;
    }
  }
  return out;
}

/**
 * Renders the location reached by following raw tokens (object keys and list indexes, as in a JSON pointer)
 * from `root`, naming list items by their merge key. Tokens that leave the document are rendered as given.
 */
export function keyedPath(root: JsonValue, tokens: readonly (string | number)[], rules: ListRules = BUILT_IN_LISTS): string {
  return renderPath(stepsAlong(root, tokens, rules));
}

/** The field names of steps, list items written `[]` (the form `ListRules` and `field-types.ts` take). */
export function fieldNamePath(steps: readonly PathStep[]): string[] {
  return steps.map((step) => (step.kind === 'field' ? step.name : LIST_ITEM));
}

/** The steps of {@link keyedPath}, for callers that extend the path further. */
export function stepsAlong(root: JsonValue, tokens: readonly (string | number)[], rules: ListRules = BUILT_IN_LISTS): PathStep[] {
  const steps: PathStep[] = [];
  let current: JsonValue | undefined = root;
  let lastField: string | undefined;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      const index = typeof token === 'number' ? token : Number(token);
      steps.push(Number.isInteger(index) ? itemStep(lastField, current, index, rules(fieldNamePath(steps))) : fieldStep(String(token)));
      current = Number.isInteger(index) ? current[index] : undefined;
      lastField = undefined;
    } else {
      const name = String(token);
      steps.push(fieldStep(name));
      current = isJsonObject(current) ? current[name] : undefined;
      lastField = name;
    }
  }
  return steps;
}

function renderKeyValue(value: string | number): string {
  if (typeof value === 'number' || BARE_KEY_VALUE.test(value)) {
    return String(value);
  }
  return JSON.stringify(value);
}
