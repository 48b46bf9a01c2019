/**
 * Specification of src/plan-view/window-label.ts: the words for where a phase sits relative to the
 * maintenance window, used by PHASE.md, the plan view and the README table.
 */
import { describe, expect, test } from 'vitest';
import type { WindowMark } from '../../src/phases/phase.js';
import { windowLabel } from '../../src/plan-view/window-label.js';

describe('windowLabel', () => {
  test('says for every mark whether 3scale runs', () => {
    // GIVEN
    const marks: WindowMark[] = ['before-window', 'opens-window', 'in-window', 'closes-window', 'after-window'];

    // WHEN
    const labels = marks.map(windowLabel);

    // THEN
    expect(labels).toEqual([
      'before (3scale keeps running)',
      'opens it (3scale stops)',
      'inside (3scale is stopped)',
      'closes it (3scale starts again)',
      'after (3scale runs)',
    ]);
    expect(new Set(labels).size).toBe(marks.length);
  });
});
