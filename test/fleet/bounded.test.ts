import { describe, expect, test } from 'vitest';
import { mapBounded, TimeoutError } from '../../src/fleet/bounded.js';

describe('reading clusters at once, bounded', () => {
  test('GIVEN six items and a limit of two WHEN mapped THEN never more than two run at once and results keep the items\' order', async () => {
    let running = 0;
    let most = 0;
    const results = await mapBounded([1, 2, 3, 4, 5, 6], 2, 10_000, async (n) => {
      running++;
      most = Math.max(most, running);
      // Later items end first: order comes from the items, not from the endings.
      await new Promise((r) => setTimeout(r, (7 - n) * 5));
      running--;
      return n * 10;
    });
    expect(most).toBe(2);
    expect(results).toEqual([10, 20, 30, 40, 50, 60].map((value) => ({ ok: true, value })));
  });

  test('GIVEN one item that never answers and one that fails WHEN mapped THEN each is its own result and the others are read', async () => {
    const results = await mapBounded(['hangs', 'fails', 'answers'], 3, 50, (item) => {
      if (item === 'hangs') return new Promise<string>(() => {});
      if (item === 'fails') return Promise.reject(new Error('connection refused'));
      return Promise.resolve('read');
    });
    expect(results[0]).toMatchObject({ ok: false, timedOut: true });
    expect((results[0] as { error: unknown }).error).toBeInstanceOf(TimeoutError);
    expect(results[1]).toMatchObject({ ok: false, timedOut: false, error: new Error('connection refused') });
    expect(results[2]).toEqual({ ok: true, value: 'read' });
  });
});
