import type { KubeObject } from '../kube/kube-object.js';

/**
 * Guarded RFC 6902 patch steps, applied to live objects by a Job (charts/scripts/kube/apply-json-patches.sh)
 * and checked by `diff`. Every procedure that changes objects it does not own (objects an operator or a
 * template created) describes the change as steps built from what discovery found, never from assumptions:
 * each step's `test` operations hold the values discovery saw, so the API server refuses a step whose
 * object changed since, and a probe tells the Job whether the step is already done (reruns skip it).
 */

/** One JSON Patch operation (the subset the steps use). */
export type JsonPatchOperation =
  | { op: 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown };

/** How `diff` checks a step once it is done. */
export type PatchCheck =
  /** The pointer (with merge-key selectors, as the comparison addresses lists) is absent live. */
  | { readonly removedPath: string }
  /** The live object carries this fragment (compared as a partial object, lists by merge key). */
  | { readonly fragment: Record<string, unknown> }
  /** Nothing: once done, the changed field belongs to this controller (an HPA's replicas). */
  | { readonly leftTo: string };

/** One guarded change on one object. */
export interface JsonPatchStep {
  /** apiVersion and kind of the object, for `diff`. */
  readonly apiVersion: string;
  readonly kind: string;
  /** kubectl resource name, fully qualified for API groups kubectl may not resolve alone (`deploymentconfig.apps.openshift.io`). */
  readonly resource: string;
  readonly name: string;
  /** File name of the step in the phase folder and in the patches ConfigMap. */
  readonly file: string;
  /** The operations: `test` guards first, then the change. */
  readonly operations: readonly JsonPatchOperation[];
  /** `kubectl get -o` argument (`jsonpath=...` or `go-template=...`) whose output tells where the step stands. */
  readonly probe: string;
  /** Probe output once the step is done (the Job skips the step). */
  readonly done: string;
  /**
   * Probe output before the step, as discovered: any other output that is not `done` is refused by the Job
   * before patching (needed where a `test` cannot guard, for example that a variable is still absent).
   * Undefined: the step's own `test` operations decide.
   */
  readonly before?: string;
  /** What `diff` checks once the step is done. */
  readonly check: PatchCheck;
}

/** RFC 6901 escaping of one pointer segment. */
export function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** kubectl jsonpath escaping of a map key (dots are path separators there). */
export function jsonpathKey(key: string): string {
  return key.replace(/\./g, '\\.');
}

/** How an empty probe output and "no expectation" are written in the index (its columns are space-separated). */
const EMPTY = '-';
const ANY = '*';

/**
 * The `steps` index file the patch Job reads, one line per step:
 * `<resource> <name> <file> <before or *> <done or -> <kubectl -o format>` (the format is the rest of the line).
 */
export function patchStepsIndex(steps: readonly JsonPatchStep[]): string {
  for (const s of steps) {
    for (const v of [s.done, s.before ?? '']) {
      if (/\s/.test(v)) throw new Error(`threescale-migrate: probe value of ${s.file} holds a space: ${JSON.stringify(v)}`);
    }
  }
  return steps.map((s) => `${s.resource} ${s.name} ${s.file} ${s.before === undefined ? ANY : s.before || EMPTY} ${s.done || EMPTY} ${s.probe}`).join('\n') + (steps.length ? '\n' : '');
}

/** A step's patch document as written to the phase folder (pretty, stable). */
export function patchStepDocument(step: JsonPatchStep): string {
  return JSON.stringify(step.operations, null, 2) + '\n';
}

/** Numbered, unique step file name: `NN-<resource>-<name>-<what>.json`. */
export function stepFileName(index: number, resource: string, name: string, what: string): string {
  return `${String(index + 1).padStart(2, '0')}-${resource.split('.')[0]}-${name}-${what}.json`;
}

/**
 * The checks `diff` makes for a list of done steps, one per object: removals as pointers that must be
 * absent, additions as one partial object merging every fragment of that object.
 */
export function patchCheckObjects(steps: readonly JsonPatchStep[], namespace: string): { object: KubeObject; removedPaths: string[] }[] {
  const byObject = new Map<string, { object: KubeObject; removedPaths: string[] }>();
  for (const s of steps) {
    if ('leftTo' in s.check) continue;
    const key = `${s.apiVersion}/${s.kind}/${s.name}`;
    let entry = byObject.get(key);
    if (!entry) {
      entry = { object: { apiVersion: s.apiVersion, kind: s.kind, metadata: { name: s.name, namespace } }, removedPaths: [] };
      byObject.set(key, entry);
    }
    if ('removedPath' in s.check) entry.removedPaths.push(s.check.removedPath);
    else mergeFragment(entry.object as unknown as Record<string, unknown>, s.check.fragment);
  }
  return [...byObject.values()];
}

/** Deep merge of a fragment into a stub; lists of named items are merged by `name`. */
function mergeFragment(into: Record<string, unknown>, fragment: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(fragment)) {
    const cur = into[k];
    if (Array.isArray(v) && Array.isArray(cur)) {
      for (const item of v) {
        const named: unknown = item && typeof item === 'object' && 'name' in item ? cur.find((c: unknown) => c && typeof c === 'object' && (c as { name?: unknown }).name === (item as { name: unknown }).name) : undefined;
        if (named) mergeFragment(named as Record<string, unknown>, item as Record<string, unknown>);
        else cur.push(structuredClone(item));
      }
    } else if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) {
      mergeFragment(cur as Record<string, unknown>, v as Record<string, unknown>);
    } else {
      into[k] = structuredClone(v);
    }
  }
}
