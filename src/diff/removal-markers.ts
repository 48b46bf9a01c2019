/**
 * Removal markers: how a desired object can say "this field must be gone" (rule N22). The comparison itself
 * only takes a list of pointers (`CompareOptions.removedPaths`); this module offers one way to carry them on
 * the desired object, an annotation holding a JSON array of RFC 6901 pointers, for callers that want it.
 */
import { KEYS } from '../contract/on-cluster.js';
import { childObject, type KubeObject } from './json.js';
import { parsePointer } from './json-pointer.js';

/** Annotation holding a JSON array of pointers (with merge-key selectors) that the desired state removes. */
export const REMOVED_PATHS_ANNOTATION = KEYS.removedPaths;

/** Thrown when the annotation is not a JSON array of valid pointers. */
export class RemovalMarkerError extends Error {
  public constructor(objectName: string, reason: string) {
    super(`Annotation ${REMOVED_PATHS_ANNOTATION} of ${objectName} ${reason}.`);
    this.name = 'RemovalMarkerError';
  }
}

/**
 * The pointers listed in the {@link REMOVED_PATHS_ANNOTATION} annotation of `obj`, or `[]` when there is
 * none. Every pointer is checked with `parsePointer`.
 *
 * @throws RemovalMarkerError when the annotation is not a JSON array of pointer strings.
 */
export function removedPathsOf(obj: KubeObject): string[] {
  const metadata = childObject(obj, 'metadata');
  const raw = childObject(metadata, 'annotations')?.[REMOVED_PATHS_ANNOTATION];
  if (raw === undefined) {
    return [];
  }
  const name = `${String(obj['kind'] ?? 'object')} ${String(metadata?.['name'] ?? '(unnamed)')}`;
  let parsed: unknown;
  try {
    parsed = typeof raw === 'string' ? JSON.parse(raw) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((p): p is string => typeof p === 'string')) {
    throw new RemovalMarkerError(name, 'must be a JSON array of JSON pointers');
  }
  for (const pointer of parsed) {
    try {
      parsePointer(pointer);
    } catch (error) {
      throw new RemovalMarkerError(name, `holds an invalid pointer: ${(error as Error).message}`);
    }
  }
  return parsed;
}
