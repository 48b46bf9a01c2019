import { describe, expect, test } from 'vitest';
import { colorFor } from '../../src/cli/color.js';

describe('colorFor', () => {
  const tty = { isTTY: true };
  test('GIVEN a terminal and no NO_COLOR THEN color', () => {
    expect(colorFor(tty, {})).toBe(true);
    expect(colorFor(tty, { NO_COLOR: '' })).toBe(true);
  });
  test('GIVEN NO_COLOR set to anything non-empty THEN no color, even on a terminal', () => {
    for (const value of ['1', '0', 'true', 'no']) expect(colorFor(tty, { NO_COLOR: value }), value).toBe(false);
  });
  test('GIVEN output piped or redirected (not a TTY), or TERM=dumb THEN no color', () => {
    expect(colorFor({ isTTY: false }, {})).toBe(false);
    expect(colorFor({}, {})).toBe(false);
    expect(colorFor(tty, { TERM: 'dumb' })).toBe(false);
  });
});
