/**
 * Compares one desired Kubernetes object with its live counterpart and lists the differences as readable,
 * masked changes.
 *
 * Pipeline: normalize both sides (see `normalize.ts`), mask secrets on both with one shared masker (so equal
 * secrets still compare equal and nothing unmasked ever reaches a delta), apply the removal markers, reduce
 * the live object to the fields the desired object states (unless `ownedFieldsOnly: false`), let quantities
 * that are equal by value take the desired spelling, and diff with jsondiffpatch, matching list items by
 * merge key.
 *
 * Semantics:
 * - Only fields present in the desired object are compared; live extras (labels and annotations added by
 *   controllers, N4; server defaults; items other managers added to keyed lists) are not changes.
 *   `metadata.labels`/`annotations` are compared as a subset even with `ownedFieldsOnly: false`.
 * - A removal is a change only when the caller states it: `removedPaths` lists JSON pointers the desired
 *   state removes (see `json-pointer.ts` for the merge-key selector extension). A removed path absent on
 *   live is in sync (N22); present, it is a `remove` change. When the desired object itself has the path,
 *   the desired value wins and the path is compared normally.
 * - Quantities compare by value (`1` = `1000m`, `1Gi` = `1024Mi` = `1073741824`).
 */
import { create, type Delta, type Options } from 'jsondiffpatch';
import pc from 'picocolors';
import { protectJson } from '../redact/session.js';
import { isQuantityField, LIST_ITEM } from './field-types.js';
import { cloneJson, isJsonObject, type JsonObject, type JsonValue, type KubeObject } from './json.js';
import { parsePointer, removeAt, resolvePointer } from './json-pointer.js';
import { fieldNamePath, fieldStep, itemStepByKey, keyedPath, renderPath, type PathStep } from './keyed-path.js';
import { isSetList, itemKeyId, mergeKeyFor, type MergeKeyFields } from './list-keys.js';
import { listRulesFor, type ListRules } from './list-types.js';
import { maskOwnedObject, SecretMasker, type MaskOptions } from './mask-secrets.js';
import { normalizeWithFindings, type DiffMode, type Finding } from './normalize.js';
import { quantitiesEqual } from './quantity.js';

/** Options of {@link compareObjects}. */
export interface CompareOptions {
  /** `live` when the desired object comes from a server-side-apply dry-run, `offline` for plain manifests. */
  readonly mode: DiffMode;
  /** Compare only the fields the desired object states (default `true`). */
  readonly ownedFieldsOnly?: boolean;
  /**
   * Compare the whole objects, labels and annotations included (default `false`): for a desired object that
   * is a server-side apply dry-run answer, which already holds what other managers own and lacks what the
   * applying manager stopped setting, so every live field it lacks is a removal (as `kubectl diff
   * --server-side` and Argo CD's server-side diff compare). Implies `ownedFieldsOnly: false`.
   */
  readonly wholeObject?: boolean;
  /**
   * RFC 6901 pointers the desired state removes (e.g. parsed from a `threescale-migrate.3scale.net/removed-paths`
   * annotation by the caller). They are resolved one after another against the *normalized* live object, so
   * fields normalization drops are never reported, and a numeric list index addresses the merge-key-sorted
   * order: prefer the selector form `name=X` / `port=5432,protocol=TCP` for keyed lists.
   */
  readonly removedPaths?: readonly string[];
  /** Extra masking settings (sensitive annotations, env name pattern). */
  readonly mask?: MaskOptions;
}

/** The kind of one change, seen from live to desired: what applying the desired state would do. */
export type ChangeOp = 'add' | 'remove' | 'replace';

/** One difference. Values are masked; `desired` is absent for removals, `live` for additions. */
export interface Change {
  /** Keyed path, e.g. `spec.template.spec.containers[name=system-app].env[name=DB_URL].value`. */
  readonly path: string;
  readonly op: ChangeOp;
  readonly desired?: JsonValue;
  readonly live?: JsonValue;
}

/** Verdict for one object. Plain JSON with a stable shape and order (changes sorted by path). */
export interface CompareResult {
  readonly result: 'in-sync' | 'changed';
  readonly changes: Change[];
  /** Problems of either object (duplicate merge keys, N13); they do not change the verdict. */
  readonly findings: Finding[];
}

/** Options of {@link renderChangesText}. */
export interface RenderOptions {
  /** ANSI colors: `+` green, `-` red, `~` yellow. */
  readonly color: boolean;
  /** Prefix of every line (default none). */
  readonly indent?: string;
}

/** Compares a desired object with the live one. Neither input is modified. */
export function compareObjects(desired: KubeObject, live: KubeObject, options: CompareOptions): CompareResult {
  const normalizedDesired = normalizeWithFindings(desired, { mode: options.mode, side: 'desired' });
  const normalizedLive = normalizeWithFindings(live, { mode: options.mode, side: 'live' });

  const masker = new SecretMasker();
  // Values read from Secrets become whole tokens first (printing masks them), so the URL rule cannot leave
  // part of one readable; keys stay as they are, removal paths name them.
  // Both normalized objects are fresh copies (and protectJson returns them or fresh copies): masked in place.
  const right = maskOwnedObject(protectJson(normalizedDesired.object, { keys: false }), masker, options.mask);
  const maskedLive = maskOwnedObject(protectJson(normalizedLive.object, { keys: false }), masker, options.mask);

  const rules = listRulesFor(right);
  const changes: Change[] = applyRemovals(right, maskedLive, options.removedPaths ?? [], rules);
  const kind = typeof right['kind'] === 'string' ? right['kind'] : undefined;
  const scope: Scope = options.wholeObject === true ? 'whole' : (options.ownedFieldsOnly ?? true) ? 'desired' : 'desired-metadata';
  const left = alignLive(right, maskedLive, [], { kind, scope, rules });

  const hashes = new WeakMap<object, string>();
  indexListItems(left, [], undefined, hashes, rules);
  indexListItems(right, [], undefined, hashes, rules);
  const delta = createDiffer(hashes).diff(left, right);
  collectChanges(delta, left, right, [], undefined, changes, rules);

  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.op < b.op ? -1 : a.op > b.op ? 1 : 0));
  return {
    result: changes.length === 0 ? 'in-sync' : 'changed',
    changes,
    findings: [...normalizedDesired.findings, ...normalizedLive.findings],
  };
}

/**
 * Renders changes as a compact text block, one line per change:
 * `~ path: live → desired`, `+ path: desired`, `- path`. Values are JSON (strings quoted), so masks are
 * shown as `"++++++++"` and equal masked values look equal. Returns `''` for no changes.
 */
export function renderChangesText(changes: readonly Change[], options: RenderOptions): string {
  const colors = pc.createColors(options.color);
  const indent = options.indent ?? '';
  return changes
    .map((change) => {
      switch (change.op) {
        case 'add':
          return `${indent}${colors.green('+')} ${change.path}: ${renderValue(change.desired)}`;
        case 'remove':
          return `${indent}${colors.red('-')} ${change.path}`;
        default:
          return `${indent}${colors.yellow('~')} ${change.path}: ${renderValue(change.live)} → ${renderValue(change.desired)}`;
      }
    })
    .join('\n');
}

function renderValue(value: JsonValue | undefined): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}

/** The jsondiffpatch instance: list items matched by merge key (or position), no moves, no text diffs. */
function createDiffer(hashes: WeakMap<object, string>) {
  const options: Options = {
    objectHash: (item, index) => hashes.get(item) ?? (index === undefined ? undefined : `position:${index}`),
    arrays: { detectMove: false },
    // Text diffs would turn long strings into patch text (and the diff-match-patch instance is cached
    // module-wide once any caller used `jsondiffpatch/with-text-diffs`); never produce them.
    textDiff: { minLength: Number.MAX_SAFE_INTEGER } as Options['textDiff'],
    cloneDiffValues: true,
  };
  return create(options);
}

/** Records the match identity of every list item: its merge key in keyed lists, else its position. */
function indexListItems(value: JsonValue, path: string[], listName: string | undefined, hashes: WeakMap<object, string>, rules: ListRules): void {
  // `path` is one array for the whole walk (pushed and popped), not a copy per node.
  if (Array.isArray(value)) {
    const fields = mergeKeyFor(listName, value, rules(path));
    path.push(LIST_ITEM);
    value.forEach((item, index) => {
      if (isJsonObject(item) || Array.isArray(item)) {
        hashes.set(item, fields === undefined ? `position:${index}` : `key:${itemKeyId(item, fields)}`);
      }
      indexListItems(item, path, undefined, hashes, rules);
    });
    path.pop();
  } else if (isJsonObject(value)) {
    for (const key of Object.keys(value)) {
      path.push(key);
      indexListItems(value[key] as JsonValue, path, key, hashes, rules);
      path.pop();
    }
  }
}

/**
 * Turns the removal markers into `remove` changes for paths present on live (and absent from desired), and
 * deletes them from `live` so the diff does not report them again. Parents left empty by a removal go too,
 * when the desired object does not have them either.
 */
function applyRemovals(desired: KubeObject, live: KubeObject, pointers: readonly string[], rules: ListRules): Change[] {
  const changes: Change[] = [];
  for (const pointer of pointers) {
    const tokens = parsePointer(pointer);
    const onLive = resolvePointer(live, tokens);
    if (!onLive.found || tokens.length === 0 || resolvePointer(desired, tokens).found) {
      continue;
    }
    changes.push({ path: keyedPath(live, onLive.tokens, rules), op: 'remove', live: cloneJson(onLive.value) });
    let concrete = [...onLive.tokens];
    removeAt(live, concrete);
    while (concrete.length > 1) {
      concrete = concrete.slice(0, -1);
      const parent = resolvePointer(live, concrete.map(String));
      if (!(parent.found && isEmptyContainer(parent.value)) || resolvePointer(desired, concrete.map(String)).found) {
        break;
      }
      removeAt(live, concrete);
    }
  }
  return changes;
}

/**
 * How much of the live object the diff sees: only the desired object's fields (`desired`), those plus live
 * extras except in labels and annotations (`desired-metadata`), or everything (`whole`).
 */
type Scope = 'desired' | 'desired-metadata' | 'whole';

interface AlignContext {
  readonly kind: string | undefined;
  readonly scope: Scope;
  readonly rules: ListRules;
}

/**
 * The live value as the diff should see it: reduced to the desired object's fields as the scope says,
 * keyed list items matched by merge key, and quantities equal by value given the desired spelling. Returns
 * a fresh tree; neither input is shared.
 */
function alignLive(desired: JsonValue, live: JsonValue, path: string[], context: AlignContext): JsonValue {
  if (isQuantityField(context.kind, path) && isQuantityText(desired) && isQuantityText(live) && quantitiesEqual(desired, live)) {
    return desired;
  }
  if (isJsonObject(desired) && isJsonObject(live)) {
    const subset = context.scope === 'desired' || (context.scope === 'desired-metadata' && isMetadataMap(path));
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(live)) {
      if (Object.hasOwn(desired, key)) {
        out[key] = alignLive(desired[key] as JsonValue, value, [...path, key], context);
      } else if (!subset && !(context.scope === 'desired-metadata' && isMetadataMap([...path, key]))) {
        out[key] = cloneJson(value);
      }
    }
    return out;
  }
  if (Array.isArray(desired) && Array.isArray(live)) {
    return alignList(desired, live, path, context);
  }
  return cloneJson(live);
}

function alignList(desired: JsonValue[], live: JsonValue[], path: string[], context: AlignContext): JsonValue[] {
  const listName = path[path.length - 1];
  const itemPath = [...path, LIST_ITEM];
  const rule = context.rules(path);
  const prune = context.scope === 'desired';
  const fields = mergeKeyFor(listName, desired, rule);
  if (fields !== undefined && mergeKeyFor(listName, live, rule) !== undefined) {
    const byKey = new Map<string, JsonValue>();
    for (const item of desired) {
      const id = itemKeyId(item, fields);
      if (!byKey.has(id)) {
        byKey.set(id, item);
      }
    }
    const out: JsonValue[] = [];
    for (const item of live) {
      const match = byKey.get(itemKeyId(item, fields));
      if (match !== undefined) {
        out.push(alignLive(match, item, itemPath, context));
      } else if (!prune) {
        out.push(cloneJson(item));
      }
    }
    return out;
  }
  if (prune && isSetList(listName, desired, rule) && isSetList(listName, live, rule)) {
    return live.filter((item) => desired.includes(item));
  }
  if (desired.length === live.length) {
    return live.map((item, index) => alignLive(desired[index] as JsonValue, item, itemPath, context));
  }
  return cloneJson(live);
}

function isEmptyContainer(value: JsonValue): boolean {
  return Array.isArray(value) ? value.length === 0 : isJsonObject(value) && Object.keys(value).length === 0;
}

function isMetadataMap(path: readonly string[]): boolean {
  const last = path[path.length - 1];
  return (last === 'labels' || last === 'annotations') && path[path.length - 2] === 'metadata';
}

function isQuantityText(value: JsonValue): value is string | number {
  return typeof value === 'string' || typeof value === 'number';
}

/** Walks a jsondiffpatch delta alongside both documents and emits keyed, readable changes. */
function collectChanges(
  delta: Delta,
  left: JsonValue | undefined,
  right: JsonValue | undefined,
  steps: PathStep[],
  listName: string | undefined,
  out: Change[],
  rules: ListRules,
): void {
  if (delta === undefined) {
    return;
  }
  const path = renderPath(steps);
  if (Array.isArray(delta)) {
    if (delta.length === 1) {
      const added = delta[0] as JsonValue;
      if (isJsonObject(added) && (listName === 'labels' || listName === 'annotations')) {
        // A whole label or annotation map added reads better key by key, like any other map entry.
        for (const key of Object.keys(added).sort()) out.push({ path: renderPath([...steps, fieldStep(key)]), op: 'add', desired: added[key] as JsonValue });
        return;
      }
      out.push({ path, op: 'add', desired: added });
    } else if (delta.length === 2) {
      out.push({ path, op: 'replace', desired: delta[1] as JsonValue, live: delta[0] as JsonValue });
    } else if (delta[2] === 0) {
      out.push({ path, op: 'remove', live: delta[0] as JsonValue });
    }
    return;
  }
  if (delta['_t'] === 'a' && Array.isArray(left) && Array.isArray(right)) {
    collectListChanges(delta as Record<string, Delta>, left, right, steps, listName, out, rules);
    return;
  }
  const leftObject = isJsonObject(left) ? left : undefined;
  const rightObject = isJsonObject(right) ? right : undefined;
  const objectDelta = delta as Record<string, Delta>;
  for (const key of Object.keys(objectDelta).sort()) {
    collectChanges(objectDelta[key], leftObject?.[key], rightObject?.[key], [...steps, fieldStep(key)], key, out, rules);
  }
}

function collectListChanges(
  delta: Record<string, Delta>,
  left: JsonValue[],
  right: JsonValue[],
  steps: PathStep[],
  listName: string | undefined,
  out: Change[],
  rules: ListRules,
): void {
  const rule = rules(fieldNamePath(steps));
  const keyed = mergeKeyFor(listName, right.length > 0 ? right : left, rule) !== undefined;
  const scalarsOnly = [...left, ...right].every((item) => !isJsonObject(item) && !Array.isArray(item));
  if (!keyed && scalarsOnly) {
    // Atomic lists of scalars (`command`, `args`, `accessModes`) read best as one replacement.
    out.push({ path: renderPath(steps), op: 'replace', desired: cloneJson(right), live: cloneJson(left) });
    return;
  }
  const entries = Object.keys(delta)
    .filter((key) => key !== '_t')
    .map((key) => ({ key, removed: key.startsWith('_'), index: Number(key.replace(/^_/, '')) }))
    .sort((a, b) => Number(b.removed) - Number(a.removed) || a.index - b.index);
  // Each side's merge key fields are judged once (mergeKeyFor reads every item).
  const leftFields = mergeKeyFor(listName, left, rule);
  const rightFields = mergeKeyFor(listName, right, rule);
  const leftHashes = new Map<string, JsonValue>();
  const hashOf = (list: JsonValue[], fields: MergeKeyFields | undefined, index: number): string =>
    fields === undefined ? `position:${index}` : `key:${itemKeyId(list[index] as JsonValue, fields)}`;
  left.forEach((item, index) => leftHashes.set(hashOf(left, leftFields, index), item));
  for (const { key, removed, index } of entries) {
    const itemDelta = delta[key];
    if (removed) {
      const path = renderPath([...steps, itemStepByKey(left[index], index, leftFields)]);
      out.push({ path, op: 'remove', live: cloneJson(left[index] as JsonValue) });
    } else if (Array.isArray(itemDelta) && itemDelta.length === 1) {
      const path = renderPath([...steps, itemStepByKey(right[index], index, rightFields)]);
      out.push({ path, op: 'add', desired: cloneJson(right[index] as JsonValue) });
    } else {
      const leftItem = leftHashes.get(hashOf(right, rightFields, index));
      collectChanges(itemDelta, leftItem, right[index], [...steps, itemStepByKey(right[index], index, rightFields)], undefined, out, rules);
    }
  }
}
