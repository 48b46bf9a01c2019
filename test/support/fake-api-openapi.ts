/**
 * The OpenAPI v3 documents of the fake API server (`GET /openapi/v3` and `GET /openapi/v3/<api path>`),
 * shaped like kube-apiserver's: an index of group-version paths, each with a `serverRelativeURL` carrying a
 * content hash, and one OpenAPI 3.0 document per group-version whose operations carry
 * `x-kubernetes-group-version-kind` / `x-kubernetes-action` and the query parameters the server accepts.
 *
 * kubectl reads these before `apply`/`create -f`: when the PATCH operation of an object's kind lists the
 * `fieldValidation` query parameter, kubectl leaves validation to the server (it sends
 * `fieldValidation=Strict`) instead of downloading `/openapi/v2` to validate on the client.
 *
 * The schemas are deliberately shallow: every kind has its `apiVersion`, `kind` and `metadata` described
 * and the rest left open, which is all the clients in these tests read.
 */
import { createHash } from 'node:crypto';
import type { FakeResourceRegistry, FakeResourceType } from './fake-api-resources.js';

/** The `fieldValidation` values kube-apiserver accepts. */
export const FIELD_VALIDATION_VALUES = ['Ignore', 'Warn', 'Strict'] as const;

const K8S_VERSION = 'v1.29.0';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Package of a built-in group in the Go type names of the schemas (`io.k8s.api.<package>.<version>.<Kind>`). */
function builtInPackage(group: string): string {
  if (group === '') return 'core';
  return group.replace(/\.k8s\.io$/, '').replace(/\..*$/, '');
}

/** Schema name of a kind, as kube-apiserver names it (reversed group for custom and aggregated APIs). */
export function schemaName(rt: FakeResourceType): string {
  if (rt.builtIn) return `io.k8s.api.${builtInPackage(rt.group)}.${rt.version}.${rt.kind}`;
  // openshift-apiserver names its schemas after the Go package of openshift/api.
  if (rt.aggregated && rt.group.endsWith('.openshift.io')) return `com.github.openshift.api.${rt.group.slice(0, -'.openshift.io'.length)}.${rt.version}.${rt.kind}`;
  return `${rt.group.split('.').reverse().join('.')}.${rt.version}.${rt.kind}`;
}

/** `api/v1` or `apis/<group>/<version>`: the key of a group-version in the index. */
function apiPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function tagOf(group: string, version: string): string {
  const g = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '').replace(/\./g, '');
  return `${g}_${version}`;
}

function operationPrefix(rt: FakeResourceType): string {
  const g = rt.group === '' ? 'Core' : rt.group.replace(/\.k8s\.io$/, '').split(/[.-]/).map(cap).join('');
  return `${g}${cap(rt.version)}`;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function queryParam(name: string, description: string, type: 'string' | 'boolean' | 'integer' = 'string'): Record<string, unknown> {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

const DRY_RUN = queryParam('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed');
const FIELD_MANAGER = queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.');
const FIELD_VALIDATION = queryParam(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
);
const FORCE = queryParam('force', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.', 'boolean');
const PRETTY = queryParam('pretty', "If 'true', then the output is pretty printed.");
const LIST_PARAMS = [
  queryParam('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  queryParam('continue', 'The continue option should be set when retrieving more results from the server.'),
  queryParam('fieldSelector', 'A selector to restrict the list of returned objects by their fields.'),
  queryParam('labelSelector', 'A selector to restrict the list of returned objects by their labels.'),
  queryParam('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  queryParam('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  queryParam('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  queryParam('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
];

function ref(name: string): Record<string, string> {
  return { $ref: `#/components/schemas/${name}` };
}

function jsonResponse(description: string, schema: string): Record<string, unknown> {
  return { description, content: { 'application/json': { schema: ref(schema) }, 'application/yaml': { schema: ref(schema) } } };
}

function operation(
  rt: FakeResourceType,
  action: string,
  verb: string,
  scope: string,
  parameters: Record<string, unknown>[],
  responses: Record<string, unknown>,
  requestBody?: Record<string, unknown>,
): Record<string, unknown> {
  const op: Record<string, unknown> = {
    tags: [tagOf(rt.group, rt.version)],
    description: `${action} ${scope === 'collection' ? `objects of kind ${rt.kind}` : `the specified ${rt.kind}`}`,
    operationId: `${verb}${operationPrefix(rt)}${rt.namespaced ? 'Namespaced' : ''}${rt.kind}`,
    parameters,
    responses: { ...responses, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: rt.group, kind: rt.kind, version: rt.version },
  };
  if (requestBody) op.requestBody = requestBody;
  return op;
}

function bodyOf(schema: string, types: readonly string[] = ['*/*']): Record<string, unknown> {
  return { content: Object.fromEntries(types.map((t) => [t, { schema: ref(schema) }])), required: true };
}

const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

/** The OpenAPI v3 document of one group-version, or undefined when it is not served. */
export function groupVersionDocument(registry: FakeResourceRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const types = registry.types.filter((rt) => rt.group === group && rt.version === version);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    [`${META}.ObjectMeta`]: {
      description: 'ObjectMeta is metadata that all persisted resources must have.',
      type: 'object',
      properties: Object.fromEntries(
        ['name', 'namespace', 'generateName', 'uid', 'resourceVersion', 'creationTimestamp'].map((k) => [k, { type: 'string' }]),
      ),
    },
    [`${META}.ListMeta`]: { type: 'object', properties: { continue: { type: 'string' }, resourceVersion: { type: 'string' } } },
    [`${META}.Patch`]: { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.', type: 'object' },
    [`${META}.DeleteOptions`]: { description: 'DeleteOptions may be provided when deleting an API object.', type: 'object' },
    [`${META}.Status`]: { description: 'Status is a return value for calls that don\'t return other objects.', type: 'object' },
  };
  for (const rt of types) {
    const kindSchema = schemaName(rt);
    const listSchema = `${kindSchema}List`;
    const gvk = [{ group: rt.group, kind: rt.kind, version: rt.version }];
    schemas[kindSchema] = {
      description: `${rt.kind} of the fake API server.`,
      type: 'object',
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { allOf: [ref(`${META}.ObjectMeta`)], default: {} } },
      'x-kubernetes-group-version-kind': gvk,
    };
    schemas[listSchema] = {
      type: 'object',
      required: ['items'],
      properties: { apiVersion: { type: 'string' }, items: { type: 'array', items: { allOf: [ref(kindSchema)], default: {} } }, kind: { type: 'string' }, metadata: ref(`${META}.ListMeta`) },
      'x-kubernetes-group-version-kind': [{ group: rt.group, kind: `${rt.kind}List`, version: rt.version }],
    };
    const base = `/${apiPath(rt.group, rt.version)}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}`;
    const pathParams = [
      ...(rt.namespaced ? [{ name: 'namespace', in: 'path', description: 'object name and auth scope, such as for teams and projects', required: true, schema: { type: 'string', uniqueItems: true } }] : []),
      PRETTY,
    ];
    const nameParam = { name: 'name', in: 'path', description: `name of the ${rt.kind}`, required: true, schema: { type: 'string', uniqueItems: true } };
    paths[base] = {
      get: operation(rt, 'list', 'list', 'collection', LIST_PARAMS, { '200': jsonResponse('OK', listSchema) }),
      post: operation(
        rt,
        'post',
        'create',
        'object',
        [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
        { '200': jsonResponse('OK', kindSchema), '201': jsonResponse('Created', kindSchema), '202': jsonResponse('Accepted', kindSchema) },
        bodyOf(kindSchema),
      ),
      parameters: pathParams,
    };
    paths[`${base}/{name}`] = {
      get: operation(rt, 'get', 'read', 'object', [], { '200': jsonResponse('OK', kindSchema) }),
      put: operation(
        rt,
        'put',
        'replace',
        'object',
        [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
        { '200': jsonResponse('OK', kindSchema), '201': jsonResponse('Created', kindSchema) },
        bodyOf(kindSchema),
      ),
      delete: operation(
        rt,
        'delete',
        'delete',
        'object',
        [DRY_RUN, queryParam('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'), queryParam('propagationPolicy', 'Whether and how garbage collection will be performed.')],
        { '200': jsonResponse('OK', `${META}.Status`), '202': jsonResponse('Accepted', `${META}.Status`) },
        { content: { '*/*': { schema: ref(`${META}.DeleteOptions`) } } },
      ),
      patch: operation(
        rt,
        'patch',
        'patch',
        'object',
        [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
        { '200': jsonResponse('OK', kindSchema), '201': jsonResponse('Created', kindSchema) },
        bodyOf(`${META}.Patch`, PATCH_TYPES),
      ),
      parameters: [nameParam, ...pathParams],
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: K8S_VERSION },
    paths,
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
  };
}

/** The JSON text of a group-version document and its hash (uppercase hex SHA-512, as kube-apiserver's etags). */
function rendered(registry: FakeResourceRegistry, group: string, version: string): { text: string; hash: string } | undefined {
  const doc = groupVersionDocument(registry, group, version);
  if (!doc) return undefined;
  const text = JSON.stringify(doc);
  return { text, hash: createHash('sha512').update(text).digest('hex').toUpperCase() };
}

/** `GET /openapi/v3`: the index of group-version documents. */
export function openApiV3Index(registry: FakeResourceRegistry): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const gvs = [...new Map(registry.types.map((rt) => [`${rt.group}/${rt.version}`, rt])).values()];
  for (const rt of gvs) {
    const r = rendered(registry, rt.group, rt.version);
    if (!r) continue;
    const key = apiPath(rt.group, rt.version);
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${r.hash}` };
  }
  return { paths };
}

/**
 * `GET /openapi/v3/<api path>`: the document of one group-version (`api/v1`, `apis/apps/v1`, ...), or
 * undefined when that path is not in the index.
 */
export function openApiV3Document(registry: FakeResourceRegistry, path: string): unknown {
  const segs = path.split('/').filter((s) => s !== '');
  let group: string;
  let version: string;
  if (segs.length === 2 && segs[0] === 'api') {
    group = '';
    version = segs[1];
  } else if (segs.length === 3 && segs[0] === 'apis') {
    group = segs[1];
    version = segs[2];
  } else {
    return undefined;
  }
  const r = rendered(registry, group, version);
  return r ? (JSON.parse(r.text) as unknown) : undefined;
}
