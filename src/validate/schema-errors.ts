import type { ErrorObject } from 'ajv';
import { isRecord, type ValidationIssue } from './validation-issue.js';

/**
 * The Kubernetes quantity syntax (`500m`, `1`, `10Gi`, `1e3`), as the API server's `resource.Quantity` accepts it.
 * The project's CRDs use it for storage sizes; errors against it read "must be a quantity".
 */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

export interface SchemaErrorContext {
  /** The object as `Kind/namespace/name`. */
  readonly object: string;
  /** The validated object itself, to quote offending values. */
  readonly root: unknown;
  /** Drop `required` errors (server-side-apply patches carry only the fields they own). */
  readonly partial: boolean;
}

/**
 * Turns the raw errors of an ajv validate function (compiled here or precompiled by kubernetes-models) into
 * one issue per problem, each a sentence such as
 * `Deployment/3scale/apicast-production: spec.replicas must be an integer, but is the string "two".`
 *
 * `anyOf`/`oneOf` failures are merged with the failures of their branches into one sentence ("must be an
 * integer or a string"), and duplicates are dropped.
 */
export function issuesFromSchemaErrors(errors: readonly ErrorObject[], context: SchemaErrorContext): ValidationIssue[] {
  const relevant = context.partial ? errors.filter((e) => e.keyword !== 'required') : [...errors];
  const junctions = relevant.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const branchErrors = new Set<ErrorObject>();
  const branchesOf = new Map<ErrorObject, ErrorObject[]>();
  for (const junction of junctions) {
    const branches = relevant.filter((e) => e !== junction && isBranchError(e, junction));
    branches.forEach((b) => branchErrors.add(b));
    branchesOf.set(junction, branches);
  }

  // A value of the wrong type also fails its format, pattern, range or enum; the type error says it all.
  const mistyped = new Set(relevant.filter((e) => e.keyword === 'type' && !branchErrors.has(e)).map((e) => e.instancePath));

  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of relevant) {
    if (branchErrors.has(error) && !junctions.includes(error)) {
      continue;
    }
    if (VALUE_KEYWORDS.has(error.keyword) && mistyped.has(error.instancePath)) {
      continue;
    }
    const segments = pointerSegments(error.instancePath);
    const value = valueAt(context.root, segments);
    const described = describe(error, value, branchesOf.get(error) ?? []);
    const pathSegments = described.child === undefined ? segments : [...segments, described.child];
    const path = formatPath(pathSegments);
    const subject = path === '' ? 'the object' : path;
    const message = `${context.object}: ${subject} ${described.predicate}.`;
    if (!seen.has(message)) {
      seen.add(message);
      issues.push({ object: context.object, path, message });
    }
  }
  return issues;
}

const VALUE_KEYWORDS = new Set(['format', 'pattern', 'enum', 'const', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'multipleOf']);

/**
 * Whether `error` reports why one branch of the `anyOf`/`oneOf` `junction` failed. Errors of an ajv-compiled
 * schema carry the junction's schema path as prefix; kubernetes-models' precompiled validators put each
 * int-or-string/quantity union in a function of its own, so their branch errors sit at `#/<keyword>`.
 */
function isBranchError(error: ErrorObject, junction: ErrorObject): boolean {
  if (error.instancePath !== junction.instancePath) {
    return false;
  }
  if (error.schemaPath.startsWith(`${junction.schemaPath}/`)) {
    return true;
  }
  return (junction.schemaPath === '#/anyOf' || junction.schemaPath === '#/oneOf') && /^#\/[A-Za-z]+$/.test(error.schemaPath);
}

interface Described {
  /** The sentence's predicate, e.g. `must be an integer, but is the string "two"`. */
  readonly predicate: string;
  /** A field name the issue is about below the error's own location (missing or unknown field). */
  readonly child?: string;
}

function describe(error: ErrorObject, value: unknown, branches: readonly ErrorObject[]): Described {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return { predicate: `must be ${typePhrase(params.type)}, but is ${valuePhrase(value)}` };
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      return { predicate: `must be one of ${orList(allowed.map((v) => JSON.stringify(v)))}, but is ${valuePhrase(value)}` };
    }
    case 'const':
      return { predicate: `must be ${JSON.stringify(params.allowedValue)}, but is ${valuePhrase(value)}` };
    case 'required':
      return { predicate: 'is required but missing', child: String(params.missingProperty) };
    case 'additionalProperties': {
      const known = isRecord(error.parentSchema) && isRecord(error.parentSchema.properties) ? Object.keys(error.parentSchema.properties) : [];
      const hint = known.length > 0 ? ` (known fields here: ${known.join(', ')})` : '';
      return { predicate: `is not a known field${hint}`, child: String(params.additionalProperty) };
    }
    case 'pattern':
      return params.pattern === QUANTITY_PATTERN
        ? { predicate: `must be a quantity such as 500m, 2 or 10Gi, but is ${valuePhrase(value)}` }
        : { predicate: `must match the pattern ${String(params.pattern)}, but is ${valuePhrase(value)}` };
    case 'format':
      return { predicate: `must be ${formatPhrase(String(params.format))}, but is ${valuePhrase(value)}` };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
      return { predicate: `${error.message ?? `fails ${error.keyword}`}, but is ${valuePhrase(value)}` };
    case 'maxProperties': {
      const set = isRecord(value) ? Object.keys(value) : [];
      return { predicate: `may set at most ${String(params.limit)} field(s), but sets ${set.length} (${set.join(', ')})` };
    }
    case 'anyOf':
    case 'oneOf': {
      const forms = branches.map(branchPhrase).filter((p): p is string => p !== undefined);
      return forms.length > 0
        ? { predicate: `must be ${orList([...new Set(forms)])}, but is ${valuePhrase(value)}` }
        : { predicate: `does not match any of its allowed forms, but is ${valuePhrase(value)}` };
    }
    default:
      return { predicate: error.message ?? `fails the "${error.keyword}" rule` };
  }
}

function branchPhrase(error: ErrorObject): string | undefined {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'type') {
    return typePhrase(params.type);
  }
  if (error.keyword === 'format') {
    return formatPhrase(String(params.format));
  }
  if (error.keyword === 'pattern' && params.pattern === QUANTITY_PATTERN) {
    return 'a quantity';
  }
  return undefined;
}

function typePhrase(type: unknown): string {
  const names = Array.isArray(type) ? type.map(String) : String(type).split(',');
  return orList(names.map((t) => TYPE_PHRASES[t] ?? `of type ${t}`));
}

const TYPE_PHRASES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean (true or false)',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

function formatPhrase(format: string): string {
  switch (format) {
    case 'quantity':
      return 'a quantity string such as 500m or 10Gi';
    case 'int32':
      return 'a 32-bit integer';
    case 'int64':
      return 'a 64-bit integer';
    case 'byte':
      return 'base64-encoded data';
    default:
      return `a valid ${format}`;
  }
}

function valuePhrase(value: unknown): string {
  if (value === undefined) {
    return 'absent';
  }
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return `a list of ${value.length} item(s)`;
  }
  switch (typeof value) {
    case 'string':
      return `the string ${truncate(JSON.stringify(value))}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `the boolean ${value}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function truncate(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) {
    return items[0] ?? 'nothing';
  }
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Splits an RFC 6901 JSON pointer (`/metadata/labels/app.kubernetes.io~1name`) into its unescaped segments. */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') {
    return [];
  }
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let node: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      node = node[Number(segment)];
    } else if (isRecord(node)) {
      node = node[segment];
    } else {
      return undefined;
    }
  }
  return node;
}

/** Renders path segments the way people write them: `spec.containers[0].env`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatPath(segments: readonly string[]): string {
  let path = '';
  for (const segment of segments) {
    if (/^(0|[1-9][0-9]*)$/.test(segment)) {
      path += `[${segment}]`;
    } else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(segment)) {
      path += path === '' ? segment : `.${segment}`;
    } else {
      path += `[${JSON.stringify(segment)}]`;
    }
  }
  return path;
}
