/**
 * Specification of src/phases/registry.ts: the procedures by id, the `NN-id` folder names, which phases a
 * plan runs, and finding one of them by id or folder.
 */
import { describe, expect, test } from 'vitest';
import { findPlannedPhase, phaseFolder, plannedPhases, PROCEDURES, procedureById, registerProcedure } from '../../src/phases/registry.js';
import { EXAMPLES, examplePlanWith, loadExample, userError } from '../support/plans.js';

describe('procedureById', () => {
  test('finds every registered procedure by its id', () => {
    // GIVEN
    const ids = PROCEDURES.map((p) => p.id);

    // WHEN
    const found = ids.map((id) => procedureById(id));

    // THEN
    expect(found).toEqual(PROCEDURES);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('refuses an unknown id in one sentence naming spec.procedure and the valid ids', () => {
    // GIVEN
    const id = 'upgrade-to-2.17';

    // WHEN
    const err = userError(() => procedureById(id));

    // THEN
    expect(err.message).toBe('spec.procedure: unknown procedure "upgrade-to-2.17"; expected one of "externalize-on-cluster", "fresh-install", "template-2.5-to-2.6".');
    expect(err.exitCode).toBe(2);
  });
});

describe('phaseFolder', () => {
  test('pads the position to two digits before the id', () => {
    // GIVEN
    const cases: [number, string][] = [
      [0, 'preflight'],
      [5, 'cutover'],
      [12, 'later'],
    ];

    // WHEN
    const folders = cases.map(([order, id]) => phaseFolder(order, id));

    // THEN
    expect(folders).toEqual(['00-preflight', '05-cutover', '12-later']);
  });
});

describe('plannedPhases', () => {
  test('numbers every folder by its position in the procedure, the same in every example plan', () => {
    // GIVEN
    const procedure = procedureById('externalize-on-cluster');
    const expected = new Map(procedure.phases.map((p, i) => [p.id, phaseFolder(i, p.id)]));

    for (const name of EXAMPLES) {
      // WHEN
      const phases = plannedPhases(loadExample(name).plan);

      // THEN
      for (const p of phases) {
        expect(p.folder).toBe(expected.get(p.definition.id));
        expect(p.order).toBe(procedure.phases.indexOf(p.definition));
      }
      const orders = phases.map((p) => p.order);
      expect(orders).toEqual([...orders].sort((a, b) => a - b));
    }
  });

  test('runs every phase of the PostgreSQL plan, with the upgrade it enabled, except the destructive cleanup it did not ask for', () => {
    // GIVEN
    const { plan } = loadExample('postgresql-and-redis');

    // WHEN
    const folders = plannedPhases(plan).map((p) => p.folder);

    // THEN
    expect(folders).toEqual(['00-preflight', '01-prepare', '02-scale-down', '03-copy-data', '04-load-redis', '05-cutover', '06-scale-up', '07-verify', '08-upgrade']);
  });

  test('runs everything a redis-only plan needs, and the cleanup it enabled', () => {
    // GIVEN
    const { plan } = loadExample('redis-only');
    expect(plan.spec.cleanup.enabled).toBe(true);

    // WHEN
    const folders = plannedPhases(plan).map((p) => p.folder);

    // THEN
    expect(folders).toEqual([
      '00-preflight',
      '01-prepare',
      '02-scale-down',
      '03-copy-data',
      '04-load-redis',
      '05-cutover',
      '06-scale-up',
      '07-verify',
      '09-cleanup',
    ]);
  });

  test('leaves the cleanup out of a redis-only plan unless spec.cleanup.enabled is true', () => {
    // GIVEN
    const plan = examplePlanWith('redis-only', (raw) => delete raw.spec.cleanup).plan;

    // WHEN
    const ids = plannedPhases(plan).map((p) => p.definition.id);

    // THEN
    expect(ids).not.toContain('cleanup');
    expect(ids).toContain('verify');
  });

  test('skips the Redis phases of a MySQL plan whose Redis are already external, keeping the folder numbers', () => {
    // GIVEN
    const plan = examplePlanWith('mysql-in-place-and-redis', (raw) => {
      raw.spec.backendRedis = { strategy: 'already-external' };
      raw.spec.systemRedis = { strategy: 'already-external' };
    }).plan;

    // WHEN
    const folders = plannedPhases(plan).map((p) => p.folder);

    // THEN
    expect(folders).toEqual(['00-preflight', '02-scale-down', '05-cutover', '06-scale-up', '07-verify']);
  });

  test('keeps the cleanup at 09-cleanup when the upgrade runs before it', () => {
    // GIVEN
    const plan = examplePlanWith('redis-only', (raw) => (raw.spec.upgrade = { enabled: true, subscription: { installPlanApproval: 'Manual' } })).plan;

    // WHEN
    const folders = plannedPhases(plan).map((p) => p.folder);

    // THEN
    expect(folders.slice(-3)).toEqual(['07-verify', '08-upgrade', '09-cleanup']);
  });

  test('runs only the preflight when nothing moves', () => {
    // GIVEN
    const plan = examplePlanWith('redis-only', (raw) => {
      raw.spec.backendRedis = { strategy: 'already-external' };
      raw.spec.systemRedis = { strategy: 'already-external' };
    }).plan;

    // WHEN
    const folders = plannedPhases(plan).map((p) => p.folder);

    // THEN
    expect(folders).toEqual(['00-preflight']);
  });
});

describe('findPlannedPhase', () => {
  test('finds a phase by id and by folder name', () => {
    // GIVEN
    const { plan } = loadExample('postgresql-and-redis');

    // WHEN
    const byId = findPlannedPhase(plan, 'cutover');
    const byFolder = findPlannedPhase(plan, '05-cutover');

    // THEN
    expect(byId.folder).toBe('05-cutover');
    expect(byFolder).toEqual(byId);
  });

  test('refuses a phase the plan does not run, naming --phase and every valid choice', () => {
    // GIVEN
    const { plan } = loadExample('postgresql-and-redis');

    // WHEN
    const err = userError(() => findPlannedPhase(plan, 'cleanup'));

    // THEN
    expect(err.message).toBe(
      '--phase: "cleanup" is not a phase of this plan; expected one of preflight, prepare, scale-down, copy-data, load-redis, cutover, scale-up, verify, upgrade.',
    );
  });

  test('refuses a folder number that names another phase', () => {
    // GIVEN
    const { plan } = loadExample('redis-only');

    // WHEN
    const err = userError(() => findPlannedPhase(plan, '05-scale-up'));

    // THEN
    expect(err.message).toContain('"05-scale-up" is not a phase of this plan');
    expect(err.message).toContain('expected one of preflight, prepare,');
    expect(err.message).toContain(', cleanup.');
  });
});

describe('registerProcedure', () => {
  const phase = (id: string) => ({ ...procedureById('fresh-install').phases[0]!, id });
  const procedure = (id: string, planKind: string, phaseIds: string[]) => ({ ...procedureById('fresh-install'), id, planKind, phases: phaseIds.map(phase) });

  test('GIVEN a procedure whose id or plan kind is taken WHEN registered THEN it is refused naming the holder, and the registry is unchanged', () => {
    const before = [...PROCEDURES];
    expect(() => registerProcedure(procedure('fresh-install', 'NewPlan', ['one']))).toThrow(/procedure fresh-install \(plan kind NewPlan\): fresh-install already has that id or plan kind/);
    expect(() => registerProcedure(procedure('other', 'FreshInstallPlan', ['one']))).toThrow(/fresh-install already has/);
    expect(PROCEDURES).toEqual(before);
  });

  test('GIVEN phase ids that are not unique kebab-case, or no phase WHEN registered THEN refused', () => {
    for (const ids of [['Bad_Id'], ['one', 'one'], ['-one'], ['../one'], []]) expect(() => registerProcedure(procedure('other', 'OtherPlan', ids))).toThrow(/is not a unique kebab-case id/);
  });
});
