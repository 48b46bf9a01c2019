import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/diff/json.js';
import { RemovalMarkerError, REMOVED_PATHS_ANNOTATION, removedPathsOf } from '../../src/diff/removal-markers.js';

const withAnnotation = (value: string | undefined): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'system-mysql', ...(value === undefined ? {} : { annotations: { [REMOVED_PATHS_ANNOTATION]: value } }) },
});

describe('removal-markers', () => {
  it('reads the pointers from the annotation', () => {
    // GIVEN a desired object marking two removals
    const obj = withAnnotation('["/metadata/ownerReferences", "/metadata/labels/threescale_component"]');
    // WHEN read
    // THEN both pointers come back
    expect(removedPathsOf(obj)).toEqual(['/metadata/ownerReferences', '/metadata/labels/threescale_component']);
  });

  it('returns no pointers without the annotation', () => {
    // GIVEN no annotation
    // WHEN read
    // THEN empty
    expect(removedPathsOf(withAnnotation(undefined))).toEqual([]);
  });

  it('names the object and the problem for malformed content', () => {
    // GIVEN malformed annotations
    // WHEN read
    // THEN one clear error sentence
    expect(() => removedPathsOf(withAnnotation('not json'))).toThrow(RemovalMarkerError);
    expect(() => removedPathsOf(withAnnotation('["metadata/x"]'))).toThrow(/Deployment system-mysql holds an invalid pointer/);
  });
});
