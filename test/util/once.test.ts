import { describe, expect, test } from 'vitest';
import { once } from '../../src/util/once.js';

describe('once builds a value on first use and reuses it', () => {
  test('GIVEN a builder WHEN the function is not called THEN nothing is built', () => {
    const built: number[] = [];
    once(() => built.push(1));
    expect(built).toEqual([]);
  });

  test('GIVEN a builder WHEN the function is called twice THEN it is built once and both calls answer the same value', () => {
    let calls = 0;
    const value = once(() => ({ n: ++calls }));
    const first = value();
    const second = value();
    expect(calls).toBe(1);
    expect(second).toBe(first);
    expect(first).toEqual({ n: 1 });
  });

  test('GIVEN a builder answering undefined WHEN called twice THEN it is still built once', () => {
    let calls = 0;
    const value = once(() => {
      calls++;
      return undefined;
    });
    value();
    value();
    expect(calls).toBe(1);
  });
});
