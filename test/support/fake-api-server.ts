/**
 * A loopback Kubernetes API server for tests, built on node:http. It answers the real REST paths
 * (discovery, LIST/GET/POST/PUT/PATCH/DELETE, status and scale subresources) from an in-memory
 * store (see fake-api-store.ts), records every request, and injects faults by rule: an HTTP status
 * with a real `Status` body, a delay, a dropped connection or a request that never gets an answer.
 *
 * kubectl works against it too: the OpenAPI v3 documents (`/openapi/v3`, see fake-api-openapi.ts) tell it
 * that the server validates fields itself (`fieldValidation`), and the protobuf bodies of its generator
 * commands (`kubectl create configmap|secret`) are decoded (fake-api-protobuf.ts). Discovery is the legacy
 * one (an aggregated-discovery Accept header gets plain JSON, which kubectl falls back to); there is no
 * `/openapi/v2` and no `/version`. kubectl sends bearer tokens only over TLS, so start the server with
 * `token: null` for it (see fake-api-kubectl.ts).
 *
 * Container logs (`pods/{name}/log`, text/plain, see fake-api-logs.ts) come from `setPodLog`; Events are
 * ordinary core/v1 objects of the store.
 *
 * Use:
 *   const api = await startFakeApiServer({ objects });
 *   const reader = LiveReader.fromKubeconfig({ kubeconfig: api.kubeconfigPath('3scale') });
 *   ...
 *   api.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/deployments')).length
 *   await api.close();
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { FIELD_VALIDATION_VALUES, openApiV3Document, openApiV3Index } from './fake-api-openapi.js';
import type { JsonObject } from './fake-api-fields.js';
import { FakePodLogs } from './fake-api-logs.js';
import type { FakeLogAnswer, FakeLogLine, FakeLogOptions } from './fake-api-logs.js';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE, ProtobufDecodeError } from './fake-api-protobuf.js';
import { FakeResourceRegistry, qualifiedResource } from './fake-api-resources.js';
import type { FakeApiSelection, FakeResourceType } from './fake-api-resources.js';
import { FakeStore, statusFailure } from './fake-api-store.js';
import type { FakeResult, FakeWriteOptions } from './fake-api-store.js';

/** A fault to inject into matching requests. */
export interface FaultRule {
  /**
   * HTTP method to match (case-insensitive).
   * @default any method
   */
  readonly method?: string;
  /**
   * Request path to match (no query string): a RegExp, or a string that must equal the path.
   * @default any path
   */
  readonly path?: RegExp | string;
  /**
   * Query parameters that must be present with these values, e.g. `{ dryRun: 'All' }`.
   * @default no condition
   */
  readonly query?: Readonly<Record<string, string>>;
  /**
   * Answer with this HTTP status and a `Status` body (401, 403, 404, 409, 422, 429, 500, 503, 504, ...).
   * @default answer normally (after `delayMs`)
   */
  readonly status?: number;
  /**
   * `Status.reason`.
   * @default derived from `status` (Unauthorized, Forbidden, NotFound, Conflict, Invalid, InternalError, ...)
   */
  readonly reason?: string;
  /**
   * `Status.message`.
   * @default what a real API server says for that status and request (403 names user, verb and resource;
   * 422 is a Job-style "field is immutable")
   */
  readonly message?: string;
  /**
   * `Status.details.causes`.
   * @default derived for 409 and 422
   */
  readonly causes?: ReadonlyArray<{ readonly reason?: string; readonly field?: string; readonly message?: string }>;
  /**
   * Wait this long before answering (with `status`, or normally).
   * @default 0
   */
  readonly delayMs?: number;
  /**
   * `close`: drop the connection without any answer; `hang`: never answer (the client must time out).
   * @default undefined (answer)
   */
  readonly action?: 'close' | 'hang';
  /**
   * Only the first N matching requests are affected.
   * @default every matching request
   */
  readonly times?: number;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  /** HTTP method. */
  readonly method: string;
  /** Path without query. */
  readonly path: string;
  /** Query parameters. */
  readonly query: Readonly<Record<string, string>>;
  /** Content-Type header, when any. */
  readonly contentType: string | undefined;
  /** Raw body. */
  readonly body: string;
  /** True when the request carried an Authorization header (its value is not recorded). */
  readonly authenticated: boolean;
  /** True when a fault rule handled it. */
  readonly faulted: boolean;
}

/** Options of `startFakeApiServer`. */
export interface FakeApiServerOptions {
  /**
   * Objects the cluster starts with (kept as given, including resourceVersion and uid).
   * @default none
   */
  readonly objects?: readonly KubeObject[];
  /**
   * Fault rules, checked in order; the first matching one applies.
   * @default none
   */
  readonly faults?: readonly FaultRule[];
  /**
   * Delay added to every answer, in milliseconds.
   * @default 0
   */
  readonly latencyMs?: number;
  /**
   * Optional APIs to serve or omit (DeploymentConfigs; missing CRDs).
   * @default everything except apps.openshift.io and image.openshift.io
   */
  readonly apis?: FakeApiSelection;
  /**
   * Bearer token every request must carry; `null` turns authentication off (needed for kubectl, which
   * never sends a token to an http:// server).
   * @default 'fake-token'
   */
  readonly token?: string | null;
  /**
   * Time source for server-set timestamps.
   * @default the system clock
   */
  readonly clock?: () => Date;
}

/** Options of a kubeconfig written for the fake server. */
export interface FakeKubeconfigOptions {
  /**
   * Namespace of the default context `fake`.
   * @default none (kubectl then uses `default`)
   */
  readonly namespace?: string;
  /**
   * Token of the user.
   * @default the server's token
   */
  readonly token?: string;
  /**
   * Server URL (e.g. a closed port, to test connection refused).
   * @default the fake server's URL
   */
  readonly server?: string;
}

/** A running fake API server. */
export interface FakeApiServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** Every request received so far, in order. */
  readonly requests: RecordedRequest[];
  /** The objects of the fake cluster. */
  readonly store: FakeStore;
  /** The served resource types. */
  readonly registry: FakeResourceRegistry;
  /**
   * Writes a kubeconfig for this server and returns its path. Contexts: `fake` (current; with the
   * namespace if given) and `fake-no-namespace`. The cluster has `insecure-skip-tls-verify: true`,
   * which @kubernetes/client-node requires for http:// servers.
   */
  kubeconfigPath(options?: string | FakeKubeconfigOptions): string;
  /** Adds a fault rule (checked before the initial ones); returns a function removing it. */
  setFault(rule: FaultRule): () => void;
  /** Removes every fault rule. */
  clearFaults(): void;
  /** Forgets the recorded requests. */
  clearRequests(): void;
  /** Number of recorded requests matching a method and path (exact string or RegExp). */
  count(filter: { readonly method?: string; readonly path?: string | RegExp }): number;
  /**
   * Sets the log of one container of a stored pod (text split on newlines, or lines with their times), as
   * `GET .../pods/{pod}/log?container=...` will serve it; `previous: true` sets the log of the last
   * terminated instance.
   */
  setPodLog(namespace: string, pod: string, container: string, log: string | readonly (string | FakeLogLine)[], options?: FakeLogOptions): void;
  /** Stops the server, drops open connections and deletes written kubeconfigs. */
  close(): Promise<void>;
}

/** Writes a kubeconfig for a (fake) server. */
export function writeKubeconfig(path: string, options: { readonly server: string; readonly token: string; readonly namespace?: string }): string {
  const context: Record<string, string> = { cluster: 'fake', user: 'tester' };
  if (options.namespace) context.namespace = options.namespace;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake', cluster: { server: options.server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'tester', user: { token: options.token } }],
    contexts: [
      { name: 'fake', context },
      { name: 'fake-no-namespace', context: { cluster: 'fake', user: 'tester' } },
    ],
    'current-context': 'fake',
    preferences: {},
  };
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}

interface Route {
  readonly kind: 'discovery' | 'collection' | 'object' | 'subresource' | 'unknown';
  readonly rt?: FakeResourceType;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: 'status' | 'scale' | 'log';
  /** For discovery: the document, or undefined for 404. */
  readonly document?: unknown;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** Starts a fake API server on 127.0.0.1 and an ephemeral port. */
export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const registry = new FakeResourceRegistry(options.apis);
  const store = new FakeStore(registry, options.objects ?? [], { clock: options.clock });
  const logs = new FakePodLogs(options.clock ?? (() => new Date()));
  const token = options.token === undefined ? 'fake-token' : options.token;
  const requests: RecordedRequest[] = [];
  let faults: { rule: FaultRule; used: number }[] = (options.faults ?? []).map((rule) => ({ rule, used: 0 }));
  const dir = mkdtempSync(join(tmpdir(), 'fake-kube-api-'));
  let kubeconfigs = 0;
  let serverAddress = '127.0.0.1:0';

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks)).catch((err: unknown) => {
        if (!res.headersSent) send(res, statusFailure(500, 'InternalError', `fake API server bug: ${err instanceof Error ? err.message : String(err)}`));
      });
    });
  });

  function route(path: string): Route {
    const segs = path.split('/').filter((s) => s !== '');
    if (segs.length === 0) return { kind: 'unknown' };
    if (segs[0] === 'openapi') {
      // OpenAPI v3 only (kubectl reads it to learn that the server validates fields itself); no v2.
      if (segs[1] !== 'v3') return { kind: 'unknown' };
      return { kind: 'discovery', document: segs.length === 2 ? openApiV3Index(registry) : openApiV3Document(registry, segs.slice(2).join('/')) };
    }
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api') {
      if (segs.length === 1) return { kind: 'discovery', document: registry.apiVersions(serverAddress) };
      if (segs[1] !== 'v1') return { kind: 'discovery', document: undefined };
      group = '';
      version = 'v1';
      rest = segs.slice(2);
    } else if (segs[0] === 'apis') {
      if (segs.length === 1) return { kind: 'discovery', document: registry.apiGroupList() };
      if (segs.length === 2) return { kind: 'discovery', document: registry.apiGroup(segs[1]) };
      group = segs[1];
      version = segs[2];
      rest = segs.slice(3);
    } else {
      return { kind: 'unknown' };
    }
    if (rest.length === 0) return { kind: 'discovery', document: registry.apiResourceList(group, version) };
    if (!registry.servesGroupVersion(group, version)) return { kind: 'unknown' };
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const rt = registry.byPlural(group, version, rest[0]);
    if (!rt || (namespace !== undefined && !rt.namespaced)) return { kind: 'unknown' };
    if (rest.length === 1) return { kind: 'collection', rt, namespace };
    if (rest.length === 2) return { kind: 'object', rt, namespace, name: rest[1] };
    if (rest.length === 3 && (rest[2] === 'status' || rest[2] === 'scale') && rt.subresources.includes(rest[2])) {
      return { kind: 'subresource', rt, namespace, name: rest[1], subresource: rest[2] };
    }
    if (rest.length === 3 && rest[2] === 'log' && rt.group === '' && rt.kind === 'Pod') return { kind: 'subresource', rt, namespace, name: rest[1], subresource: 'log' };
    return { kind: 'unknown' };
  }

  function verbOf(method: string, r: Route): string {
    switch (method) {
      case 'GET':
        return r.kind === 'collection' ? 'list' : 'get';
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return 'delete';
      default:
        return method.toLowerCase();
    }
  }

  function faultResult(rule: FaultRule, method: string, r: Route): FakeResult {
    const code = rule.status ?? 500;
    const reason = rule.reason ?? REASONS[code] ?? 'Unknown';
    const rt = r.rt;
    const name = r.name ?? '';
    let message = rule.message;
    let details: Record<string, unknown> | undefined;
    if (message === undefined) {
      switch (code) {
        case 401:
          message = 'Unauthorized';
          break;
        case 403: {
          const verb = verbOf(method, r);
          const resource = rt ? qualifiedResource(rt) : 'the requested resource';
          // RBAC names subresources as `pods/log`, `deployments/scale`.
          const plural = `${rt?.plural ?? ''}${r.subresource ? `/${r.subresource}` : ''}`;
          const scope = r.namespace ? ` in the namespace "${r.namespace}"` : rt && !rt.namespaced ? ' at the cluster scope' : '';
          const named = r.name ? ` "${r.name}"` : '';
          message = `${resource}${named} is forbidden: User "system:serviceaccount:test:reader" cannot ${verb} resource "${plural}" in API group "${rt?.group ?? ''}"${scope}`;
          details = { name: r.name, group: rt?.group, kind: rt?.plural };
          break;
        }
        case 404:
          message = rt && r.name ? `${qualifiedResource(rt)} "${name}" not found` : 'the server could not find the requested resource';
          details = rt && r.name ? { name, group: rt.group, kind: rt.plural } : {};
          break;
        case 409:
          message = rt
            ? `Operation cannot be fulfilled on ${qualifiedResource(rt)} "${name}": the object has been modified; please apply your changes to the latest version and try again`
            : 'conflict';
          details = { name, group: rt?.group, kind: rt?.plural };
          break;
        case 422: {
          const qualifiedKind = rt ? (rt.group ? `${rt.kind}.${rt.group}` : rt.kind) : 'Job.batch';
          message = `${qualifiedKind} "${name}" is invalid: spec.template: Invalid value: core.PodTemplateSpec{ObjectMeta:v1.ObjectMeta{...}}: field is immutable`;
          details = {
            name,
            group: rt?.group ?? 'batch',
            kind: rt?.kind ?? 'Job',
            causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: core.PodTemplateSpec{...}: field is immutable', field: 'spec.template' }],
          };
          break;
        }
        case 429:
          message = 'the server has received too many requests and has asked us to try again later';
          break;
        case 500:
          message = 'Internal error occurred: injected fault';
          break;
        case 503:
          message = 'the server is currently unable to handle the request';
          break;
        case 504:
          message = 'the server was unable to return a response in the time allotted, but may still be processing the request';
          break;
        default:
          message = `injected fault ${code}`;
      }
    }
    if (rule.causes) details = { ...(details ?? {}), causes: rule.causes };
    return statusFailure(code, reason, message, details as never);
  }

  function matches(rule: FaultRule, method: string, path: string, query: URLSearchParams): boolean {
    if (rule.method && rule.method.toUpperCase() !== method) return false;
    if (rule.path !== undefined) {
      if (typeof rule.path === 'string' ? rule.path !== path : !rule.path.test(path)) return false;
    }
    for (const [k, v] of Object.entries(rule.query ?? {})) if (query.get(k) !== v) return false;
    return true;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): Promise<void> {
    const body = raw.toString('utf8');
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const query = url.searchParams;
    const contentType = req.headers['content-type'];
    const authorization = req.headers.authorization;
    const fault = faults.find((f) => (f.rule.times === undefined || f.used < f.rule.times) && matches(f.rule, method, path, query));
    requests.push({
      method,
      path,
      query: Object.fromEntries(query.entries()),
      contentType,
      body,
      authenticated: authorization !== undefined,
      faulted: fault !== undefined,
    });
    const r = route(path);
    if (fault) {
      fault.used++;
      if (fault.rule.delayMs) await sleep(fault.rule.delayMs);
      if (fault.rule.action === 'close') {
        req.socket.destroy();
        return;
      }
      if (fault.rule.action === 'hang') return;
      if (fault.rule.status !== undefined) {
        await sleep(options.latencyMs ?? 0);
        send(res, faultResult(fault.rule, method, r));
        return;
      }
    }
    await sleep(options.latencyMs ?? 0);
    if (token !== null && authorization !== `Bearer ${token}`) {
      send(res, statusFailure(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    send(res, dispatch(method, r, query, contentType ?? '', raw, req.headers['user-agent']));
  }

  function dispatch(method: string, r: Route, query: URLSearchParams, contentType: string, raw: Buffer, userAgent: string | undefined): FakeResult | FakeLogAnswer {
    const body = raw.toString('utf8');
    if (path404(r)) return statusFailure(404, 'NotFound', 'the server could not find the requested resource', {});
    if (r.kind === 'discovery') return method === 'GET' ? { status: 200, body: r.document } : methodNotAllowed(method);
    // Read-only APIs (the OLM package server) refuse writes the way their aggregated servers do.
    if (r.rt && !r.rt.verbs.includes(verbOf(method, r))) return methodNotAllowed(method);
    const dryRun = query.get('dryRun');
    if (dryRun !== null && dryRun !== 'All') return statusFailure(400, 'BadRequest', `dryRun: Unsupported value: "${dryRun}": supported values: "All"`);
    if (query.get('watch') === 'true' || query.get('watch') === '1') return statusFailure(400, 'BadRequest', 'watch is not supported by the fake API server');
    const fieldValidation = query.get('fieldValidation');
    if (fieldValidation !== null && fieldValidation !== '' && !(FIELD_VALIDATION_VALUES as readonly string[]).includes(fieldValidation)) {
      return statusFailure(400, 'BadRequest', `fieldValidation: Unsupported value: "${fieldValidation}": supported values: "Ignore", "Strict", "Warn"`);
    }
    const write: FakeWriteOptions = {
      dryRun: dryRun === 'All',
      fieldManager: query.get('fieldManager') ?? undefined,
      force: query.get('force') === 'true',
      userAgent,
    };
    const rt = r.rt!;
    if (rt.namespaced && r.kind !== 'collection' && r.namespace === undefined) return statusFailure(404, 'NotFound', 'the server could not find the requested resource', {});
    switch (r.kind) {
      case 'collection':
        if (method === 'GET') return store.restList(rt, rt.namespaced ? r.namespace : undefined, query);
        if (method === 'POST') {
          if (rt.namespaced && r.namespace === undefined) return statusFailure(404, 'NotFound', 'the server could not find the requested resource', {});
          const parsed = parseBody(raw, contentType);
          return parsed.ok ? store.restCreate(rt, r.namespace, parsed.value, write) : parsed.error;
        }
        return methodNotAllowed(method);
      case 'object':
        switch (method) {
          case 'GET':
            return store.restGet(rt, r.namespace, r.name!);
          case 'PUT': {
            const parsed = parseBody(raw, contentType);
            return parsed.ok ? store.restReplace(rt, r.namespace, r.name!, parsed.value, write) : parsed.error;
          }
          case 'PATCH':
            return store.restPatch(rt, r.namespace, r.name!, contentType, body, write);
          case 'DELETE':
            return store.restDelete(rt, r.namespace, r.name!, write);
          default:
            return methodNotAllowed(method);
        }
      case 'subresource':
        if (r.subresource === 'log') {
          if (method !== 'GET') return methodNotAllowed(method);
          return logs.answer(r.name!, store.get('v1', 'Pod', r.namespace, r.name!) as unknown as JsonObject | undefined, query);
        }
        if (method === 'GET') return store.restGetSubresource(rt, r.namespace, r.name!, r.subresource as 'status' | 'scale');
        if (method === 'PUT' || method === 'PATCH') return store.restWriteSubresource(rt, r.namespace, r.name!, r.subresource as 'status' | 'scale', method, contentType, body, write);
        return methodNotAllowed(method);
      default:
        return statusFailure(404, 'NotFound', 'the server could not find the requested resource', {});
    }
  }

  function path404(r: Route): boolean {
    return r.kind === 'unknown' || (r.kind === 'discovery' && r.document === undefined);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  serverAddress = `127.0.0.1:${port}`;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    requests,
    store,
    registry,
    kubeconfigPath(opts?: string | FakeKubeconfigOptions): string {
      const o: FakeKubeconfigOptions = typeof opts === 'string' ? { namespace: opts } : (opts ?? {});
      kubeconfigs += 1;
      return writeKubeconfig(join(dir, `kubeconfig-${kubeconfigs}.yaml`), {
        server: o.server ?? url,
        token: o.token ?? token ?? 'fake-token',
        namespace: o.namespace,
      });
    },
    setFault(rule: FaultRule): () => void {
      const entry = { rule, used: 0 };
      faults = [entry, ...faults];
      return () => {
        faults = faults.filter((f) => f !== entry);
      };
    },
    clearFaults(): void {
      faults = [];
    },
    clearRequests(): void {
      requests.length = 0;
    },
    setPodLog(namespace, pod, container, log, opts): void {
      const stored = store.get('v1', 'Pod', namespace, pod);
      if (!stored) throw new Error(`fake API server: setPodLog needs pod ${namespace}/${pod} stored first`);
      logs.set(String(stored.metadata.uid), container, log, opts);
    },
    count(filter): number {
      return requests.filter((r) => {
        if (filter.method && r.method !== filter.method.toUpperCase()) return false;
        if (filter.path === undefined) return true;
        return typeof filter.path === 'string' ? r.path === filter.path : filter.path.test(r.path);
      }).length;
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function methodNotAllowed(method: string): FakeResult {
  return statusFailure(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);
}

function parseBody(raw: Buffer, contentType: string): { ok: true; value: unknown } | { ok: false; error: FakeResult } {
  if (contentType.split(';')[0].trim().toLowerCase() === PROTOBUF_CONTENT_TYPE) {
    try {
      return { ok: true, value: decodeProtobufObject(raw) };
    } catch (err) {
      if (err instanceof ProtobufDecodeError && err.unsupportedKind) return { ok: false, error: statusFailure(415, 'UnsupportedMediaType', err.message) };
      return { ok: false, error: statusFailure(400, 'BadRequest', `the body of the request could not be decoded: ${err instanceof Error ? err.message : String(err)}`) };
    }
  }
  try {
    const body = raw.toString('utf8');
    const value = /yaml/.test(contentType) ? parseYaml(body) : JSON.parse(body);
    return { ok: true, value };
  } catch {
    return { ok: false, error: statusFailure(400, 'BadRequest', 'the body of the request could not be decoded') };
  }
}

function send(res: http.ServerResponse, result: FakeResult | FakeLogAnswer): void {
  if (res.destroyed) return;
  // Logs are the one plain-text answer of the API; everything else is JSON.
  const plainText = 'text' in result;
  const text = plainText ? result.text : JSON.stringify(result.body);
  res.writeHead(result.status, { 'Content-Type': plainText ? 'text/plain' : 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
