import * as z from 'zod/mini';
import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import { describe as describeValue, formatIssue, parseWithSchema } from '../../src/plan/zod-issue.js';

const schema = z.strictObject({
  name: z.string().check(z.regex(/^[a-z]+$/, { error: 'a lower-case name' })),
  size: z.optional(z.number().check(z.int())),
  mode: z.optional(z.enum(['Automatic', 'Manual'])),
  nested: z.optional(z.strictObject({ 'odd key': z.optional(z.boolean()) })),
  label: z.optional(z.string().check(z.maxLength(5))),
});

function firstIssue(raw: unknown): string {
  const result = z.safeParse(schema, raw, { reportInput: true });
  if (result.success) throw new Error('expected a failure');
  return formatIssue(result.error.issues[0]!);
}

describe('formatIssue turns the first zod issue into "field: expected X, got Y"', () => {
  test('GIVEN a missing required field WHEN formatted THEN it says the field is required', () => {
    expect(firstIssue({})).toBe('name: is required (expected string)');
  });

  test('GIVEN a value failing a project message WHEN formatted THEN the message is the expectation', () => {
    expect(firstIssue({ name: 'ABC' })).toBe('name: expected a lower-case name, got "ABC"');
  });

  test('GIVEN an unknown key WHEN formatted THEN the key is named and the README is pointed to', () => {
    expect(firstIssue({ name: 'a', colour: 1 })).toBe('unknown field "colour"; expected only the documented fields (see the plan file reference in the README)');
  });

  test('GIVEN a value outside an enum WHEN formatted THEN every choice is listed', () => {
    expect(firstIssue({ name: 'a', mode: 'auto' })).toBe('mode: expected one of "Automatic", "Manual", got "auto"');
  });

  test('GIVEN a check without a message of its own WHEN formatted THEN the English message of zod is the expectation, lower-cased', () => {
    // zod/mini loads no locale by itself: without the English one this would read "expected invalid input".
    expect(firstIssue({ name: 'a', label: 'toolong' })).toBe('label: expected too big: expected string to have <=5 characters, got "toolong"');
  });

  test('GIVEN a key that is not an identifier WHEN formatted THEN the path quotes it', () => {
    expect(firstIssue({ name: 'a', nested: { 'odd key': 'yes' } })).toBe('nested["odd key"]: expected boolean, got "yes"');
  });
});

describe('describe names a value in a few words', () => {
  test('GIVEN values of every shape WHEN described THEN each reads as a short phrase', () => {
    expect([undefined, null, [1, 2], { a: 1 }, 'x', 3].map(describeValue)).toEqual(['nothing', 'null', 'a list of 2', 'a mapping', '"x"', '3']);
  });

  test('GIVEN a long string WHEN described THEN it is cut to 60 characters', () => {
    expect(describeValue('a'.repeat(100))).toBe(`"${'a'.repeat(57)}..."`);
  });
});

describe('parseWithSchema validates with a plan kind schema', () => {
  test('GIVEN a valid document WHEN parsed THEN the output has its values', () => {
    expect(parseWithSchema(schema, { name: 'ok', size: 3 }, 'plan.yaml')).toEqual({ name: 'ok', size: 3 });
  });

  test('GIVEN an invalid document WHEN parsed THEN a UserError names the file and the field in one sentence', () => {
    const run = () => parseWithSchema(schema, { name: 'ok', size: 1.5 }, 'plan.yaml');
    expect(run).toThrow(UserError);
    expect(run).toThrow(/^plan\.yaml: size: expected .+\.$/);
  });
});
