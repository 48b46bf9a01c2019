import en from 'zod/v4/locales/en.js';
import * as z from 'zod/mini';
import { UserError } from '../errors.js';

/**
 * Turning a zod issue into the one sentence a user reads: "field: expected X, got Y". Shared by every
 * plan kind so all plan files fail the same way.
 */

// zod/mini loads no locale, and without one every check that has no message of this project's own reads
// "Invalid input". The English messages are what formatIssue lowercases ("too big: expected string to have
// <=512 characters"); the English locale alone is imported so the bundle leaves out the others.
z.config(en());

/** Turns the first zod issue into "field: expected X, got Y". */
export function formatIssue(issue: z.core.$ZodIssue): string {
  const field = formatPath(issue.path);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
      const at = issue.path.length ? `${field}: ` : '';
      return `${at}unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}; expected only the documented fields (see the plan file reference in the README)`;
    }
    case 'invalid_type': {
      const expected = isOwnMessage(issue.message) ? issue.message : issue.expected;
      if (input === undefined) return `${field}: is required (expected ${expected})`;
      return `${field}: expected ${expected}, got ${describe(input)}`;
    }
    case 'invalid_value': {
      const choices = issue.values.map((v) => JSON.stringify(v));
      return `${field}: expected ${choices.length === 1 ? choices[0] : `one of ${choices.join(', ')}`}, got ${describe(input)}`;
    }
    case 'invalid_union':
      return `${field}: expected ${issue.message.startsWith('"') ? issue.message : 'a valid value'}, got ${describe(input)}`;
    default: {
      const expected = isOwnMessage(issue.message) ? issue.message : issue.message.toLowerCase();
      return `${field}: expected ${expected}, got ${describe(input)}`;
    }
  }
}

/** Messages written in this project's schema read "a ..." / "an ..." / a quoted literal. */
function isOwnMessage(message: string): boolean {
  return message.startsWith('a ') || message.startsWith('an ') || message.startsWith('"');
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(p))) out += out ? `.${String(p)}` : String(p);
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out || '(top level)';
}

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

/** Parses `raw` with a plan kind's schema; the first issue becomes one sentence naming the file and field. */
export function parseWithSchema<S extends z.core.$ZodType>(schema: S, raw: unknown, path: string): z.output<S> {
  // jitless: a plan is validated once per process, so compiling zod's fast path (new Function per object
  // schema) costs more start-up time than it could save.
  const result = z.safeParse(schema, raw, { reportInput: true, jitless: true });
  if (!result.success) {
    throw new UserError(`${path}: ${formatIssue(result.error.issues[0]!)}.`);
  }
  return result.data;
}
