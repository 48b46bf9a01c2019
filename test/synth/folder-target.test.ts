import { describe, expect, test } from 'vitest';
import { findFolderState, parseFolderTarget } from '../../src/synth/folder-target.js';
import { loadPlanFile } from '../../src/plan/load-plan.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { examplePath } from '../support/plans.js';

describe('parseFolderTarget', () => {
  test('GIVEN a phase id or a rollback target WHEN parsed THEN it says which and the id', () => {
    // GIVEN / WHEN / THEN
    expect(parseFolderTarget('scale-down')).toEqual({ rollback: false, id: 'scale-down' });
    expect(parseFolderTarget('rollback/cutover')).toEqual({ rollback: true, id: 'cutover' });
  });
});

describe('findFolderState', () => {
  test('GIVEN a synthesized plan WHEN a folder is named by id, by folder name or as a rollback THEN the same state is found', async () => {
    // GIVEN
    const result = await synthesize(loadPlanFile(examplePath('postgresql-and-redis')));

    // WHEN
    const byId = findFolderState(result, 'cutover');
    const byFolder = findFolderState(result, '05-cutover');
    const undo = findFolderState(result, 'rollback/cutover');

    // THEN
    expect(byId.found?.folder).toBe('05-cutover');
    expect(byFolder.found).toBe(byId.found);
    expect(undo.found?.folder).toBe('rollback/05-cutover');
    expect(undo.pool).toBe(result.rollbacks);
  });

  test('GIVEN a name that is not a folder of the plan WHEN looked up THEN nothing is found and the pool lists the choices', async () => {
    // GIVEN
    const result = await synthesize(loadPlanFile(examplePath('postgresql-and-redis')));

    // WHEN
    const missing = findFolderState(result, 'rollback/copy-data');

    // THEN
    expect(missing.found).toBeUndefined();
    expect(missing.pool.map((s) => s.folder)).toContain('rollback/05-cutover');
  });
});
