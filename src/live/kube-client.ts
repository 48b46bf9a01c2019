/**
 * A minimal Kubernetes API client: kubeconfig resolution as kubectl does it, plus raw JSON requests.
 *
 * Why not the typed APIs of @kubernetes/client-node? Its ObjectSerializer drops fields it has no
 * model for and turns timestamps into `Date` objects for built-in kinds (Deployment, Service, ...),
 * which would make a live object differ from an exported one and hide fields from the diff. So the
 * client-node `KubeConfig` is used for what it does well — parsing kubeconfig files, exec/OIDC/token
 * authentication, client certificates, CA bundles, proxies — via `applyToHTTPSOptions()`, and the
 * request itself goes through `node:http`/`node:https` with the agent that call builds. The body
 * comes back as the exact JSON the API server sent. (`applyToFetchOptions()` returns the same agent
 * for node-fetch; node's global fetch ignores `agent`, so it would lose the TLS settings, and
 * node-fetch is not a direct dependency of this project.)
 */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { FileShapeError, readBoundedFile } from '../util/read-bounded-file.js';
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster, Context, User } from '@kubernetes/client-node';
import { rememberSecretValues } from '../redact/session.js';
import { keepAliveAgent } from './keep-alive-agent.js';
import { describeTarget, errorFromTransport, lead, LiveReadError, RequestTimeoutError } from './kube-errors.js';
import type { KubeOperation } from './kube-errors.js';

/** Default request timeout, like `kubectl --request-timeout` but finite. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Largest answer accepted from the API server: a LIST page bigger than this is refused, not buffered. */
export const DEFAULT_MAX_ANSWER_BYTES = 128 * 1024 * 1024;

/** Largest total of the answers of one command (one client). */
export const DEFAULT_MAX_COMMAND_BYTES = 1024 * 1024 * 1024;

/** Longest time one command (one client) may spend talking to the API server. */
export const DEFAULT_COMMAND_DEADLINE_MS = 10 * 60 * 1000;

/** Where a pod finds its service-account credentials. */
export const IN_CLUSTER_SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** How to find and use a cluster; mirrors kubectl's flags. */
export interface KubeClientOptions {
  /**
   * Path of a kubeconfig file (`--kubeconfig`). When set, `$KUBECONFIG` and `~/.kube/config` are ignored.
   * @default resolve like kubectl: $KUBECONFIG, then ~/.kube/config, then in-cluster
   */
  readonly kubeconfig?: string;
  /**
   * Context to use (`--context`).
   * @default the kubeconfig's current-context
   */
  readonly context?: string;
  /**
   * Namespace (`--namespace`).
   * @default the context's namespace, else `default` (in a pod: the pod's namespace)
   */
  readonly namespace?: string;
  /**
   * Deadline for one HTTP request, in milliseconds (connect + answer + body).
   * @default 30000
   */
  readonly timeoutMs?: number;
  /**
   * Largest answer accepted, in bytes (see {@link DEFAULT_MAX_ANSWER_BYTES}).
   * @default 128 MiB
   */
  readonly maxAnswerBytes?: number;
  /**
   * Largest total of all answers, in bytes.
   * @default 1 GiB
   */
  readonly maxCommandBytes?: number;
  /**
   * Time from the client's creation after which no request is sent or awaited any more, in milliseconds.
   * @default 10 minutes
   */
  readonly commandDeadlineMs?: number;
  /**
   * Environment to read `KUBECONFIG`, `HOME` and `KUBERNETES_SERVICE_HOST/PORT` from.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Folder holding the in-cluster `token`, `ca.crt` and `namespace` files.
   * @default /var/run/secrets/kubernetes.io/serviceaccount
   */
  readonly serviceAccountDir?: string;
  /**
   * Sent as User-Agent.
   * @default threescale-migrate
   */
  readonly userAgent?: string;
}

/** Where the configuration came from. */
export type KubeconfigSource = 'flag' | 'env' | 'home' | 'in-cluster';

/** Where the namespace came from. */
export type NamespaceSource = 'flag' | 'context' | 'in-cluster' | 'default';

/** A resolved kubeconfig: one context, its cluster and user, and the namespace to use. */
export interface ResolvedKubeConfig {
  /** The client-node configuration with `currentContext` set to the chosen context. */
  readonly kubeConfig: KubeConfig;
  /** How it was found. */
  readonly source: KubeconfigSource;
  /** Files that were loaded (empty for in-cluster). */
  readonly files: readonly string[];
  /** Name of the chosen context. */
  readonly context: string;
  /** API server URL of the context's cluster. */
  readonly server: string;
  /** Namespace to use for namespaced objects without one. */
  readonly namespace: string;
  /** Where `namespace` came from. */
  readonly namespaceSource: NamespaceSource;
}

function kubeconfigError(message: string, object: string): LiveReadError {
  return new LiveReadError({ kind: 'kubeconfig', object, message });
}

/** Largest kubeconfig file read (kubeconfigs with embedded certificates are a few KiB to a few hundred). */
const MAX_KUBECONFIG_BYTES = 16 * 1024 * 1024;

/** Loads one file; errors name the file and at most a line number, never the content. */
function loadFile(path: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    // What loadFromFile does, with a read bounded in size and refusing devices and FIFOs.
    kc.loadFromString(readBoundedFile(path, MAX_KUBECONFIG_BYTES).toString('utf8'));
    kc.makePathsAbsolute(dirname(path));
  } catch (err) {
    if (err instanceof FileShapeError) throw kubeconfigError(`cannot read kubeconfig ${path}: it ${err.message}`, path);
    const e = err as { code?: unknown; mark?: { line?: number }; message?: unknown };
    if (e.code === 'ENOENT') throw kubeconfigError(`cannot read kubeconfig ${path}: the file does not exist`, path);
    if (e.code === 'EACCES' || e.code === 'EISDIR') throw kubeconfigError(`cannot read kubeconfig ${path}: ${e.code}`, path);
    if (e.mark && typeof e.mark.line === 'number') throw kubeconfigError(`kubeconfig ${path} is not valid YAML (line ${e.mark.line + 1})`, path);
    const safe = typeof e.message === 'string' && /^[\w[\].]+ is missing$/.test(e.message) ? `: ${e.message}` : '';
    throw kubeconfigError(`kubeconfig ${path} is not a valid kubeconfig${safe}`, path);
  }
  return kc;
}

/** Merges kubeconfig files like kubectl: the first file that defines a name wins, and the first current-context wins. */
function mergeFiles(files: readonly string[]): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const file of files) {
    const kc = loadFile(file);
    for (const c of kc.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, c);
    if (!currentContext && kc.getCurrentContext()) currentContext = kc.getCurrentContext();
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext });
  return merged;
}

function inClusterConfig(env: Readonly<Record<string, string | undefined>>, dir: string): KubeConfig | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port || !existsSync(join(dir, 'token'))) return undefined;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'in-cluster', server: `https://${hostPart}:${port}`, caFile: join(dir, 'ca.crt'), skipTLSVerify: false }],
    // The tokenFile auth provider re-reads the projected token, which the kubelet rotates.
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: join(dir, 'token') } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster' }],
    currentContext: 'in-cluster',
  });
  return kc;
}

/**
 * Resolves configuration as kubectl does: `--kubeconfig`, else the files in `$KUBECONFIG` (merged,
 * missing files skipped), else `~/.kube/config`, else the in-cluster service account; then the
 * context (`--context` or current-context) and the namespace (`--namespace`, else the context's,
 * else `default`).
 * @throws LiveReadError of kind `kubeconfig` with one sentence naming the file or context
 */
export function resolveKubeConfig(options: KubeClientOptions = {}): ResolvedKubeConfig {
  const env = options.env ?? process.env;
  const saDir = options.serviceAccountDir ?? IN_CLUSTER_SERVICE_ACCOUNT_DIR;
  let kc: KubeConfig;
  let source: KubeconfigSource;
  let files: string[] = [];

  if (options.kubeconfig !== undefined) {
    if (options.kubeconfig === '') throw kubeconfigError('the --kubeconfig path is empty', '--kubeconfig');
    files = [options.kubeconfig];
    kc = mergeFiles(files);
    source = 'flag';
  } else if (env.KUBECONFIG) {
    const listed = env.KUBECONFIG.split(delimiter).filter((f) => f !== '');
    files = listed.filter((f) => existsSync(f));
    if (files.length === 0) throw kubeconfigError(`no kubeconfig found: none of the files in $KUBECONFIG exists (${listed.join(delimiter)})`, '$KUBECONFIG');
    kc = mergeFiles(files);
    source = 'env';
  } else {
    const home = env.HOME ?? env.USERPROFILE ?? homedir();
    const homeConfig = join(home, '.kube', 'config');
    const inCluster = existsSync(homeConfig) ? undefined : inClusterConfig(env, saDir);
    if (existsSync(homeConfig)) {
      files = [homeConfig];
      kc = mergeFiles(files);
      source = 'home';
    } else if (inCluster) {
      kc = inCluster;
      source = 'in-cluster';
    } else {
      throw kubeconfigError(
        'no kubeconfig found: pass --kubeconfig, set $KUBECONFIG, create ~/.kube/config (oc login does) or run inside a cluster',
        'kubeconfig',
      );
    }
  }

  const where = files.length > 0 ? files.join(delimiter) : 'the in-cluster configuration';
  const contextName = options.context ?? kc.getCurrentContext();
  if (!contextName) throw kubeconfigError(`kubeconfig ${where} has no current-context; pass --context`, where);
  const context = kc.getContextObject(contextName);
  if (!context) throw kubeconfigError(`context ${contextName} is not defined in kubeconfig ${where}`, contextName);
  kc.setCurrentContext(contextName);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw kubeconfigError(`context ${contextName} refers to cluster ${context.cluster}, which kubeconfig ${where} does not define`, contextName);
  if (context.user && !kc.getCurrentUser()) {
    throw kubeconfigError(`context ${contextName} refers to user ${context.user}, which kubeconfig ${where} does not define`, contextName);
  }
  try {
    new URL(cluster.server);
  } catch {
    throw kubeconfigError(`cluster ${cluster.name} in kubeconfig ${where} has an invalid server URL`, cluster.name);
  }

  let namespace: string;
  let namespaceSource: NamespaceSource;
  if (options.namespace) {
    namespace = options.namespace;
    namespaceSource = 'flag';
  } else if (context.namespace) {
    namespace = context.namespace;
    namespaceSource = 'context';
  } else if (source === 'in-cluster' && existsSync(join(saDir, 'namespace'))) {
    namespace = readFileSync(join(saDir, 'namespace'), 'utf8').trim() || 'default';
    namespaceSource = 'in-cluster';
  } else {
    namespace = 'default';
    namespaceSource = 'default';
  }
  return { kubeConfig: kc, source, files, context: contextName, server: cluster.server, namespace, namespaceSource };
}

/** HTTP methods used against the API server. */
export type KubeMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One raw API request. */
export interface KubeRequest {
  /** HTTP method. */
  readonly method: KubeMethod;
  /** Path below the server URL, starting with `/`, e.g. `/api/v1/namespaces/3scale/secrets`. */
  readonly path: string;
  /**
   * Query parameters; undefined values are left out.
   * @default none
   */
  readonly query?: Readonly<Record<string, string | undefined>>;
  /**
   * Request body.
   * @default none
   */
  readonly body?: string;
  /**
   * Content-Type of the body.
   * @default application/json when there is a body
   */
  readonly contentType?: string;
  /** What the request is for, so transport errors can name it. */
  readonly operation: KubeOperation;
}

/** The raw answer. */
export interface KubeResponse {
  /** HTTP status code. */
  readonly status: number;
  /** Body as text, exactly as sent by the server. */
  readonly body: string;
  /** Content-Type header, lower-cased; empty when absent. */
  readonly contentType: string;
}

/** Sends raw requests to the API server of one resolved context. */
export class KubeClient {
  /**
   * Resolves the kubeconfig (see `resolveKubeConfig`) and returns a client for it.
   * @throws LiveReadError of kind `kubeconfig`
   */
  public static fromOptions(options: KubeClientOptions = {}): KubeClient {
    return new KubeClient(resolveKubeConfig(options), options);
  }

  /** The resolved configuration. */
  public readonly config: ResolvedKubeConfig;
  /** Per-request deadline in milliseconds. */
  public readonly timeoutMs: number;
  private readonly userAgent: string;
  private agent: http.Agent | undefined;
  private readonly maxAnswerBytes: number;
  private readonly maxCommandBytes: number;
  private readonly deadline: number;
  private readonly commandDeadlineMs: number;
  /** Bytes of every answer so far. */
  private receivedBytes = 0;

  public constructor(config: ResolvedKubeConfig, options: Pick<KubeClientOptions, 'timeoutMs' | 'userAgent' | 'maxAnswerBytes' | 'maxCommandBytes' | 'commandDeadlineMs'> = {}) {
    this.config = config;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.userAgent = options.userAgent ?? 'threescale-migrate';
    this.maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    this.maxCommandBytes = options.maxCommandBytes ?? DEFAULT_MAX_COMMAND_BYTES;
    this.commandDeadlineMs = options.commandDeadlineMs ?? DEFAULT_COMMAND_DEADLINE_MS;
    this.deadline = Date.now() + this.commandDeadlineMs;
    if (!(this.timeoutMs > 0)) throw new RangeError('timeoutMs must be a positive number of milliseconds');
  }

  /** API server URL. */
  public get server(): string {
    return this.config.server;
  }

  /** Namespace for namespaced objects that name none. */
  public get namespace(): string {
    return this.config.namespace;
  }

  /**
   * Sends one request and returns the raw answer, whatever its status.
   * @throws LiveReadError (`timeout`, `connection-refused`, `network`, `kubeconfig`) when no answer arrives
   */
  public async send(request: KubeRequest): Promise<KubeResponse> {
    if (Date.now() >= this.deadline) throw this.boundError(request.operation, 'timeout', `the command has talked to ${this.server} for ${seconds(this.commandDeadlineMs)}, its limit`);
    const url = this.url(request);
    const options: https.RequestOptions = {
      method: request.method,
      headers: { Accept: 'application/json', 'User-Agent': this.userAgent },
    };
    if (request.body !== undefined) {
      // eslint-disable-next-line @typescript-eslint/no-misused-spread -- set above as an object, never a raw header list
      options.headers = { ...options.headers, 'Content-Type': request.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(request.body) };
    }
    try {
      await this.config.kubeConfig.applyToHTTPSOptions(options);
    } catch (err) {
      throw this.credentialError(err);
    }
    rememberCredentials(options.headers);
    // One agent per client: keeps connections alive between the requests of one run.
    this.agent ??= options.agent instanceof http.Agent ? keepAliveAgent(options.agent) : (options.agent as http.Agent | undefined);
    if (this.agent) options.agent = this.agent;
    try {
      return await this.exchange(url, options, request.body, request.operation);
    } catch (err) {
      if (LiveReadError.isLiveReadError(err)) throw err;
      throw errorFromTransport(request.operation, err, { server: this.server, timeoutMs: this.timeoutMs });
    }
  }

  /** A refusal of an answer or request beyond one of the command's bounds (exit 2, like any read error). */
  private boundError(op: KubeOperation, kind: 'timeout' | 'bad-response', why: string): LiveReadError {
    const expected = kind === 'timeout' ? 'an API server that answers the whole command in that time' : 'a smaller answer, or a namespace with fewer or smaller objects';
    return new LiveReadError({ kind, object: describeTarget(op), message: `${lead(op)}: ${why}; expected ${expected}` });
  }

  /** Closes idle keep-alive connections. */
  public close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  private url(request: KubeRequest): URL {
    const base = this.server.replace(/\/+$/, '');
    const url = new URL(base + request.path);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    return url;
  }

  private credentialError(err: unknown): LiveReadError {
    const message = err instanceof Error ? err.message : '';
    if (/HTTP protocol is not allowed/.test(message)) {
      return kubeconfigError(
        `cluster of context ${this.config.context} uses plain http:// without insecure-skip-tls-verify: true; refusing to send credentials unencrypted`,
        this.config.context,
      );
    }
    // Exec plugins and auth providers can fail with messages that quote their output; keep only a safe first line.
    const firstLine = message.split('\n')[0].replace(/"(?:[^"\\]|\\.)*"/g, '"…"').slice(0, 120);
    return kubeconfigError(`cannot obtain credentials for context ${this.config.context}${firstLine ? `: ${firstLine}` : ''}`, this.config.context);
  }

  private exchange(url: URL, options: https.RequestOptions, body: string | undefined, op: KubeOperation): Promise<KubeResponse> {
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise<KubeResponse>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const req = transport.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        let answerBytes = 0;
        res.on('data', (chunk: Buffer) => {
          answerBytes += chunk.length;
          this.receivedBytes += chunk.length;
          const over =
            answerBytes > this.maxAnswerBytes
              ? `the answer is larger than ${mebibytes(this.maxAnswerBytes)}, the limit of one answer`
              : this.receivedBytes > this.maxCommandBytes
                ? `the answers of this command add up to more than ${mebibytes(this.maxCommandBytes)}, its limit`
                : undefined;
          if (over === undefined) chunks.push(chunk);
          else {
            finish(() => reject(this.boundError(op, 'bad-response', over)));
            req.destroy();
          }
        });
        res.on('error', (err) => finish(() => reject(err)));
        res.on('aborted', () => finish(() => reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' }))));
        res.on('end', () =>
          finish(() =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              contentType: (res.headers['content-type'] ?? '').toLowerCase(),
            }),
          ),
        );
      });
      const remaining = this.deadline - Date.now();
      const timer = setTimeout(
        () => {
          finish(() => reject(remaining < this.timeoutMs ? this.boundError(op, 'timeout', `the command has talked to ${this.server} for ${seconds(this.commandDeadlineMs)}, its limit`) : new RequestTimeoutError()));
          req.destroy();
        },
        Math.max(1, Math.min(this.timeoutMs, remaining)),
      );
      req.on('error', (err) => finish(() => reject(err)));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}

function mebibytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * The credential the request carries (a bearer token from the kubeconfig, an exec plugin or the service
 * account; a basic user:password) is a secret of this run like a Secret value: masked if anything echoes it.
 */
function rememberCredentials(headers: https.RequestOptions['headers']): void {
  const value = headers && !Array.isArray(headers) ? (headers as Record<string, unknown>)['Authorization'] ?? (headers as Record<string, unknown>)['authorization'] : undefined;
  if (typeof value !== 'string') return;
  const [scheme = '', credential = ''] = value.split(/\s+/, 2);
  const values = [Buffer.from(credential, 'utf8')];
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    values.push(Buffer.from(decoded, 'utf8'), Buffer.from(decoded.slice(decoded.indexOf(':') + 1), 'utf8'));
  }
  rememberSecretValues(values);
}
