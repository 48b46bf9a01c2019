import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import { type CrdVersion, crdVersion } from './crd-index.js';
import { isRecord } from './validation-issue.js';

/**
 * Validation of custom resources against the `openAPIV3Schema` of the project's own CRDs in `crds/`.
 *
 * The CRD schemas are structural schemas with Kubernetes semantics; they are translated to plain JSON Schema
 * for ajv:
 * - an object that lists `properties` (or none) and does not say `x-kubernetes-preserve-unknown-fields` is
 *   closed (`additionalProperties: false`): the API server, with strict field validation, rejects fields the
 *   schema does not know;
 * - `x-kubernetes-int-or-string` becomes `anyOf: [integer, string]`, `nullable` adds `null` to the type;
 * - `apiVersion`, `kind` and `metadata` of the root are always allowed, `metadata` is checked for the usual
 *   ObjectMeta field types;
 * - in partial mode every `required` is dropped (server-side-apply patches carry only the fields they own).
 *
 * CEL rules (`x-kubernetes-validations`) and list-type annotations are not checked. Every schema is compiled
 * once per mode, on first use.
 */

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/**
 * The ajv validate function for a custom kind, or `undefined` when no CRD in crds/ defines it.
 * The function's `errors` are ajv errors with `verbose` details (`parentSchema`, `data`).
 */
export function crdValidator(apiVersion: string, kind: string, partial: boolean): ValidateFunction | undefined {
  const key = `${apiVersion}/${kind}`;
  const version = crdVersion(apiVersion, kind);
  if (version === undefined) {
    return undefined;
  }
  const cacheKey = `${key}#${partial ? 'partial' : 'full'}`;
  let validate = compiled.get(cacheKey);
  if (validate === undefined) {
    validate = getAjv().compile(toJsonSchema(version, partial));
    compiled.set(cacheKey, validate);
  }
  return validate;
}

function getAjv(): Ajv {
  if (ajv === undefined) {
    ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false });
    ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    ajv.addFormat('date-time', { type: 'string', validate: (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)) });
  }
  return ajv;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Formats the API server checks and this module implements; other formats are informational only. */
const CHECKED_FORMATS = new Set(['int32', 'int64', 'date-time']);

/** ObjectMeta as far as a rendered object sets it; other metadata fields are allowed unchecked. */
const METADATA_SCHEMA: AnySchemaObject = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: { type: 'array', items: { type: 'string' } },
    ownerReferences: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          name: { type: 'string' },
          uid: { type: 'string' },
          controller: { type: 'boolean' },
          blockOwnerDeletion: { type: 'boolean' },
        },
      },
    },
  },
};

function toJsonSchema(version: CrdVersion, partial: boolean): AnySchemaObject {
  const root = convertNode(version.schema, { partial, inJunction: false, where: `${version.file} openAPIV3Schema` });
  const properties = isRecord(root.properties) ? root.properties : {};
  const required = Array.isArray(root.required) ? (root.required as string[]) : [];
  return {
    ...root,
    type: 'object',
    properties: {
      ...properties,
      apiVersion: { const: version.apiVersion },
      kind: { const: version.kind },
      metadata: METADATA_SCHEMA,
    },
    required: [...new Set(['apiVersion', 'kind', ...required])],
  };
}

interface ConvertContext {
  readonly partial: boolean;
  /** Inside anyOf/oneOf/allOf/not: value validations only, which never close an object. */
  readonly inJunction: boolean;
  /** For error messages about the CRD itself. */
  readonly where: string;
}

/** Keywords that only describe or annotate; Kubernetes does not validate with them. */
const IGNORED_KEYWORDS = new Set([
  'description',
  'title',
  'example',
  'default',
  'externalDocs',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
]);

const COPIED_KEYWORDS = new Set([
  'enum',
  'pattern',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'multipleOf',
]);

const HANDLED_KEYWORDS = new Set([
  'type',
  'nullable',
  'format',
  'properties',
  'additionalProperties',
  'items',
  'required',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
]);

function convertNode(node: Record<string, unknown>, ctx: ConvertContext): AnySchemaObject {
  const out: AnySchemaObject = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (COPIED_KEYWORDS.has(keyword)) {
      out[keyword] = value;
    } else if (!IGNORED_KEYWORDS.has(keyword) && !HANDLED_KEYWORDS.has(keyword)) {
      throw new Error(`${ctx.where} uses the schema keyword "${keyword}", which the validator does not support.`);
    }
  }
  if (typeof node.type === 'string') {
    out.type = node.nullable === true ? [node.type, 'null'] : node.type;
  }
  if (typeof node.format === 'string' && CHECKED_FORMATS.has(node.format)) {
    out.format = node.format;
  }
  // OpenAPI 3.0 booleans → JSON Schema draft-07 numbers.
  if (node.exclusiveMinimum === true && typeof node.minimum === 'number') {
    out.exclusiveMinimum = node.minimum;
    delete out.minimum;
  }
  if (node.exclusiveMaximum === true && typeof node.maximum === 'number') {
    out.exclusiveMaximum = node.maximum;
    delete out.maximum;
  }
  if (node['x-kubernetes-int-or-string'] === true && node.anyOf === undefined) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  for (const junction of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = node[junction];
    if (Array.isArray(branches)) {
      out[junction] = branches.map((b, i) => convertNode(asNode(b, ctx, `${junction}[${i}]`), { ...ctx, inJunction: true, where: `${ctx.where}.${junction}[${i}]` }));
    }
  }
  if (node.not !== undefined) {
    out.not = convertNode(asNode(node.not, ctx, 'not'), { ...ctx, inJunction: true, where: `${ctx.where}.not` });
  }
  if (node.items !== undefined) {
    out.items = convertNode(asNode(node.items, ctx, 'items'), { ...ctx, where: `${ctx.where}[]` });
  }
  if (isRecord(node.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([name, child]) => [name, convertNode(asNode(child, ctx, name), { ...ctx, where: `${ctx.where}.${name}` })]),
    );
  }
  if (Array.isArray(node.required) && !ctx.partial) {
    out.required = node.required;
  }
  if (isRecord(node.additionalProperties)) {
    out.additionalProperties = convertNode(node.additionalProperties, { ...ctx, where: `${ctx.where}{}` });
  } else if (typeof node.additionalProperties === 'boolean') {
    out.additionalProperties = node.additionalProperties;
  } else if (node.type === 'object' && !ctx.inJunction && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    if (node['x-kubernetes-embedded-resource'] === true) {
      out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...((out.properties ?? {}) as Record<string, unknown>) };
    }
    out.additionalProperties = false;
  }
  return out;
}

function asNode(value: unknown, ctx: ConvertContext, name: string): Record<string, unknown> {
  if (!isRecord(value)) {
    throw new Error(`${ctx.where}.${name} is not a schema object.`);
  }
  return value;
}
