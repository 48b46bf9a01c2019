import { describe, expect, test } from 'vitest';
import { PROCEDURES, procedureOfKind } from '../../src/phases/registry.js';

describe('the plan kinds of the procedures in the registry', () => {
  test('GIVEN the procedures WHEN their plan kinds are listed THEN each kind belongs to one procedure', () => {
    const kinds = PROCEDURES.map((p) => p.planKind);
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  test('GIVEN every procedure WHEN its plan kind is looked up THEN the loader finds that procedure', () => {
    for (const procedure of PROCEDURES) expect(procedureOfKind(procedure.planKind)).toBe(procedure);
  });

  test('GIVEN a kind no procedure declares, or no string WHEN looked up THEN nothing is found', () => {
    for (const kind of ['Other', '', undefined, 42, null]) expect(procedureOfKind(kind)).toBeUndefined();
  });

  test('GIVEN a mapping of another kind WHEN a procedure validates it THEN it refuses in one sentence naming the file', () => {
    for (const procedure of PROCEDURES) expect(() => procedure.validatePlan({ apiVersion: 'threescale-migrate.3scale.net/v1alpha1', kind: 'Other' }, 'x.yaml')).toThrow(/^x\.yaml: .+\.$/);
  });
});
