import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { validateMigrationPlan } from '../../src/procedures/externalize-on-cluster/migration-plan.js';
import { examplePath } from '../support/plans.js';

const example = () => parse(readFileSync(examplePath('postgresql-and-redis'), 'utf8'));

describe('validateMigrationPlan: the MigrationPlan kind', () => {
  test('GIVEN the bundled example WHEN validated THEN defaults are filled in', () => {
    const plan = validateMigrationPlan(example(), 'migration.yaml');
    expect(plan.spec.procedure).toBe('externalize-on-cluster');
    expect(plan.spec.jobs.activeDeadlineSeconds).toBe(3600);
  });

  test('GIVEN spec.maintenanceWindow WHEN validated THEN hours and/or minutes are kept, anything else is refused naming the field', () => {
    for (const ok of ['90m', '2h', '1h30m']) {
      const raw = example();
      raw.spec.maintenanceWindow = ok;
      expect(validateMigrationPlan(raw, 'migration.yaml').spec.maintenanceWindow).toBe(ok);
    }
    for (const bad of ['', '2 hours', '30m1h', '1h30m; rm', 90]) {
      const raw = example();
      raw.spec.maintenanceWindow = bad;
      expect(() => validateMigrationPlan(raw, 'migration.yaml')).toThrow(/spec\.maintenanceWindow/);
    }
    expect(validateMigrationPlan(example(), 'migration.yaml').spec.maintenanceWindow).toBeUndefined();
  });

  test('GIVEN spec.autoscaled WHEN validated THEN the Deployments an APIManager hpa flag covers are kept; another name, a repeat or a non-list is refused naming the field', () => {
    const raw = example();
    raw.spec.autoscaled = ['backend-worker', 'apicast-production'];
    expect(validateMigrationPlan(raw, 'migration.yaml').spec.autoscaled).toEqual(['backend-worker', 'apicast-production']);
    for (const bad of [['apicast-staging'], ['backend-worker', 'backend-worker'], 'apicast-production', [1], ['apicast-production; rm -rf /']]) {
      const plan = example();
      plan.spec.autoscaled = bad;
      expect(() => validateMigrationPlan(plan, 'migration.yaml'), JSON.stringify(bad)).toThrow(/^migration\.yaml: spec\.autoscaled/);
    }
    expect(validateMigrationPlan(example(), 'migration.yaml').spec.autoscaled).toBeUndefined();
  });

  test('GIVEN an Oracle System database WHEN validated THEN it is refused with the vendor reason before the schema is applied', () => {
    const raw = example();
    raw.spec.systemDatabase = { kind: 'oracle', anything: true };
    expect(() => validateMigrationPlan(raw, 'migration.yaml')).toThrow(/^migration\.yaml: spec\.systemDatabase\.kind: the System database is Oracle, and 3scale 2\.16 is not compatible/);
  });

  test('GIVEN an enabled upgrade without the approval mode WHEN validated THEN the field is required', () => {
    const raw = example();
    delete raw.spec.upgrade.subscription.installPlanApproval;
    expect(() => validateMigrationPlan(raw, 'migration.yaml')).toThrow('spec.upgrade.subscription.installPlanApproval: is required when spec.upgrade.enabled is true');
  });
});
