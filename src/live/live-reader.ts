/**
 * Reads live objects with as few requests as possible and asks the server what it would store.
 *
 * - `listObjects` issues ONE LIST per (apiVersion, kind, namespace) — following `continue` pages for
 *   very large collections — and never one GET per object; the plural name comes from discovery,
 *   fetched once per group/version.
 * - `dryRunApply` sends a server-side-apply PATCH with `dryRun=All`, so the answer is the object the
 *   API server would store (defaults, admission mutations and field ownership applied) and nothing
 *   is written.
 *
 * Objects are returned as raw JSON (see kube-object.ts). Items of built-in LISTs come without
 * apiVersion/kind from the server; the reader fills them in, nothing else is changed.
 */
import { apiPrefix, ApiDiscovery } from './api-discovery.js';
import type { ApiResource } from './api-discovery.js';
import { KubeClient } from './kube-client.js';
import type { KubeClientOptions } from './kube-client.js';
import { badResponseError, CLUSTER_LEVEL_ERROR_KINDS, describeTarget, errorFromStatus, lead, LiveReadError } from './kube-errors.js';
import type { KubeOperation } from './kube-errors.js';
import { isPlainObject } from './object-type.js';
import { rememberSecretsOf } from '../redact/secret-values.js';
import type { KubeObject, ObjectTypeRef } from './object-type.js';

/** Pass as `ObjectTypeRef.namespace` to list a namespaced kind across all namespaces. */
export const ALL_NAMESPACES = '*';

/** Construction properties of a `LiveReader`. */
export interface LiveReaderProps {
  /** The client to send requests with. */
  readonly client: KubeClient;
  /**
   * Discovery cache; pass one to share it between readers.
   * @default a new cache for this reader
   */
  readonly discovery?: ApiDiscovery;
  /**
   * `limit` of each LIST page; collections larger than this are read with `continue` tokens.
   * @default 500
   */
  readonly pageSize?: number;
  /**
   * How many LIST requests run at the same time.
   * @default 4
   */
  readonly concurrency?: number;
}

/** Filters for `listObjects`. */
export interface ListObjectsOptions {
  /**
   * Label selector, e.g. `app=3scale-api-management,threescale_component in (system,backend)`.
   * @default no filter
   */
  readonly labelSelector?: string;
  /**
   * Field selector, e.g. `metadata.name=system-app`.
   * @default no filter
   */
  readonly fieldSelector?: string;
}

/** The result of listing one type. */
export type ListOutcome =
  | {
      readonly ok: true;
      /** The (deduplicated) type that was listed, with the namespace actually used. */
      readonly ref: ObjectTypeRef;
      /** The resource discovery resolved it to. */
      readonly resource: ApiResource;
      /** The objects, with apiVersion and kind set. */
      readonly items: readonly KubeObject[];
      /** `metadata.resourceVersion` of the (last page of the) list. */
      readonly resourceVersion: string | undefined;
    }
  | {
      readonly ok: false;
      /** The type that could not be listed. */
      readonly ref: ObjectTypeRef;
      /** Why. */
      readonly error: LiveReadError;
    };

/** Options of `dryRunApply`. */
export interface DryRunApplyOptions {
  /**
   * Take over fields owned by other field managers instead of failing with a conflict
   * (what Argo CD / Flux server-side apply do).
   * @default true
   */
  readonly force?: boolean;
}

/** What a dry-run apply tells. */
export type DryRunApplyResult =
  | {
      readonly ok: true;
      /** The object as the server would store it. */
      readonly object: KubeObject;
      /** True when the object does not exist yet (HTTP 201): applying would create it. */
      readonly created: boolean;
    }
  | {
      readonly ok: false;
      /** Why the server refused (conflict, immutable, invalid, forbidden, missing-crd, not-found, ...). */
      readonly error: LiveReadError;
    };

/** A type resolved by discovery, waiting for its LIST. */
interface PlannedList {
  readonly planned: true;
  readonly ref: ObjectTypeRef;
  readonly resource: ApiResource;
  readonly namespace: string | undefined;
}

/** A LIST the server pages without end (or beyond the bound): refused in one sentence, like a bad answer. */
function pagingError(op: KubeOperation, why: string): LiveReadError {
  return new LiveReadError({ kind: 'bad-response', status: 200, object: describeTarget(op), message: `${lead(op)}: ${why}; expected a list that ends` });
}

/** Most pages one LIST may take (with the default page size, half a million objects). */
const MAX_PAGES = 1000;

const SERVER_SET_METADATA = ['resourceVersion', 'uid', 'creationTimestamp', 'managedFields', 'generation', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

/** Reads live objects through one `KubeClient`. */
export class LiveReader {
  /**
   * A reader for the cluster a kubeconfig points at (kubectl rules, see `resolveKubeConfig`).
   * @throws LiveReadError of kind `kubeconfig`
   */
  public static fromKubeconfig(options: KubeClientOptions & Omit<LiveReaderProps, 'client'> = {}): LiveReader {
    return new LiveReader({ ...options, client: KubeClient.fromOptions(options) });
  }

  /** The client in use. */
  public readonly client: KubeClient;
  /** The discovery cache in use. */
  public readonly discovery: ApiDiscovery;
  private readonly pageSize: number;
  private readonly concurrency: number;

  public constructor(props: LiveReaderProps) {
    this.client = props.client;
    this.discovery = props.discovery ?? new ApiDiscovery(props.client);
    this.pageSize = props.pageSize ?? 500;
    this.concurrency = Math.max(1, props.concurrency ?? 4);
  }

  /** Namespace used for namespaced refs that name none. */
  public get namespace(): string {
    return this.client.namespace;
  }

  /**
   * Lists every object of the given types: one LIST per distinct (apiVersion, kind, namespace).
   * Refs without a namespace use the client's namespace for namespaced kinds and list cluster-scoped
   * kinds cluster-wide; `ALL_NAMESPACES` lists a namespaced kind in every namespace.
   * @returns the objects, grouped by ref in the order given, each group in server order
   * @throws LiveReadError for the first type that cannot be listed
   */
  public async listObjects(refs: readonly ObjectTypeRef[], options: ListObjectsOptions = {}): Promise<KubeObject[]> {
    const outcomes = await this.listEach(refs, options);
    const objects: KubeObject[] = [];
    for (const outcome of outcomes) {
      if (!outcome.ok) throw outcome.error;
      objects.push(...outcome.items);
    }
    return objects;
  }

  /**
   * Like `listObjects`, but reports per type, so a missing CRD or a forbidden kind does not hide the
   * others. Connection-level failures (unauthorized, timeout, connection refused) still throw.
   */
  public async listEach(refs: readonly ObjectTypeRef[], options: ListObjectsOptions = {}): Promise<ListOutcome[]> {
    // 1. Resolve every type (one discovery request per group/version, shared through the cache).
    const planned = await Promise.all(refs.map((ref) => this.plan(ref)));
    // 2. One LIST per distinct (apiVersion, kind, namespace) actually used.
    const unique = new Map<string, PlannedList | ListOutcome>();
    for (const p of planned) {
      const key = `${p.ref.apiVersion}|${p.ref.kind}|${p.ref.namespace ?? ''}`;
      if (!unique.has(key)) unique.set(key, p);
    }
    const pending = [...unique.values()];
    const results = new Array<ListOutcome>(pending.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < pending.length) {
        const index = next++;
        const p = pending[index];
        results[index] = 'planned' in p ? await this.listOne(p, options) : p;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, pending.length) }, worker));
    return results;
  }

  /**
   * Server-side apply with `dryRun=All`: returns the object the API server would store, or why it
   * refuses. Server-set metadata (resourceVersion, uid, managedFields, ...) is stripped from `obj`
   * before sending; a namespaced object without a namespace gets the client's namespace.
   * @param fieldManager the field manager the real applier uses (e.g. `argocd-controller`)
   * @throws LiveReadError for connection-level failures (unauthorized, timeout, connection refused, network)
   */
  public async dryRunApply(obj: KubeObject, fieldManager: string, options: DryRunApplyOptions = {}): Promise<DryRunApplyResult> {
    const baseOp: KubeOperation = {
      verb: 'apply',
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: obj.metadata.name,
      namespace: obj.metadata.namespace ?? this.namespace,
    };
    if (!/^[\x21-\x7e][\x20-\x7e]{0,127}$/.test(fieldManager)) {
      throw new LiveReadError({
        kind: 'bad-request',
        object: fieldManager,
        message: 'the field manager name must be 1 to 128 printable ASCII characters',
      });
    }
    let resource: ApiResource;
    try {
      resource = await this.discovery.resolve(obj.apiVersion, obj.kind, baseOp);
    } catch (err) {
      return this.refusal(err);
    }
    const namespace = resource.namespaced ? (obj.metadata.namespace ?? this.namespace) : undefined;
    const op: KubeOperation = { ...baseOp, resource: resource.plural, namespace };
    const body = stripServerFields(obj, namespace);
    const res = await this.client.send({
      method: 'PATCH',
      path: `${collectionPath(resource, namespace)}/${encodeURIComponent(obj.metadata.name)}`,
      query: { dryRun: 'All', fieldManager, force: options.force === false ? undefined : 'true' },
      body: JSON.stringify(body),
      contentType: 'application/apply-patch+yaml',
      operation: op,
    });
    if (res.status === 200 || res.status === 201) {
      const parsed = parseJson(res.body);
      if (!isPlainObject(parsed) || !isPlainObject(parsed.metadata)) return this.refusal(badResponseError(op, res.status, 'non-object content'));
      const object = withTypeMeta(parsed, resource);
      rememberSecretsOf([object]);
      return { ok: true, object, created: res.status === 201 };
    }
    return this.refusal(errorFromStatus(op, res.status, res.body));
  }

  private refusal(err: unknown): DryRunApplyResult {
    if (LiveReadError.isLiveReadError(err) && !CLUSTER_LEVEL_ERROR_KINDS.has(err.kind)) return { ok: false, error: err };
    throw err;
  }

  private async plan(ref: ObjectTypeRef): Promise<PlannedList | ListOutcome> {
    const op: KubeOperation = { verb: 'list', apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace ?? this.namespace };
    let resource: ApiResource;
    try {
      resource = await this.discovery.resolve(ref.apiVersion, ref.kind, op);
    } catch (err) {
      return this.listFailure(ref, err);
    }
    let namespace: string | undefined;
    if (resource.namespaced) namespace = ref.namespace === ALL_NAMESPACES ? undefined : (ref.namespace ?? this.namespace);
    return {
      planned: true,
      ref: { apiVersion: ref.apiVersion, kind: ref.kind, namespace: namespace ?? (resource.namespaced ? ALL_NAMESPACES : undefined) },
      resource,
      namespace,
    };
  }

  private async listOne(planned: PlannedList, options: ListObjectsOptions): Promise<ListOutcome> {
    const { ref, resource, namespace } = planned;
    const op: KubeOperation = { verb: 'list', apiVersion: ref.apiVersion, kind: ref.kind, resource: resource.plural, namespace };
    const items: KubeObject[] = [];
    let resourceVersion: string | undefined;
    let continueToken: string | undefined;
    const tokens = new Set<string>();
    do {
      if (tokens.size >= MAX_PAGES) return this.listFailure(ref, pagingError(op, `the list has more than ${MAX_PAGES} pages of ${this.pageSize} objects, the limit of one list`));
      const res = await this.client.send({
        method: 'GET',
        path: collectionPath(resource, namespace),
        query: {
          labelSelector: options.labelSelector || undefined,
          fieldSelector: options.fieldSelector || undefined,
          limit: String(this.pageSize),
          continue: continueToken,
        },
        operation: op,
      });
      if (res.status !== 200) return this.listFailure(ref, errorFromStatus(op, res.status, res.body));
      const list = parseJson(res.body);
      if (!isPlainObject(list) || !Array.isArray(list.items)) return this.listFailure(ref, badResponseError(op, res.status, 'a document without items'));
      for (const item of list.items) {
        if (isPlainObject(item) && isPlainObject(item.metadata)) items.push(withTypeMeta(item, resource));
      }
      const meta = isPlainObject(list.metadata) ? list.metadata : {};
      resourceVersion = typeof meta.resourceVersion === 'string' ? meta.resourceVersion : undefined;
      continueToken = typeof meta.continue === 'string' && meta.continue !== '' ? meta.continue : undefined;
      if (continueToken !== undefined && tokens.has(continueToken)) return this.listFailure(ref, pagingError(op, 'the server repeated a continue token it had given before, so the list would never end'));
      if (continueToken !== undefined) tokens.add(continueToken);
    } while (continueToken);
    // Every Secret read is masked by value in whatever the command prints (src/redact/).
    rememberSecretsOf(items);
    return { ok: true, ref, resource, items, resourceVersion };
  }

  private listFailure(ref: ObjectTypeRef, err: unknown): ListOutcome {
    if (LiveReadError.isLiveReadError(err) && !CLUSTER_LEVEL_ERROR_KINDS.has(err.kind)) return { ok: false, ref, error: err };
    throw err;
  }
}

/** `/api/v1/namespaces/<ns>/<plural>`, `/apis/<g>/<v>/<plural>` (cluster-wide), ... */
export function collectionPath(resource: ApiResource, namespace: string | undefined): string {
  const prefix = apiPrefix(resource.apiVersion);
  return namespace ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}` : `${prefix}/${resource.plural}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withTypeMeta(item: Record<string, unknown>, resource: ApiResource): KubeObject {
  const { apiVersion, kind, ...rest } = item;
  return {
    apiVersion: typeof apiVersion === 'string' && apiVersion !== '' ? apiVersion : resource.apiVersion,
    kind: typeof kind === 'string' && kind !== '' ? kind : resource.kind,
    ...rest,
  } as KubeObject;
}

function stripServerFields(obj: KubeObject, namespace: string | undefined): Record<string, unknown> {
  const { status: _status, ...rest } = obj;
  const metadata: Record<string, unknown> = { ...obj.metadata };
  for (const key of SERVER_SET_METADATA) delete metadata[key];
  if (namespace !== undefined) metadata.namespace = namespace;
  else delete metadata.namespace;
  return { ...rest, metadata };
}
