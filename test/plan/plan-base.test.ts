import { describe, expect, test } from 'vitest';
import { isMigrationPlan } from '../../src/plan/plan-base.js';
import { loadExample } from '../support/plans.js';

describe('isMigrationPlan narrows a plan to the 2.15 externalization', () => {
  test('GIVEN an example MigrationPlan WHEN checked THEN it is one', () => {
    expect(isMigrationPlan(loadExample('postgresql-and-redis').plan)).toBe(true);
  });

  test('GIVEN a plan of another kind WHEN checked THEN it is not', () => {
    const other = { ...loadExample('redis-only').plan, kind: 'SomeOtherPlan' };
    expect(isMigrationPlan(other)).toBe(false);
  });
});
