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
    const labels = marks.map((m) => windowLabel(m));

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

describe('windowLabel with a procedure wording', () => {
  test('GIVEN the template upgrade, whose window disrupts 3scale WHEN its marks are labelled THEN none says 3scale is stopped', async () => {
    // GIVEN
    const { templateUpgrade } = await import('../../src/procedures/template-2.5-to-2.6/template-upgrade.js');
    const marks: WindowMark[] = ['before-window', 'opens-window', 'in-window', 'closes-window', 'after-window'];

    // WHEN
    const labels = marks.map((m) => windowLabel(m, templateUpgrade.windowWording));

    // THEN
    expect(labels[2]).toBe('inside (3scale runs, disrupted by rollouts)');
    expect(labels.filter((l) => /stop/.test(l))).toEqual([]);
    expect(templateUpgrade.windowWording?.opens).toBe('maintenance window opens: 3scale is disrupted from here (rollouts, not stopped)');
  });
});
