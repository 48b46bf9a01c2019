/**
 * Specification of src/util/stable-json.ts: JSON with sorted keys, so a digest or a reviewed file does not
 * depend on key order.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { toStableJson } from '../../src/util/stable-json.js';

describe('toStableJson', () => {
  test('sorts keys at every depth, keeps array order, indents by two and ends with a newline', () => {
    // GIVEN
    const value = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } };

    // WHEN
    const text = toStableJson(value);

    // THEN
    expect(text).toBe('{\n  "a": {\n    "c": null,\n    "d": [\n      3,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
  });

  test('gives the same text for objects that differ only in key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        // GIVEN
        const reversed = Object.fromEntries(Object.entries(value).reverse());

        // WHEN / THEN
        expect(toStableJson(reversed)).toBe(toStableJson(value));
        expect(JSON.parse(toStableJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });
});
