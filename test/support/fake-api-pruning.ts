/**
 * Unknown fields, dropped as kube-apiserver drops them from a write (without `fieldValidation=Strict`): for a
 * custom resource, whatever its CRD's structural schema does not declare (unless the subtree keeps unknown
 * fields); for a built-in kind, top-level fields the kind does not have (deeper ones are kept: the fake has no
 * schemas of built-in kinds). The CRDs are the ones the real API server of the tests installs (crds/ and
 * real-api/crds/); a custom kind without one there keeps everything.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './db-servers.js';
import { isObject, type Json, type JsonObject } from './fake-api-fields.js';
import type { FakeResourceType } from './fake-api-resources.js';

interface Schema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: Schema | boolean;
  readonly items?: Schema;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
}

interface CrdDoc {
  readonly kind?: string;
  readonly spec?: { readonly group: string; readonly names: { readonly kind: string }; readonly versions: readonly { readonly name: string; readonly schema?: { readonly openAPIV3Schema?: Schema } }[] };
}

/** Top-level fields of the built-in kinds that have no `spec` (all others: spec and status). */
const BUILT_IN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ConfigMap: ['data', 'binaryData', 'immutable'],
  Secret: ['data', 'stringData', 'type', 'immutable'],
  ServiceAccount: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  Role: ['rules'],
  ClusterRole: ['rules', 'aggregationRule'],
  RoleBinding: ['subjects', 'roleRef'],
  ClusterRoleBinding: ['subjects', 'roleRef'],
  Endpoints: ['subsets'],
  Event: ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type', 'eventTime', 'series', 'action', 'related', 'reportingComponent', 'reportingInstance'],
  StorageClass: ['provisioner', 'parameters', 'reclaimPolicy', 'mountOptions', 'allowVolumeExpansion', 'volumeBindingMode', 'allowedTopologies'],
};

const ENVELOPE = ['apiVersion', 'kind', 'metadata'];

let schemas: Map<string, Schema> | undefined;

function loadSchemas(): Map<string, Schema> {
  const out = new Map<string, Schema>();
  for (const dir of [join(REPO_ROOT, 'crds'), join(REPO_ROOT, 'test', 'support', 'real-api', 'crds')]) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
        const crd = doc.toJS() as CrdDoc | null;
        if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
        for (const v of crd.spec.versions) {
          if (v.schema?.openAPIV3Schema) out.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
        }
      }
    }
  }
  return out;
}

function pruneBySchema(value: Json, schema: Schema, root = false): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) pruneBySchema(item, schema.items);
    return;
  }
  if (!isObject(value)) return;
  const props = schema.properties;
  const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const key of Object.keys(value)) {
    if (root && key === 'metadata') continue;
    const sub = props?.[key] ?? extra;
    if (sub) pruneBySchema(value[key]!, sub);
    else if (!schema['x-kubernetes-preserve-unknown-fields'] && !(root && ENVELOPE.includes(key))) delete value[key];
  }
}

/** Drops the unknown fields of `obj` (mutates it). */
export function pruneUnknownFields(rt: FakeResourceType, obj: JsonObject): void {
  if (rt.builtIn) {
    const known = new Set([...ENVELOPE, ...(BUILT_IN_FIELDS[rt.kind] ?? ['spec', 'status'])]);
    for (const key of Object.keys(obj)) if (!known.has(key)) delete obj[key];
    return;
  }
  schemas ??= loadSchemas();
  const schema = schemas.get(`${rt.group}/${rt.version}/${rt.kind}`);
  if (schema) pruneBySchema(obj, schema, true);
}
