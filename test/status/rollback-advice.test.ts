import { describe, expect, test } from 'vitest';
import type { PhaseReport, PhaseStatus } from '../../src/status/diff-report.js';
import { rollbackAdvice } from '../../src/status/rollback-advice.js';

const IDS = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];
const WITHOUT_ROLLBACK = new Set(['preflight', 'copy-data', 'verify']);

/** Phases of the PostgreSQL migration with the given statuses, in order (the rest pending). */
function phases(...statuses: PhaseStatus[]): PhaseReport[] {
  return IDS.map((id, order) => {
    const folder = `${String(order).padStart(2, '0')}-${id}`;
    const status = statuses[order] ?? 'pending';
    return { order, id, folder, status, reason: status, checks: { total: 1, satisfied: 0, superseded: 0 }, rollback: WITHOUT_ROLLBACK.has(id) ? null : `rollback/${folder}` };
  });
}
const applied = (n: number): PhaseStatus[] => Array.from({ length: n }, () => 'applied');

describe('rollbackAdvice', () => {
  test('GIVEN the cut-over is the latest phase applied WHEN its undo is asked THEN its own rollback folder alone', () => {
    expect(rollbackAdvice(phases(...applied(6)), '05-cutover')).toEqual({ folders: ['rollback/05-cutover'], sentence: 'to undo it, apply rollback/05-cutover' });
  });

  test('GIVEN a cut-over never applied (pending or blocked) WHEN its undo is asked THEN no folder: nothing to undo', () => {
    for (const status of ['pending', 'blocked'] as const) {
      const advice = rollbackAdvice(phases(...applied(5), status), '05-cutover');
      expect(advice.folders).toEqual([]);
      expect(advice.sentence).toBe(`05-cutover was never applied (${status}): nothing of it to undo, and no rollback folder addresses this`);
    }
  });

  test('GIVEN an unmigrated install (everything pending) WHEN the undo of any phase is asked THEN no rollback folder is named', () => {
    for (const id of IDS) {
      const folder = `${String(IDS.indexOf(id)).padStart(2, '0')}-${id}`;
      expect(rollbackAdvice(phases(), folder).sentence).not.toContain('rollback/');
    }
  });

  test('GIVEN later phases live WHEN the undo of an earlier one is asked THEN the rollbacks from the latest live phase down, skipping phases with nothing to undo', () => {
    // GIVEN scale-up applied, verify in progress
    const advice = rollbackAdvice(phases(...applied(7), 'in-progress'), '04-load-redis');
    expect(advice.folders).toEqual(['rollback/06-scale-up', 'rollback/05-cutover', 'rollback/04-load-redis']);
  });

  test('GIVEN an earlier phase not done (partial prepare, a rollback stopped half-way) WHEN the undo of a later phase is asked THEN none is safe, and it says which phase and why', () => {
    for (const status of ['drifted', 'in-progress', 'pending', 'failed'] as const) {
      const advice = rollbackAdvice(phases('applied', status, 'applied', 'applied', 'applied', 'failed'), '05-cutover');
      expect(advice.folders).toEqual([]);
      expect(advice.sentence).toBe(`no rollback folder is safe: 01-prepare before it is ${status}, and every rollback folder is a full state that would apply it too; bring 01-prepare to applied first`);
    }
  });

  test('GIVEN a phase with nothing to undo (copy-data) WHEN its undo is asked THEN it says so and names how to go back further', () => {
    expect(rollbackAdvice(phases(...applied(3), 'failed'), '03-copy-data')).toEqual({ folders: [], sentence: '03-copy-data has nothing to undo; to go back further, apply rollback/02-scale-down' });
    expect(rollbackAdvice(phases('failed'), '00-preflight')).toEqual({ folders: [], sentence: '00-preflight has nothing to undo' });
  });

  test('GIVEN a phase, or a later live phase, that could not be read WHEN the undo is asked THEN nothing is judged safe', () => {
    expect(rollbackAdvice(phases(...applied(5), 'unknown'), '05-cutover').folders).toEqual([]);
    expect(rollbackAdvice(phases(...applied(5), 'applied', 'unknown'), '05-cutover').sentence).toBe('06-scale-up after it could not be read, so no rollback can be judged safe; fix the access first');
  });

  test('GIVEN a folder that is no phase WHEN asked THEN no folder', () => {
    expect(rollbackAdvice(phases(), '99-nope').folders).toEqual([]);
  });
});
