import { describe, expect, test } from 'vitest';
import { PROCEDURES } from '../../src/phases/registry.js';
import { PLAN_KINDS } from '../../src/plan/plan-kinds.js';

describe('the plan kinds and the procedures of the registry', () => {
  test('GIVEN the plan kinds WHEN listed THEN each kind appears once', () => {
    const kinds = PLAN_KINDS.map((k) => k.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  test('GIVEN every procedure WHEN its plan kind is looked up THEN the loader knows that kind', () => {
    for (const procedure of PROCEDURES) expect(PLAN_KINDS.map((k) => k.kind)).toContain(procedure.planKind);
  });

  test('GIVEN every plan kind WHEN the registry is searched THEN at least one procedure runs its plans', () => {
    for (const kind of PLAN_KINDS) expect(PROCEDURES.some((p) => p.planKind === kind.kind)).toBe(true);
  });

  test('GIVEN a mapping of another kind WHEN a kind validates it THEN it refuses in one sentence naming the file', () => {
    for (const kind of PLAN_KINDS) expect(() => kind.validate({ apiVersion: 'threescale-migrate.3scale.net/v1alpha1', kind: 'Other' }, 'x.yaml')).toThrow(/^x\.yaml: .+\.$/);
  });
});
