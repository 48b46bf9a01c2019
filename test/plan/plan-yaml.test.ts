/**
 * Specification of src/plan/plan-yaml.ts: a plan file's YAML is one document of the YAML 1.2 core schema with
 * unique keys, and hostile YAML (alias bombs, recursive aliases, deep nesting) is refused in one sentence.
 */
import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import { MAX_PLAN_ALIASES, MAX_PLAN_VALUES, readPlanYaml } from '../../src/plan/plan-yaml.js';

/** The one-line message of the UserError a text raises. */
function refusal(text: string): string {
  try {
    readPlanYaml(text, 'migration.yaml');
  } catch (err) {
    expect(UserError.isUserError(err)).toBe(true);
    const message = (err as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message.startsWith('migration.yaml: ')).toBe(true);
    return message;
  }
  throw new Error('the text was accepted');
}

describe('readPlanYaml', () => {
  test('GIVEN YAML 1.1 booleans, octals and timestamps WHEN read THEN they stay strings, as the YAML 1.2 core schema says', () => {
    // GIVEN
    const text = 'a: yes\nb: on\nc: 0123\nd: 2001-12-14\ne: 0o17\nf: ~\ng: "x"\n';

    // WHEN
    const value = readPlanYaml(text, 'migration.yaml');

    // THEN
    expect(value).toEqual({ a: 'yes', b: 'on', c: 123, d: '2001-12-14', e: 15, f: null, g: 'x' });
  });

  test('GIVEN an empty file or one holding only comments WHEN read THEN the value is null (the loader then says what it expected)', () => {
    expect(readPlanYaml('', 'migration.yaml')).toBeNull();
    expect(readPlanYaml('# nothing yet\n', 'migration.yaml')).toBeNull();
  });

  test('GIVEN a key twice in one mapping WHEN read THEN the refusal gives the line and column of the second', () => {
    expect(refusal('spec:\n  a: 1\n  a: 2\n')).toBe('migration.yaml: invalid YAML at line 3, column 3: a key appears twice in the same mapping; expected one YAML mapping with unique keys.');
  });

  test('GIVEN two documents WHEN read THEN the refusal counts them', () => {
    expect(refusal('a: 1\n---\nb: 2\n')).toBe('migration.yaml: the file holds 2 YAML documents; expected one YAML mapping with unique keys.');
  });

  test('GIVEN a "<<" merge key WHEN read THEN it is an ordinary key (no merge in the core schema), so the plan schema refuses it by name', () => {
    expect(readPlanYaml('base: &b {x: 1}\nother:\n  <<: *b\n', 'migration.yaml')).toEqual({ base: { x: 1 }, other: { '<<': { x: 1 } } });
  });

  test('GIVEN a "__proto__" key WHEN read THEN it is an own key, not a prototype', () => {
    const value = readPlanYaml('__proto__: {polluted: true}\n', 'migration.yaml') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test(`GIVEN more than ${MAX_PLAN_ALIASES} aliases WHEN read THEN too many aliases is refused`, () => {
    const text = `a: &a 1\nb: [${Array.from({ length: MAX_PLAN_ALIASES + 1 }, () => '*a').join(', ')}]\n`;
    expect(refusal(text)).toMatch(/^migration\.yaml: invalid YAML at line 2, column \d+: too many aliases \(more than 50\); expected one YAML mapping with unique keys\.$/);
  });

  test(`GIVEN a few aliases that expand beyond ${MAX_PLAN_VALUES} values WHEN read THEN the bomb is refused before anything walks it`, () => {
    // GIVEN: 45 aliases, 9^6 = 531441 values once expanded
    const levels = ['a: &l0 [x,x,x,x,x,x,x,x,x]'];
    for (let i = 1; i <= 5; i++) levels.push(`l${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(',')}]`);

    // WHEN / THEN
    expect(refusal(levels.join('\n'))).toBe(`migration.yaml: the YAML expands too many aliases (more than ${MAX_PLAN_VALUES} values once expanded); expected a plan without alias bombs.`);
  });

  test('GIVEN aliases that expand within the bound WHEN read THEN each alias reads as a copy of its anchor', () => {
    const value = readPlanYaml('storage: &s {size: 5Gi}\nother: *s\n', 'migration.yaml') as Record<string, unknown>;
    expect(value.other).toEqual({ size: '5Gi' });
  });

  test('GIVEN an alias inside the collection it names WHEN read THEN the recursion is refused (the value would be infinite)', () => {
    expect(refusal('a: &a [1, *a]\n')).toBe('migration.yaml: a YAML alias refers to a mapping or list that contains it; expected a plan without recursive aliases.');
    expect(refusal('a: &a {self: *a}\n')).toContain('recursive aliases');
  });

  test('GIVEN nesting deeper than any plan WHEN read THEN it is refused with the position, not a stack overflow', () => {
    expect(refusal(`${'['.repeat(5000)}${']'.repeat(5000)}`)).toMatch(/^migration\.yaml: invalid YAML at line 1, column \d+: nesting exceeded maxDepth \(64\)/);
  });

  test('GIVEN a tab where indentation belongs WHEN read THEN the YAML error and its position are given', () => {
    expect(refusal('spec:\n\tname: x\n')).toMatch(/^migration\.yaml: invalid YAML at line 2, column \d+: .+; expected one YAML mapping with unique keys\.$/);
  });

  test('GIVEN an unknown tag WHEN read THEN it is refused (a plan has no custom types)', () => {
    expect(refusal('a: !secret x\n')).toMatch(/^migration\.yaml: invalid YAML at line 1, column \d+: .*!secret/);
  });
});
