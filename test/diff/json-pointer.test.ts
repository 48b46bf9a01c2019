import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/diff/json.js';
import { formatPointer, JsonPointerError, parsePointer, removeAt, resolvePointer } from '../../src/diff/json-pointer.js';

const doc: JsonObject = {
  metadata: { annotations: { 'a/b': '1', 'c~d': '2' } },
  spec: {
    ports: [
      { port: 5432, protocol: 'TCP' },
      { port: 6379, protocol: 'TCP' },
    ],
    containers: [{ name: 'system-app', env: [{ name: 'OLD', value: 'x' }] }],
  },
};

describe('json-pointer', () => {
  it('unescapes ~1 and ~0 (RFC 6901, as Argo ignoreDifferences requires)', () => {
    // GIVEN pointers with escaped characters
    // WHEN parsed
    // THEN the tokens are unescaped
    expect(parsePointer('/metadata/annotations/a~1b')).toEqual(['metadata', 'annotations', 'a/b']);
    expect(parsePointer('/metadata/annotations/c~0d')).toEqual(['metadata', 'annotations', 'c~d']);
    expect(parsePointer('')).toEqual([]);
    expect(formatPointer(['metadata', 'annotations', 'a/b', 'c~d'])).toBe('/metadata/annotations/a~1b/c~0d');
  });

  it('rejects text that is not a pointer', () => {
    // GIVEN malformed pointers
    // WHEN parsed
    // THEN a JsonPointerError
    expect(() => parsePointer('metadata')).toThrow(JsonPointerError);
    expect(() => parsePointer('/a~2b')).toThrow(JsonPointerError);
  });

  it('selects list items by position or by merge key', () => {
    // GIVEN a positional pointer and a key selector
    // WHEN resolved
    const byIndex = resolvePointer(doc, parsePointer('/spec/ports/1/port'));
    const byKey = resolvePointer(doc, parsePointer('/spec/ports/port=6379,protocol=TCP'));
    const nested = resolvePointer(doc, parsePointer('/spec/containers/name=system-app/env/name=OLD/value'));
    // THEN both reach the item, and the concrete tokens use positions
    expect(byIndex).toEqual({ found: true, value: 6379, tokens: ['spec', 'ports', 1, 'port'] });
    expect(byKey).toMatchObject({ found: true, tokens: ['spec', 'ports', 1] });
    expect(nested).toMatchObject({ found: true, value: 'x' });
  });

  it('reports missing paths without throwing (N22: removing a missing path is a no-op, argo-cd#1586)', () => {
    // GIVEN pointers to absent places
    // WHEN resolved
    // THEN found is false
    expect(resolvePointer(doc, parsePointer('/spec/missing')).found).toBe(false);
    expect(resolvePointer(doc, parsePointer('/spec/ports/7')).found).toBe(false);
    expect(resolvePointer(doc, parsePointer('/spec/ports/port=1')).found).toBe(false);
    expect(resolvePointer(doc, parsePointer('/spec/ports/-')).found).toBe(false);
  });

  it('removes by concrete tokens, in place', () => {
    // GIVEN a copy of the document
    const copy = structuredClone(doc);
    // WHEN a list item and a map key are removed
    removeAt(copy, ['spec', 'ports', 0]);
    removeAt(copy, ['metadata', 'annotations', 'a/b']);
    // THEN they are gone
    expect(copy.spec).toMatchObject({ ports: [{ port: 6379 }] });
    expect(copy.metadata).toEqual({ annotations: { 'c~d': '2' } });
  });
});
