import { describe, expect, it } from 'vitest';
import { compareByKey, isSetList, itemKeyId, itemKeyParts, mergeKeyFor } from '../../src/diff/list-keys.js';

describe('list-keys', () => {
  it('knows the merge keys of the core list-maps (N12)', () => {
    // GIVEN the lists the API merges by key
    // WHEN asked for their key
    // THEN the API's merge key is returned
    expect(mergeKeyFor('containers', [{ name: 'a' }])).toEqual(['name']);
    expect(mergeKeyFor('env', [{ name: 'A' }])).toEqual(['name']);
    expect(mergeKeyFor('volumeMounts', [{ name: 'v', mountPath: '/x' }])).toEqual(['mountPath']);
    expect(mergeKeyFor('conditions', [{ type: 'Ready' }])).toEqual(['type']);
    expect(mergeKeyFor('imagePullSecrets', [{ name: 'pull' }])).toEqual(['name']);
  });

  it('tells container ports from Service ports by shape', () => {
    // GIVEN the two kinds of `ports`
    // WHEN asked for their key
    // THEN containerPort+protocol vs port+protocol
    expect(mergeKeyFor('ports', [{ containerPort: 80 }])).toEqual(['containerPort', 'protocol']);
    expect(mergeKeyFor('ports', [{ port: 80, targetPort: 8080 }])).toEqual(['port', 'protocol']);
  });

  it('treats lists whose items lack the key as atomic', () => {
    // GIVEN lists without usable keys
    // WHEN asked for their key
    // THEN none: they are compared by position
    expect(mergeKeyFor('args', ['a'])).toBeUndefined();
    expect(mergeKeyFor('env', [{ value: 'no name' }])).toBeUndefined();
    expect(mergeKeyFor('tolerations', [{ key: 'k' }])).toBeUndefined();
    expect(mergeKeyFor(undefined, [{ name: 'a' }])).toBeUndefined();
    expect(mergeKeyFor('env', [])).toBeUndefined();
  });

  it('identifies and orders items by their key parts', () => {
    // GIVEN port items
    const a = { containerPort: 80, protocol: 'TCP' };
    const b = { containerPort: 443, protocol: 'TCP' };
    const fields = ['containerPort', 'protocol'] as const;
    // WHEN keyed and ordered
    // THEN numbers order numerically and ids are stable
    expect(itemKeyParts(a, fields)).toEqual([
      ['containerPort', 80],
      ['protocol', 'TCP'],
    ]);
    expect(compareByKey(a, b, fields)).toBeLessThan(0);
    expect(itemKeyId(a, fields)).toBe(itemKeyId({ ...a }, fields));
  });

  it('treats finalizers as a set', () => {
    // GIVEN finalizers
    // WHEN asked
    // THEN a set list
    expect(isSetList('finalizers', ['a', 'b'])).toBe(true);
    expect(isSetList('args', ['a'])).toBe(false);
  });
});
