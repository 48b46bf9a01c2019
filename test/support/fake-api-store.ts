/**
 * The object store behind the fake API server, with the REST semantics of kube-apiserver:
 * LIST (selectors, pagination, `<Kind>List`), GET, create, replace (optimistic concurrency),
 * JSON patch / merge patch / strategic merge patch / server-side apply (field ownership, conflicts,
 * `force`), DELETE, the `status` and `scale` subresources, `dryRun=All`, server-populated fields
 * (uid, resourceVersion, generation, creationTimestamp, managedFields, defaults) and real `Status`
 * failures.
 */
import { randomUUID } from 'node:crypto';
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { applyDefaults, hasGeneration, validate } from './fake-api-defaults.js';
import type { FieldViolation } from './fake-api-defaults.js';
import {
  applyMerge,
  BUILT_IN_RULES,
  clone,
  CUSTOM_RESOURCE_RULES,
  deepEqual,
  fromFieldsV1,
  getAtPath,
  isObject,
  jsonMergePatch,
  leafPaths,
  managedView,
  removeStaleFields,
  SEP,
  strategicMerge,
  toFieldsV1,
} from './fake-api-fields.js';
import type { Json, JsonObject, MergeRules } from './fake-api-fields.js';
import { pruneUnknownFields } from './fake-api-pruning.js';
import { apiVersionOf, qualifiedResource } from './fake-api-resources.js';
import type { FakeResourceRegistry, FakeResourceType } from './fake-api-resources.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, POD_FIELD_LABELS, SelectorError } from './fake-api-selectors.js';

/** An HTTP answer: status code and JSON body. */
export interface FakeResult {
  readonly status: number;
  readonly body: unknown;
}

/** Options of every write. */
export interface FakeWriteOptions {
  /** `dryRun=All`: compute and answer, store nothing. */
  readonly dryRun: boolean;
  /** `fieldManager` query parameter. */
  readonly fieldManager?: string;
  /** `force=true` (server-side apply). */
  readonly force?: boolean;
  /** User-Agent, used to name the field manager of Update operations when `fieldManager` is absent. */
  readonly userAgent?: string;
}

/** Store options. */
export interface FakeStoreOptions {
  /**
   * Time source for creationTimestamp and managedFields.
   * @default the system clock
   */
  readonly clock?: () => Date;
}

/** A Kubernetes `Status` failure object. */
export function statusFailure(code: number, reason: string, message: string, details?: JsonObject): FakeResult {
  const body: JsonObject = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) body.details = details;
  return { status: code, body };
}

/** `Status.details` naming an object; `group` is left out for the core group, as kube-apiserver's omitempty does. */
function detailsOf(rt: FakeResourceType, name: string, kind: string = rt.plural): JsonObject {
  return rt.group ? { name, group: rt.group, kind } : { name, kind };
}

/** How the server merges the lists and maps of a kind (compiled kinds by their types, custom resources by CRD). */
function rulesOf(rt: FakeResourceType): MergeRules {
  return rt.builtIn || rt.aggregated ? BUILT_IN_RULES : CUSTOM_RESOURCE_RULES;
}

function notFound(rt: FakeResourceType, name: string): FakeResult {
  return statusFailure(404, 'NotFound', `${qualifiedResource(rt)} "${name}" not found`, detailsOf(rt, name));
}

function badRequest(message: string): FakeResult {
  return statusFailure(400, 'BadRequest', message);
}

function invalid(rt: FakeResourceType, name: string, violations: readonly FieldViolation[]): FakeResult {
  const qualifiedKind = rt.group ? `${rt.kind}.${rt.group}` : rt.kind;
  return statusFailure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${violations.map((v) => `${v.field}: ${v.message}`).join(', ')}`, {
    ...detailsOf(rt, name, rt.kind),
    causes: violations.map((v) => ({ reason: v.reason, message: v.message, field: v.field })),
  });
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface ManagedFieldsEntry extends JsonObject {
  manager: string;
  operation: string;
  apiVersion: string;
  time: string;
  fieldsType: string;
  fieldsV1: JsonObject;
}

/** The objects of one fake cluster. */
export class FakeStore {
  private readonly registry: FakeResourceRegistry;
  private readonly objects = new Map<string, JsonObject>();
  private readonly clock: () => Date;
  private rv: number;
  private nextIp = 10;

  public constructor(registry: FakeResourceRegistry, objects: readonly KubeObject[], options: FakeStoreOptions = {}) {
    this.registry = registry;
    this.clock = options.clock ?? (() => new Date());
    let max = 1000;
    for (const o of objects) {
      const n = Number(o.metadata.resourceVersion);
      if (Number.isFinite(n) && n > max) max = n;
    }
    this.rv = max;
    for (const o of objects) this.put(o, { keepResourceVersion: true });
  }

  /** The current (latest) resourceVersion of the store. */
  public get resourceVersion(): string {
    return String(this.rv);
  }

  /** Number of stored objects. */
  public get size(): number {
    return this.objects.size;
  }

  /** A copy of one stored object. */
  public get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const rt = this.typeOf(apiVersion, kind);
    const o = this.objects.get(this.key(rt, namespace, name));
    return o ? (clone(o) as unknown as KubeObject) : undefined;
  }

  /** Copies of the stored objects of one type (optionally in one namespace), sorted by namespace and name. */
  public list(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    const rt = this.typeOf(apiVersion, kind);
    return this.select(rt, namespace).map((o) => clone(o) as unknown as KubeObject);
  }

  /** Copies of every stored object. */
  public all(): KubeObject[] {
    return [...this.objects.values()].map((o) => clone(o) as unknown as KubeObject);
  }

  /**
   * Stores an object as-is (no defaults, no validation), filling uid/creationTimestamp when absent
   * and giving it a new resourceVersion unless `keepResourceVersion` and it has one.
   */
  public put(obj: KubeObject, options: { readonly keepResourceVersion?: boolean } = {}): KubeObject {
    const rt = this.typeOf(obj.apiVersion, obj.kind);
    const o = clone(obj) as unknown as JsonObject;
    const meta = o.metadata as JsonObject;
    if (rt.namespaced && !meta.namespace) throw new Error(`fake API server: ${obj.kind} ${obj.metadata.name} needs a namespace`);
    meta.uid ??= randomUUID();
    meta.creationTimestamp ??= timestamp(this.clock());
    if (!(options.keepResourceVersion && meta.resourceVersion)) meta.resourceVersion = this.bump();
    this.objects.set(this.key(rt, meta.namespace as string | undefined, meta.name as string), o);
    return clone(o) as unknown as KubeObject;
  }

  /** Removes an object; true when it existed. */
  public remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean {
    const rt = this.typeOf(apiVersion, kind);
    const existed = this.objects.delete(this.key(rt, namespace, name));
    if (existed) this.bump();
    return existed;
  }

  // ------------------------------------------------------------------------------------------
  // REST semantics
  // ------------------------------------------------------------------------------------------

  /** `GET` on a collection. */
  public restList(rt: FakeResourceType, namespace: string | undefined, query: URLSearchParams): FakeResult {
    let items = this.select(rt, namespace);
    try {
      const labelSelector = query.get('labelSelector');
      if (labelSelector) {
        const reqs = parseLabelSelector(labelSelector);
        items = items.filter((o) => matchesLabels(reqs, (o.metadata as JsonObject).labels as Record<string, string> | undefined));
      }
      const fieldSelector = query.get('fieldSelector');
      if (fieldSelector) {
        const reqs = parseFieldSelector(fieldSelector, rt.group === '' && rt.kind === 'Pod' ? POD_FIELD_LABELS : []);
        items = items.filter((o) => matchesFields(reqs, o as { metadata: { name: string; namespace?: string } }));
      }
    } catch (err) {
      if (err instanceof SelectorError) return badRequest(err.message);
      throw err;
    }
    let offset = 0;
    const token = query.get('continue');
    if (token) {
      try {
        const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
        if (typeof decoded.o !== 'number') throw new Error('bad token');
        offset = decoded.o;
      } catch {
        return badRequest('continue key is not valid: invalid continue token');
      }
    }
    const limit = Number(query.get('limit') ?? '0');
    const page = limit > 0 ? items.slice(offset, offset + limit) : items.slice(offset);
    const metadata: JsonObject = { resourceVersion: this.resourceVersion };
    const nextOffset = offset + page.length;
    if (limit > 0 && nextOffset < items.length) {
      metadata.continue = Buffer.from(JSON.stringify({ o: nextOffset, rv: this.rv })).toString('base64url');
      metadata.remainingItemCount = items.length - nextOffset;
    }
    // Built-in LISTs leave apiVersion/kind out of the items; custom resources keep them.
    const rendered = page.map((o) => {
      const c = clone(o);
      if (rt.builtIn || rt.aggregated) {
        delete c.apiVersion;
        delete c.kind;
      }
      return c;
    });
    return { status: 200, body: { apiVersion: apiVersionOf(rt), items: rendered, kind: `${rt.kind}List`, metadata } };
  }

  /** `GET` on an object. */
  public restGet(rt: FakeResourceType, namespace: string | undefined, name: string): FakeResult {
    const o = this.objects.get(this.key(rt, namespace, name));
    return o ? { status: 200, body: clone(o) } : notFound(rt, name);
  }

  /** `POST` on a collection. */
  public restCreate(rt: FakeResourceType, namespace: string | undefined, body: unknown, options: FakeWriteOptions): FakeResult {
    if (!isObject(body)) return badRequest('the body of the request was in an unknown format');
    const mismatch = this.checkTypeAndNamespace(rt, namespace, body);
    if (mismatch) return mismatch;
    const obj = clone(body);
    const meta = (isObject(obj.metadata) ? obj.metadata : (obj.metadata = {})) as JsonObject;
    if (!meta.name && typeof meta.generateName === 'string') meta.name = `${meta.generateName}${randomUUID().slice(0, 5)}`;
    const name = typeof meta.name === 'string' ? meta.name : '';
    if (this.objects.has(this.key(rt, namespace, name))) {
      return statusFailure(409, 'AlreadyExists', `${qualifiedResource(rt)} "${name}" already exists`, detailsOf(rt, name));
    }
    if (meta.managedFields !== undefined) delete meta.managedFields;
    return this.commitCreate(rt, namespace, obj, this.updateManager(options), 'Update', options, 201);
  }

  /** `PUT` on an object. */
  public restReplace(rt: FakeResourceType, namespace: string | undefined, name: string, body: unknown, options: FakeWriteOptions): FakeResult {
    if (!isObject(body)) return badRequest('the body of the request was in an unknown format');
    const mismatch = this.checkTypeAndNamespace(rt, namespace, body, name);
    if (mismatch) return mismatch;
    const before = this.objects.get(this.key(rt, namespace, name));
    if (!before) return notFound(rt, name);
    const meta = isObject(body.metadata) ? body.metadata : {};
    const beforeMeta = before.metadata as JsonObject;
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== beforeMeta.resourceVersion) return this.optimisticConflict(rt, name);
    const after = clone(body);
    const afterMeta = after.metadata as JsonObject;
    for (const k of ['uid', 'creationTimestamp', 'generation', 'resourceVersion', 'managedFields']) afterMeta[k] = clone(beforeMeta[k]);
    if (rt.subresources.includes('status')) after.status = clone(before.status);
    return this.commitUpdate(rt, before, after, this.updateManager(options), 'Update', options);
  }

  /** `PATCH` on an object (every patch type, including server-side apply). */
  public restPatch(
    rt: FakeResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string,
    rawBody: string,
    options: FakeWriteOptions,
  ): FakeResult {
    const type = contentType.split(';')[0].trim().toLowerCase();
    if (type === 'application/apply-patch+yaml' || type === 'application/apply-patch+cbor') return this.apply(rt, namespace, name, rawBody, options);
    const before = this.objects.get(this.key(rt, namespace, name));
    if (!before) return notFound(rt, name);
    let patch: unknown;
    try {
      patch = JSON.parse(rawBody);
    } catch {
      return badRequest('error decoding patch: invalid JSON');
    }
    let after: Json;
    switch (type) {
      case 'application/json-patch+json': {
        if (!Array.isArray(patch)) return badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
        try {
          after = jsonpatch.applyPatch(clone(before), patch as Operation[], true, false).newDocument as Json;
        } catch {
          // kube-apiserver says no more than this (empty details) for a patch that cannot be applied.
          return statusFailure(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
        }
        break;
      }
      case 'application/merge-patch+json':
        after = jsonMergePatch(clone(before), patch as Json);
        break;
      case 'application/strategic-merge-patch+json':
        if (!rt.builtIn && !rt.aggregated) {
          return statusFailure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
        }
        after = strategicMerge(clone(before), patch as Json) ?? {};
        break;
      default:
        return statusFailure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
    }
    if (!isObject(after)) return badRequest('the patch produced a non-object');
    const meta = isObject(after.metadata) ? after.metadata : {};
    const beforeMeta = before.metadata as JsonObject;
    if (meta.resourceVersion !== beforeMeta.resourceVersion) return this.optimisticConflict(rt, name);
    if (meta.name !== beforeMeta.name) return badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    for (const k of ['uid', 'creationTimestamp', 'generation', 'managedFields']) meta[k] = clone(beforeMeta[k]);
    if (rt.subresources.includes('status')) after.status = clone(before.status);
    return this.commitUpdate(rt, before, after, this.updateManager(options), 'Update', options);
  }

  /** `DELETE` on an object. */
  public restDelete(rt: FakeResourceType, namespace: string | undefined, name: string, options: FakeWriteOptions): FakeResult {
    const key = this.key(rt, namespace, name);
    const o = this.objects.get(key);
    if (!o) return notFound(rt, name);
    if (!options.dryRun) {
      this.objects.delete(key);
      this.bump();
    }
    return {
      status: 200,
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { ...detailsOf(rt, name), uid: (o.metadata as JsonObject).uid } },
    };
  }

  /** `GET` on the status or scale subresource. */
  public restGetSubresource(rt: FakeResourceType, namespace: string | undefined, name: string, sub: 'status' | 'scale'): FakeResult {
    const o = this.objects.get(this.key(rt, namespace, name));
    if (!o) return notFound(rt, name);
    return { status: 200, body: sub === 'scale' ? this.scaleOf(o) : clone(o) };
  }

  /** `PUT`/`PATCH` (merge) on the status or scale subresource. */
  public restWriteSubresource(
    rt: FakeResourceType,
    namespace: string | undefined,
    name: string,
    sub: 'status' | 'scale',
    method: 'PUT' | 'PATCH',
    contentType: string,
    rawBody: string,
    options: FakeWriteOptions,
  ): FakeResult {
    const before = this.objects.get(this.key(rt, namespace, name));
    if (!before) return notFound(rt, name);
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return badRequest('error decoding body: invalid JSON');
    }
    if (!isObject(body)) return badRequest('the body of the request was in an unknown format');
    const base: JsonObject = sub === 'scale' ? this.scaleOf(before) : clone(before);
    let updated: Json;
    if (method === 'PUT') updated = body;
    else if (contentType.startsWith('application/json-patch+json')) {
      try {
        updated = jsonpatch.applyPatch(clone(base), body as unknown as Operation[], true, false).newDocument as Json;
      } catch {
        return statusFailure(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
      }
    } else updated = jsonMergePatch(base, body);
    if (!isObject(updated)) return badRequest('the body of the request was in an unknown format');
    const after = clone(before);
    if (sub === 'status') after.status = clone(updated.status ?? null);
    else {
      const replicas = isObject(updated.spec) ? updated.spec.replicas : undefined;
      if (typeof replicas !== 'number' || replicas < 0) {
        return invalid(rt, name, [{ field: 'spec.replicas', reason: 'FieldValueInvalid', message: `Invalid value: ${String(replicas)}: must be greater than or equal to 0` }]);
      }
      (after.spec as JsonObject).replicas = replicas;
    }
    const result = this.commitUpdate(rt, before, after, this.updateManager(options), 'Update', options, sub);
    if (result.status !== 200 || sub === 'status') return result;
    return { status: 200, body: this.scaleOf(result.body as JsonObject) };
  }

  // ------------------------------------------------------------------------------------------
  // Server-side apply
  // ------------------------------------------------------------------------------------------

  private apply(rt: FakeResourceType, namespace: string | undefined, name: string, rawBody: string, options: FakeWriteOptions): FakeResult {
    const manager = options.fieldManager;
    if (!manager) return badRequest('PATCH is not supported: fieldManager is required for apply requests');
    let applied: unknown;
    try {
      applied = parseYaml(rawBody, { uniqueKeys: true });
    } catch {
      return badRequest('error decoding YAML: invalid apply patch body');
    }
    if (!isObject(applied)) return badRequest('the body of the request was in an unknown format');
    const mismatch = this.checkTypeAndNamespace(rt, namespace, applied, name);
    if (mismatch) return mismatch;
    pruneUnknownFields(rt, applied);
    const rules = rulesOf(rt);
    const meta = isObject(applied.metadata) ? applied.metadata : {};
    if (meta.managedFields !== undefined) return badRequest('metadata.managedFields must be nil');
    if (meta.resourceVersion !== undefined) {
      const live = this.objects.get(this.key(rt, namespace, name));
      if (!live || (live.metadata as JsonObject).resourceVersion !== meta.resourceVersion) return this.optimisticConflict(rt, name);
    }
    const appliedPaths = leafPaths(managedView(applied), rules);
    const before = this.objects.get(this.key(rt, namespace, name));
    if (!before) {
      const obj = clone(applied);
      delete obj.status;
      return this.commitCreate(rt, namespace, obj, manager, 'Apply', options, 201, appliedPaths);
    }

    const entries = (((before.metadata as JsonObject).managedFields as ManagedFieldsEntry[] | undefined) ?? []).map((e) => clone(e));
    const isMine = (e: ManagedFieldsEntry): boolean => e.manager === manager && e.operation === 'Apply' && e.subresource === undefined;
    const conflicts: { manager: string; path: string; apiVersion: string }[] = [];
    for (const e of entries) {
      // Entries of the scale subresource own spec.replicas like any other manager (kubectl scale vs. SSA).
      if (isMine(e) || e.subresource === 'status') continue;
      const owned = fromFieldsV1(e.fieldsV1);
      for (const path of appliedPaths) {
        if (owned.has(path) && !deepEqual(getAtPath(before, path), getAtPath(applied, path))) conflicts.push({ manager: e.manager, path, apiVersion: e.apiVersion });
      }
    }
    if (conflicts.length > 0 && !options.force) {
      const using = (c: { manager: string; apiVersion: string }): string => `conflict with "${c.manager}"${c.apiVersion === apiVersionOf(rt) ? '' : ` using ${c.apiVersion}`}`;
      const described = conflicts.map((c) => `${using(c)}: ${pathToDotted(c.path)}`);
      const message =
        conflicts.length === 1 ? `Apply failed with 1 conflict: ${described[0]}` : `Apply failed with ${conflicts.length} conflicts: ${described.join('\n')}`;
      return statusFailure(409, 'Conflict', message, {
        causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: using(c), field: pathToDotted(c.path) })),
      });
    }

    let merged = applyMerge(clone(before), applied, rules) as JsonObject;
    const previous = entries.find(isMine);
    if (previous) {
      const kept = new Set<string>(appliedPaths);
      for (const e of entries) if (!isMine(e)) for (const p of fromFieldsV1(e.fieldsV1)) kept.add(p);
      removeStaleFields(merged, [...fromFieldsV1(previous.fieldsV1)].filter((path) => !kept.has(path)), kept);
    }
    merged = { ...merged, metadata: { ...(merged.metadata as JsonObject) } };
    // Forced conflicts move ownership to the applier.
    const taken = new Set(conflicts.map((c) => c.path));
    const kept = entries
      .filter((e) => !isMine(e))
      .map((e) => {
        if (taken.size === 0) return e;
        const remaining = [...fromFieldsV1(e.fieldsV1)].filter((p) => !taken.has(p));
        return { ...e, fieldsV1: toFieldsV1(remaining) };
      })
      .filter((e) => Object.keys(e.fieldsV1).length > 0);
    const mine: ManagedFieldsEntry = {
      manager,
      operation: 'Apply',
      apiVersion: apiVersionOf(rt),
      time: timestamp(this.clock()),
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(appliedPaths),
    };
    (merged.metadata as JsonObject).managedFields = [...kept, mine];
    return this.commitUpdate(rt, before, merged, manager, 'Apply', options, undefined, true);
  }

  // ------------------------------------------------------------------------------------------
  // Commit helpers
  // ------------------------------------------------------------------------------------------

  private commitCreate(
    rt: FakeResourceType,
    namespace: string | undefined,
    obj: JsonObject,
    manager: string,
    operation: 'Update' | 'Apply',
    options: FakeWriteOptions,
    status: number,
    ownedPaths?: Set<string>,
  ): FakeResult {
    const meta = obj.metadata as JsonObject;
    const name = String(meta.name ?? '');
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    if (rt.namespaced) meta.namespace = namespace ?? null;
    else delete meta.namespace;
    for (const k of ['resourceVersion', 'generation', 'selfLink', 'deletionTimestamp']) delete meta[k];
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp(this.clock());
    if (hasGeneration(rt)) meta.generation = 1;
    pruneUnknownFields(rt, obj);
    applyDefaults(rt, obj, { allocateClusterIP: () => this.allocateIp(), uid: meta.uid });
    const violations = validate(rt, obj, undefined);
    if (violations.length > 0) return invalid(rt, name, violations);
    meta.managedFields = [
      {
        manager,
        operation,
        apiVersion: apiVersionOf(rt),
        time: timestamp(this.clock()),
        fieldsType: 'FieldsV1',
        fieldsV1: toFieldsV1(ownedPaths ?? leafPaths(managedView(obj), rulesOf(rt))),
      },
    ];
    if (!options.dryRun) {
      meta.resourceVersion = this.bump();
      this.objects.set(this.key(rt, namespace, name), clone(obj));
    }
    return { status, body: obj };
  }

  private commitUpdate(
    rt: FakeResourceType,
    before: JsonObject,
    after: JsonObject,
    manager: string,
    operation: 'Update' | 'Apply',
    options: FakeWriteOptions,
    subresource?: 'status' | 'scale',
    managedFieldsDone = false,
  ): FakeResult {
    const beforeMeta = before.metadata as JsonObject;
    const meta = (after.metadata = { ...(after.metadata as JsonObject) });
    const name = String(beforeMeta.name);
    after.apiVersion = apiVersionOf(rt);
    after.kind = rt.kind;
    meta.namespace = beforeMeta.namespace;
    if (meta.namespace === undefined) delete meta.namespace;
    meta.uid = beforeMeta.uid;
    meta.creationTimestamp = beforeMeta.creationTimestamp;
    meta.resourceVersion = beforeMeta.resourceVersion;
    pruneUnknownFields(rt, after);
    applyDefaults(rt, after, { allocateClusterIP: () => this.allocateIp(), uid: String(beforeMeta.uid) });
    const violations = validate(rt, after, before);
    if (violations.length > 0) return invalid(rt, name, violations);

    if (!managedFieldsDone) meta.managedFields = this.updateOwnership(rt, before, after, manager, subresource);
    // A write is a no-op when nothing but the times of managedFields would change; a new owner is a change.
    const comparable = (o: JsonObject): JsonObject => {
      const c = clone(o);
      const m = c.metadata as JsonObject;
      m.managedFields = ((m.managedFields as JsonObject[] | undefined) ?? []).map(({ time: _time, ...entry }) => entry);
      delete m.resourceVersion;
      delete m.generation;
      return c;
    };
    if (deepEqual(comparable(before), comparable(after))) {
      // A no-op write changes nothing, not even the resourceVersion.
      return { status: 200, body: clone(before) };
    }
    const spec = (o: JsonObject): JsonObject => {
      const c = clone(o);
      delete c.metadata;
      delete c.status;
      return c;
    };
    if (hasGeneration(rt)) {
      const gen = typeof beforeMeta.generation === 'number' ? beforeMeta.generation : 1;
      meta.generation = deepEqual(spec(before), spec(after)) ? gen : gen + 1;
    }
    if (!options.dryRun) {
      meta.resourceVersion = this.bump();
      this.objects.set(this.key(rt, meta.namespace as string | undefined, name), clone(after));
    }
    return { status: 200, body: after };
  }

  /** Update-operation ownership: the writer takes changed fields from other managers; removed fields are dropped. */
  private updateOwnership(rt: FakeResourceType, before: JsonObject, after: JsonObject, manager: string, subresource?: 'status' | 'scale'): Json {
    const part = subresource === 'status' ? 'status' : 'main';
    const oldPaths = leafPaths(managedView(before, part), rulesOf(rt));
    const newPaths = leafPaths(managedView(after, part), rulesOf(rt));
    const changed = new Set([...newPaths].filter((p) => !oldPaths.has(p) || !deepEqual(getAtPath(before, p), getAtPath(after, p))));
    const removed = new Set([...oldPaths].filter((p) => !newPaths.has(p)));
    const entries = (((before.metadata as JsonObject).managedFields as ManagedFieldsEntry[] | undefined) ?? []).map((e) => clone(e));
    const sub = subresource;
    const result: ManagedFieldsEntry[] = [];
    let mine: ManagedFieldsEntry | undefined;
    for (const e of entries) {
      const samePart = (e.subresource === 'status') === (part === 'status');
      if (e.manager === manager && e.operation === 'Update' && e.subresource === sub) {
        mine = e;
        continue;
      }
      if (!samePart) {
        result.push(e);
        continue;
      }
      const remaining = [...fromFieldsV1(e.fieldsV1)].filter((p) => !changed.has(p) && !removed.has(p));
      if (remaining.length > 0) result.push({ ...e, fieldsV1: toFieldsV1(remaining) });
    }
    const minePaths = new Set([...(mine ? fromFieldsV1(mine.fieldsV1) : []), ...changed].filter((p) => !removed.has(p)));
    if (minePaths.size > 0) {
      const entry: ManagedFieldsEntry = {
        manager,
        operation: 'Update',
        apiVersion: apiVersionOf(rt),
        time: changed.size > 0 ? timestamp(this.clock()) : (mine?.time ?? timestamp(this.clock())),
        fieldsType: 'FieldsV1',
        fieldsV1: toFieldsV1(minePaths),
      };
      if (sub) entry.subresource = sub;
      result.push(entry);
    }
    return result;
  }

  private scaleOf(o: JsonObject): JsonObject {
    const meta = o.metadata as JsonObject;
    const spec = isObject(o.spec) ? o.spec : {};
    const selector = isObject(spec.selector) && isObject(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
    const status = isObject(o.status) ? o.status : {};
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion, creationTimestamp: meta.creationTimestamp },
      spec: { replicas: spec.replicas ?? 1 },
      status: {
        replicas: status.replicas ?? 0,
        selector: Object.entries(selector)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(','),
      },
    };
  }

  private checkTypeAndNamespace(rt: FakeResourceType, namespace: string | undefined, body: JsonObject, urlName?: string): FakeResult | undefined {
    if (body.apiVersion !== undefined && body.apiVersion !== apiVersionOf(rt)) {
      return badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersionOf(rt)})`);
    }
    if (body.kind !== undefined && body.kind !== rt.kind) return badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${rt.kind})`);
    const meta = isObject(body.metadata) ? body.metadata : {};
    if (rt.namespaced && meta.namespace !== undefined && meta.namespace !== namespace) {
      return badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (urlName !== undefined && meta.name !== undefined && meta.name !== urlName) {
      return badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${urlName})`);
    }
    return undefined;
  }

  private optimisticConflict(rt: FakeResourceType, name: string): FakeResult {
    return statusFailure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(rt)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      detailsOf(rt, name),
    );
  }

  private updateManager(options: FakeWriteOptions): string {
    if (options.fieldManager) return options.fieldManager;
    const ua = options.userAgent ?? '';
    return ua.split('/')[0].split(' ')[0] || 'unknown';
  }

  private select(rt: FakeResourceType, namespace: string | undefined): JsonObject[] {
    const prefix = `${rt.group}/${rt.kind}/`;
    const out: JsonObject[] = [];
    for (const [key, o] of this.objects) {
      if (!key.startsWith(prefix)) continue;
      if (namespace !== undefined && (o.metadata as JsonObject).namespace !== namespace) continue;
      out.push(o);
    }
    return out.sort((a, b) => {
      const ka = `${String((a.metadata as JsonObject).namespace ?? '')}/${String((a.metadata as JsonObject).name)}`;
      const kb = `${String((b.metadata as JsonObject).namespace ?? '')}/${String((b.metadata as JsonObject).name)}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  }

  private typeOf(apiVersion: string, kind: string): FakeResourceType {
    const rt = this.registry.byKind(apiVersion, kind);
    if (!rt) throw new Error(`fake API server: ${apiVersion} ${kind} is not a served resource type`);
    return rt;
  }

  private key(rt: FakeResourceType, namespace: string | undefined, name: string): string {
    return `${rt.group}/${rt.kind}/${rt.namespaced ? (namespace ?? '') : ''}/${name}`;
  }

  private bump(): string {
    this.rv += 1;
    return String(this.rv);
  }

  private allocateIp(): string {
    const n = this.nextIp++;
    return `172.30.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
  }
}

function pathToDotted(path: string): string {
  return path
    .split(SEP)
    .map((seg) => (seg.startsWith('f:') ? `.${seg.slice(2)}` : `[${seg.slice(2)}]`))
    .join('');
}
