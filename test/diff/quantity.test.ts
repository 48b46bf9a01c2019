import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  parseQuantity,
  QuantityParseError,
  quantitiesEqual,
  tryParseQuantity,
} from '../../src/diff/quantity.js';

describe('quantity', () => {
  describe('equality by value (N8, argo-cd#1615, #17682, #21135)', () => {
    it.each([
      ['1000m', '1'],
      ['3072Mi', '3Gi'],
      ['0.5', '500m'],
      ['1Gi', '1073741824'],
      ['1Gi', '1048576Ki'],
      ['1e3', '1k'],
      ['1E3', '1000'],
      ['.5', '500m'],
      ['1.', '1'],
      ['+1', '1'],
      ['0.1m', '100u'],
      ['1500m', '1.5'],
      ['2Gi', '2048Mi'],
      ['0', '0Gi'],
    ])('%s equals %s', (a, b) => {
      // GIVEN two spellings of the same value
      // WHEN they are compared
      const equal = quantitiesEqual(a, b);
      // THEN they are equal, both ways
      expect(equal).toBe(true);
      expect(quantitiesEqual(b, a)).toBe(true);
    });

    it.each([
      ['1', '1001m'],
      ['1Gi', '1G'],
      ['1k', '1Ki'],
      ['500m', '0.6'],
      ['-1', '1'],
    ])('%s differs from %s', (a, b) => {
      // GIVEN two different values
      // WHEN they are compared
      // THEN they are not equal
      expect(quantitiesEqual(a, b)).toBe(false);
    });

    it('accepts numbers as YAML delivers them (cpu: 0.5)', () => {
      // GIVEN a number and a string of the same value
      // WHEN compared
      // THEN equal
      expect(quantitiesEqual(0.5, '500m')).toBe(true);
      expect(quantitiesEqual(2, '2000m')).toBe(true);
    });

    it('falls back to exact text comparison when a side is not a quantity', () => {
      // GIVEN text that is no quantity
      // WHEN compared
      // THEN only identical text is equal
      expect(quantitiesEqual('lots', 'lots')).toBe(true);
      expect(quantitiesEqual('lots', '1')).toBe(false);
    });
  });

  describe('canonical form like the API server', () => {
    it.each([
      ['1Gi', '1Gi'],
      ['1024Mi', '1Gi'],
      ['3072Mi', '3Gi'],
      ['1.5Gi', '1536Mi'],
      ['0.5Gi', '512Mi'],
      ['0.5Ki', '512'],
      ['1.5Ki', '1536'],
      ['1000m', '1'],
      ['0.5', '500m'],
      ['1.5', '1500m'],
      ['1500', '1500'],
      ['2000', '2k'],
      ['1000000', '1M'],
      ['1e3', '1e3'],
      ['1.5e3', '1500'],
      ['12e6', '12e6'],
      ['0.1m', '100u'],
      ['0.0000000001', '1n'],
      ['-1Gi', '-1Gi'],
      ['-1500m', '-1500m'],
      ['0', '0'],
      ['0.000Mi', '0'],
      ['100Mi', '100Mi'],
      ['1E', '1E'],
    ])('%s renders as %s', (input, expected) => {
      // GIVEN a quantity as written by a user
      // WHEN rendered canonically
      const canonical = canonicalQuantity(input);
      // THEN it reads like `oc get -o yaml` shows it
      expect(canonical).toBe(expected);
    });

    it('rounds sub-nano values up, as the API server does', () => {
      // GIVEN a value below the API's nano precision
      // WHEN parsed
      const q = parseQuantity('0.1n');
      // THEN it becomes one nano-unit (the API never rounds a request down to nothing)
      expect(q.nanos).toBe(1n);
      expect(formatQuantity(q)).toBe('1n');
    });

    it('caps values above 2^63-1 like the API server', () => {
      // GIVEN an absurdly large value
      // WHEN parsed
      const q = parseQuantity('1e40');
      // THEN it is capped at the int64 maximum
      expect(q.nanos).toBe((2n ** 63n - 1n) * 1_000_000_000n);
    });
  });

  describe('parsing', () => {
    it.each(['', 'abc', '1Zi', '1e', '1.5.5', '1 Gi', 'Gi', '--1', '1e3Gi', 'NaN'])('rejects %j', (input) => {
      // GIVEN text that is not a quantity
      // WHEN parsed
      // THEN a QuantityParseError names it, and tryParseQuantity returns undefined
      expect(() => parseQuantity(input)).toThrow(QuantityParseError);
      expect(tryParseQuantity(input)).toBeUndefined();
    });

    it('keeps the notation family for rendering', () => {
      // GIVEN the three notations
      // WHEN parsed
      // THEN the format is recorded
      expect(parseQuantity('1Gi').format).toBe('BinarySI');
      expect(parseQuantity('1G').format).toBe('DecimalSI');
      expect(parseQuantity('1e9').format).toBe('DecimalExponent');
    });

    it('is exact where floats are not (0.1 + 0.2 style values)', () => {
      // GIVEN values that floats cannot hold exactly
      // WHEN compared
      // THEN the comparison is exact
      expect(quantitiesEqual('0.3', '300m')).toBe(true);
      expect(compareQuantities(parseQuantity('0.3'), parseQuantity('0.300000001'))).toBe(-1);
    });
  });

  describe('properties', () => {
    it('canonical form is idempotent and keeps the value', () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
          fc.constantFrom('m', '', 'k', 'M', 'Ki', 'Mi', 'Gi', 'n', 'u', 'e3', 'e-2'),
          (mantissa, suffix) => {
            // GIVEN any quantity
            const input = `${mantissa}${suffix}`;
            // WHEN rendered canonically, twice
            const once = canonicalQuantity(input);
            const twice = canonicalQuantity(once);
            // THEN the second rendering changes nothing and the value is kept
            expect(twice).toBe(once);
            expect(quantitiesEqual(once, input)).toBe(true);
          },
        ),
      );
    });

    it('millicores and cores, MiB and GiB agree', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => {
          // GIVEN n whole units
          // WHEN written as milli-units / mebibytes
          // THEN the values match
          expect(quantitiesEqual(`${n * 1000}m`, `${n}`)).toBe(true);
          expect(quantitiesEqual(`${n * 1024}Mi`, `${n}Gi`)).toBe(true);
        }),
      );
    });
  });
});
