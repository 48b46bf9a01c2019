import { loadAll, YAMLException } from 'js-yaml';
import { UserError } from '../errors.js';

/**
 * Reading a plan file's YAML: one document, YAML 1.2 core schema (`yes`, `on` and `0123` stay strings, no
 * `<<` merges, no custom tags), unique keys, and bounds that make hostile input cheap to refuse.
 *
 * Why js-yaml here while `yaml` writes dist/ and reads exported Lists: reading the plan is on the start-up path
 * of every command (`plan` must start within 2x bare Node), and js-yaml 5 loads and parses a plan in about
 * a third of the time. It returns aliased nodes as shared references, so the expansion a consumer would see is
 * measured here before anything walks the value.
 */

/** YAML aliases a plan could reasonably use (shared storage blocks, repeated selectors); a bomb needs more. */
export const MAX_PLAN_ALIASES = 50;
/** Nesting a plan never needs: its deepest field is about eight levels down. */
export const MAX_PLAN_DEPTH = 64;
/**
 * Values a plan may hold once aliases are expanded. A plan file is at most 1 MiB, and without aliases 1 MiB
 * holds at most about half a million values (`[0,0,0,…]`), so only alias expansion goes beyond; a
 * billion-laughs document goes to millions. Real plans hold 50 to a few thousand.
 */
export const MAX_PLAN_VALUES = 500_000;

/** Parses plan text; every refusal is one sentence naming the file and, where it has one, the line and column. */
export function readPlanYaml(text: string, path: string): unknown {
  let documents: unknown[];
  try {
    documents = loadAll(text, { maxAliases: MAX_PLAN_ALIASES, maxDepth: MAX_PLAN_DEPTH, filename: path });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    throw new UserError(`${path}: ${yamlProblem(err)}; expected one YAML mapping with unique keys.`);
  }
  if (documents.length > 1) {
    throw new UserError(`${path}: the file holds ${documents.length} YAML documents; expected one YAML mapping with unique keys.`);
  }
  const value = documents[0] ?? null;
  checkExpansion(value, path);
  return value;
}

function yamlProblem(err: YAMLException): string {
  const reason = firstLine(err.reason || err.message);
  const what = reason === 'duplicated mapping key' ? 'a key appears twice in the same mapping' : reason.startsWith('aliases exceeded') ? `too many aliases (more than ${MAX_PLAN_ALIASES})` : reason;
  const mark = err.mark;
  return mark ? `invalid YAML at line ${mark.line + 1}, column ${mark.column + 1}: ${what}` : `invalid YAML: ${what}`;
}

/**
 * Refuses an alias that refers to a collection containing it (the value would be infinite) and a document whose
 * expansion exceeds {@link MAX_PLAN_VALUES}. Sizes are memoized per shared node, so this is linear in the text.
 */
function checkExpansion(root: unknown, path: string): void {
  const sizes = new Map<object, number>();
  const open = new Set<object>();
  const sizeOf = (value: unknown): number => {
    if (value === null || typeof value !== 'object') return 1;
    const known = sizes.get(value);
    if (known !== undefined) return known;
    if (open.has(value)) {
      throw new UserError(`${path}: a YAML alias refers to a mapping or list that contains it; expected a plan without recursive aliases.`);
    }
    open.add(value);
    let size = 1;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      size += sizeOf(child);
      if (size > MAX_PLAN_VALUES) break;
    }
    open.delete(value);
    sizes.set(value, size);
    return size;
  };
  const total = sizeOf(root);
  if (total > MAX_PLAN_VALUES) {
    throw new UserError(`${path}: the YAML expands too many aliases (more than ${MAX_PLAN_VALUES} values once expanded); expected a plan without alias bombs.`);
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/\.$/, '');
}
