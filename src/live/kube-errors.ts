/**
 * Turns failed Kubernetes API calls (and kubeconfig / export-file problems) into one typed error a
 * user can act on: `LiveReadError`, whose message is ONE sentence naming the object and, when there
 * was an HTTP answer, its status, e.g. `cannot list secrets in namespace 3scale: forbidden (HTTP 403)`.
 *
 * Secret safety: server messages can echo request content (an invalid Secret value is quoted back in
 * `Invalid value: "..."`). Messages are therefore built from structured parts only (reason, the field
 * paths in `details.causes`), and any free text taken from the server has every quoted segment
 * replaced by `"…"`. Request bodies, headers and tokens are never put into an error.
 */
import { UserError } from '../errors.js';
import { cutWithoutSplittingSecrets, protectText } from '../redact/session.js';
import { isPlainObject, parseApiVersion } from './object-type.js';

/** What went wrong, in categories a CLI can map to advice. */
export type LiveReadErrorKind =
  /** HTTP 401: the kubeconfig credentials were rejected or have expired. */
  | 'unauthorized'
  /** HTTP 403: RBAC does not allow the verb on the resource. */
  | 'forbidden'
  /** HTTP 404 on a named object. */
  | 'not-found'
  /** The API group/version or the kind is not served (CRD not installed, operator not present). */
  | 'missing-crd'
  /** HTTP 409: field-manager conflict, optimistic-lock conflict or "already exists". */
  | 'conflict'
  /** HTTP 422 with "field is immutable": the object must be re-created to change the field. */
  | 'immutable'
  /** Any other HTTP 422: the server rejected the object as invalid. */
  | 'invalid'
  /** HTTP 400 and other 4xx answers not listed above. */
  | 'bad-request'
  /** HTTP 5xx (except 504). */
  | 'server-error'
  /** No answer within the request timeout, or HTTP 504. */
  | 'timeout'
  /** TCP connection refused (nothing listens at the server address). */
  | 'connection-refused'
  /** Other transport failures: DNS, TLS, connection reset. */
  | 'network'
  /** The server answered with something that is not the expected JSON. */
  | 'bad-response'
  /** No usable kubeconfig, unknown context, credentials that cannot be obtained. */
  | 'kubeconfig'
  /** An exported YAML file or folder that cannot be read as Kubernetes objects. */
  | 'export-file';

/** Kinds that concern the connection or credentials as a whole rather than one object. */
export const CLUSTER_LEVEL_ERROR_KINDS: ReadonlySet<LiveReadErrorKind> = new Set<LiveReadErrorKind>([
  'unauthorized',
  'timeout',
  'connection-refused',
  'network',
  'kubeconfig',
  'bad-response',
]);

/** Construction properties of a `LiveReadError`. */
export interface LiveReadErrorProps {
  /** The category. */
  readonly kind: LiveReadErrorKind;
  /** The full, user-facing sentence. */
  readonly message: string;
  /** What was being read or written, e.g. `secrets in namespace 3scale` or a file path. */
  readonly object: string;
  /**
   * HTTP status of the answer.
   * @default undefined when there was no HTTP answer (timeout, connection refused, file errors)
   */
  readonly status?: number;
  /**
   * The `reason` of the Kubernetes `Status` object (`Forbidden`, `Conflict`, `Invalid`, ...).
   * @default undefined
   */
  readonly reason?: string;
}

/**
 * A failure with one clear sentence as message. It is a `UserError`, so the CLI prints `message`
 * alone and exits with code 2.
 */
export class LiveReadError extends UserError {
  /** True for any LiveReadError, also one created by a duplicated copy of this module. */
  public static isLiveReadError(value: unknown): value is LiveReadError {
    if (value instanceof LiveReadError) return true;
    return UserError.isUserError(value) && value.name === 'LiveReadError' && typeof (value as { kind?: unknown }).kind === 'string';
  }

  /** The category. */
  public readonly kind: LiveReadErrorKind;
  /** HTTP status, when the server answered. */
  public readonly status: number | undefined;
  /** What was being read or written. */
  public readonly object: string;
  /** `reason` of the server's Status object, when there was one. */
  public readonly reason: string | undefined;

  public constructor(props: LiveReadErrorProps) {
    super(props.message);
    this.name = 'LiveReadError';
    this.kind = props.kind;
    this.status = props.status;
    this.object = props.object;
    this.reason = props.reason;
  }
}

/** The verbs this tool uses, as they appear in messages. */
export type KubeVerb = 'list' | 'get' | 'create' | 'apply' | 'patch' | 'update' | 'delete' | 'discover';

/** Describes one API operation so that errors can name its target. */
export interface KubeOperation {
  /** What was attempted. */
  readonly verb: KubeVerb;
  /** `apps/v1`, `apps.3scale.net/v1alpha1`, ... */
  readonly apiVersion?: string;
  /** Kind, e.g. `Deployment`. */
  readonly kind?: string;
  /**
   * Plural resource name from discovery, e.g. `deployments`.
   * @default undefined when discovery has not run (yet)
   */
  readonly resource?: string;
  /**
   * Object name for single-object operations.
   * @default undefined for LIST
   */
  readonly name?: string;
  /**
   * Namespace; undefined means cluster-scoped or all namespaces.
   * @default undefined
   */
  readonly namespace?: string;
}

/**
 * Names the target of an operation the way kubectl users read it:
 * `secrets in namespace 3scale`, `deployments.apps in namespace 3scale`,
 * `Deployment system-app in namespace 3scale`, `apimanagers.apps.3scale.net in all namespaces`,
 * `API apps.3scale.net/v1alpha1`.
 */
export function describeTarget(op: KubeOperation): string {
  if (op.verb === 'discover') return `API ${op.apiVersion ?? '(unknown)'}`;
  const group = op.apiVersion ? parseApiVersion(op.apiVersion).group : '';
  let what: string;
  if (op.name !== undefined) {
    what = `${op.kind ?? op.resource ?? 'object'} ${op.name}`;
  } else if (op.resource) {
    what = group ? `${op.resource}.${group}` : op.resource;
  } else {
    what = `${op.kind ?? 'unknown'} objects`;
  }
  const where = op.namespace ? ` in namespace ${op.namespace}` : op.name === undefined ? ' in all namespaces' : '';
  return `${what}${where}`;
}

/** The start of every message about an operation: "cannot list Deployments in namespace 3scale" and the like. */
export function lead(op: KubeOperation): string {
  return op.verb === 'discover' ? `cannot read ${describeTarget(op)}` : `cannot ${op.verb} ${describeTarget(op)}`;
}

/** The fields of a Kubernetes `Status` body this module reads. */
interface StatusBody {
  readonly reason?: string;
  readonly message?: string;
  readonly details?: { readonly causes?: ReadonlyArray<{ readonly type?: string; readonly field?: string; readonly message?: string }> };
}

function parseStatusBody(body: unknown): StatusBody {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return {};
    }
  }
  if (!isPlainObject(value) || value.kind !== 'Status') return {};
  const details = isPlainObject(value.details) ? value.details : undefined;
  const causes = details && Array.isArray(details.causes) ? details.causes.filter(isPlainObject) : undefined;
  return {
    reason: typeof value.reason === 'string' ? value.reason : undefined,
    message: typeof value.message === 'string' ? value.message : undefined,
    details: causes
      ? {
          // StatusCause serialises its type as "reason".
          causes: causes.map((c) => ({
            type: typeof c.reason === 'string' ? c.reason : typeof c.type === 'string' ? c.type : undefined,
            field: typeof c.field === 'string' ? c.field : undefined,
            message: typeof c.message === 'string' ? c.message : undefined,
          })),
        }
      : undefined,
  };
}

/**
 * Free text from the server with every quoted segment masked, whitespace collapsed and the length
 * capped, so that no echoed value (a password in an invalid Secret, a token in a URL) survives.
 */
export function sanitizeServerMessage(message: string, maxLength = 160): string {
  // Secret values read by this run first, whole: the quote and URL rules could cut one and leave part of it.
  const masked = protectText(message)
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/'(?:[^'\\]|\\.)*'/g, "'…'")
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"']+/gi, '<url>')
    .replace(/\s+/g, ' ')
    .trim();
  return cutWithoutSplittingSecrets(masked, maxLength);
}

const CAUSE_WORDS: Readonly<Record<string, string>> = {
  FieldValueInvalid: 'invalid value',
  FieldValueRequired: 'required value',
  FieldValueNotSupported: 'unsupported value',
  FieldValueDuplicate: 'duplicate value',
  FieldValueForbidden: 'forbidden',
  FieldValueTooLong: 'too long',
  FieldValueTooMany: 'too many',
  FieldValueTypeInvalid: 'invalid type',
  FieldValueNotFound: 'not found',
};

const FIELD_ERROR = /([A-Za-z0-9_.[\]-]+): (Invalid value|Required value|Unsupported value|Forbidden|Duplicate value|Too long|Too many|Not found|Internal error)/g;

/**
 * What the schema expected, from a cause's message, when it says so in words of the schema (never the value
 * sent): `must be of type string`, the `supported values` of an enum, a bound.
 */
function expectation(message: string | undefined): string | undefined {
  const text = message ?? '';
  const type = /must be of type ([a-z]{1,16})/.exec(text)?.[1];
  if (type) return `expected ${type}`;
  const supported = /supported values: ((?:"[^"\\]{0,64}"(?:, )?){1,16})\s*$/.exec(text)?.[1];
  if (supported) return `expected one of ${supported.replace(/, $/, '')}`;
  const bound = /should be (greater than|less than)( or equal to)? (-?\d{1,20}(?:\.\d{1,20})?)/.exec(text);
  if (bound) return `expected a number ${bound[1].replace(' than', '')}${bound[2] ?? ''} ${bound[3]}`;
  return undefined;
}

/** Field paths (and the kind of problem, and what was expected when the schema says it) named in a 422 answer, without any value. */
function invalidFields(status: StatusBody): string[] {
  const fromCauses = (status.details?.causes ?? [])
    .filter((c) => c.field)
    .map((c) => {
      const words = [c.type ? CAUSE_WORDS[c.type] : undefined, expectation(c.message)].filter((w) => w !== undefined);
      return words.length > 0 ? `${c.field} (${words.join(', ')})` : `${c.field}`;
    });
  if (fromCauses.length > 0) return [...new Set(fromCauses)];
  const fromMessage: string[] = [];
  for (const m of (status.message ?? '').matchAll(FIELD_ERROR)) fromMessage.push(`${m[1]} (${m[2].toLowerCase()})`);
  return [...new Set(fromMessage)];
}

function immutableFields(status: StatusBody): string[] {
  const fields = new Set<string>();
  for (const c of status.details?.causes ?? []) {
    if (c.field && /immutable/i.test(c.message ?? '')) fields.add(c.field);
  }
  // `spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable` – keep the path only.
  for (const part of (status.message ?? '').split(/,\s*(?=[A-Za-z0-9_.[\]-]+: )/)) {
    const m = /^(?:.*?is invalid: )?([A-Za-z0-9_.[\]-]+): .*field is immutable/s.exec(part.trim());
    if (m) fields.add(m[1]);
  }
  return [...fields];
}

function isImmutable(status: StatusBody): boolean {
  return /field is immutable/i.test(status.message ?? '') || (status.details?.causes ?? []).some((c) => /immutable/i.test(c.message ?? ''));
}

function conflictDetail(status: StatusBody): string {
  if (status.reason === 'AlreadyExists') return 'already exists';
  const managerConflicts = (status.details?.causes ?? [])
    .filter((c) => c.type === 'FieldManagerConflict' && c.field)
    .map((c) => {
      const manager = /conflict with "([^"]{1,128})"/.exec(c.message ?? '')?.[1];
      return manager ? `${c.field} (owned by field manager "${manager}")` : `${c.field}`;
    });
  if (managerConflicts.length > 0) return `conflict with another field manager over ${managerConflicts.join(', ')}`;
  const m = /conflicts? with "([^"]{1,128})"(?: using [^:]+)?: ([.A-Za-z0-9_[\]{}":=-]+)/.exec(status.message ?? '');
  if (m) return `conflict with another field manager over ${m[2]} (owned by field manager "${m[1]}")`;
  if (/has been modified/.test(status.message ?? '')) return 'conflict, the object was changed by someone else in the meantime';
  const webhook = ADMISSION_WEBHOOK.exec(status.message ?? '')?.[1];
  if (webhook) return `the admission webhook "${webhook}" refused it with a conflict; expected the webhook to admit the object`;
  return 'conflict';
}

/** `admission webhook "<name>" denied the request: <its free text>`: the webhook's name only (a DNS name). */
const ADMISSION_WEBHOOK = /^admission webhook "([a-z0-9][a-z0-9.-]{0,252})" denied the request/;

/**
 * Server-side apply of an object whose fields do not have the types of the cluster's schema: the server
 * answers 500 `failed to create typed patch object (<ns>/<name>; <gvk>): .spec.x: expected string, got &value.valueUnstructured{…}`.
 * The field path and the type expected, never the value.
 */
function typedPatchMismatch(status: StatusBody): string | undefined {
  const m = /^failed to create typed patch object \([^)]*\): \.?([A-Za-z0-9_.[\]=-]{1,256}): expected ([a-z]{1,16})/.exec(status.message ?? '');
  return m ? `the object does not match the cluster's schema: ${m[1]} (expected ${m[2]})` : undefined;
}

/** Classifies a non-2xx HTTP answer of the API server. */
export function errorFromStatus(op: KubeOperation, httpStatus: number, body: unknown): LiveReadError {
  const status = parseStatusBody(body);
  const object = describeTarget(op);
  const make = (kind: LiveReadErrorKind, detail: string): LiveReadError =>
    new LiveReadError({ kind, status: httpStatus, object, reason: status.reason, message: `${lead(op)}: ${detail} (HTTP ${httpStatus})` });

  switch (true) {
    case httpStatus === 401:
      return make('unauthorized', 'unauthorized, the cluster rejected the kubeconfig credentials (log in again or check the token)');
    case httpStatus === 403:
      return make('forbidden', 'forbidden');
    case httpStatus === 404 && op.verb === 'discover':
      return make('missing-crd', 'not served by the cluster');
    case httpStatus === 404:
      return make('not-found', 'not found');
    case httpStatus === 409:
      return make('conflict', conflictDetail(status));
    case httpStatus === 422 && isImmutable(status): {
      const fields = immutableFields(status);
      const which = fields.length > 0 ? `field ${fields.join(', ')} is immutable` : 'a field that cannot change was changed';
      return make('immutable', `${which}, the object must be deleted and re-created`);
    }
    case httpStatus === 422: {
      const fields = invalidFields(status);
      return make('invalid', fields.length > 0 ? `the server rejected the object as invalid: ${fields.join(', ')}` : 'the server rejected the object as invalid');
    }
    case httpStatus === 504:
      return new LiveReadError({ kind: 'timeout', status: httpStatus, object, reason: status.reason, message: `${lead(op)}: the API server timed out (HTTP ${httpStatus})` });
    case httpStatus === 500 && typedPatchMismatch(status) !== undefined:
      return make('invalid', typedPatchMismatch(status)!);
    case httpStatus >= 500: {
      const text = status.message ? `, ${sanitizeServerMessage(status.message)}` : '';
      return make('server-error', `the API server failed${text}`);
    }
    default: {
      const text = status.message ? `, ${sanitizeServerMessage(status.message)}` : '';
      return make('bad-request', `the request was refused${text}`);
    }
  }
}

/** The error for an API group/version that discovery does not list (HTTP 404 on its discovery path). */
export function missingApiError(op: KubeOperation, apiVersion: string, httpStatus?: number): LiveReadError {
  const hint = apiVersion.includes('3scale.net') ? ', is the 3scale operator installed?' : ', is its CRD installed?';
  const suffix = httpStatus !== undefined ? ` (HTTP ${httpStatus})` : '';
  return new LiveReadError({
    kind: 'missing-crd',
    status: httpStatus,
    object: describeTarget(op),
    message: `${lead(op)}: the cluster does not serve ${apiVersion}${hint}${suffix}`,
  });
}

/** The error for a kind that its (served) API group/version does not list. */
export function missingKindError(op: KubeOperation, apiVersion: string, kind: string): LiveReadError {
  return new LiveReadError({
    kind: 'missing-crd',
    object: describeTarget(op),
    message: `${lead(op)}: the cluster serves ${apiVersion} but not the kind ${kind} (not in its discovery document)`,
  });
}

/** Context for transport errors. */
export interface TransportContext {
  /** API server URL (credentials in it are never printed). */
  readonly server: string;
  /** The timeout that applied, in milliseconds. */
  readonly timeoutMs: number;
}

/** Server URL without user info, query or fragment. */
export function displayServer(server: string): string {
  try {
    const u = new URL(server);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '<invalid server URL>';
  }
}

/** Marker error a client throws when its own deadline expires. */
export class RequestTimeoutError extends Error {
  public constructor() {
    super('request timed out');
    this.name = 'RequestTimeoutError';
  }
}

function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  const visit = (e: unknown, depth: number): void => {
    if (!isPlainObject(e) && !(e instanceof Error)) return;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    if (depth < 3) {
      const nested = (e as { errors?: unknown }).errors;
      if (Array.isArray(nested)) nested.forEach((n) => visit(n, depth + 1));
      visit((e as { cause?: unknown }).cause, depth + 1);
    }
  };
  visit(err, 0);
  return codes;
}

const TLS_CODES = /CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_VERIFY|ERR_OSSL/;

/** Classifies an error thrown before any HTTP answer arrived. */
export function errorFromTransport(op: KubeOperation, err: unknown, ctx: TransportContext): LiveReadError {
  const object = describeTarget(op);
  const server = displayServer(ctx.server);
  if (err instanceof RequestTimeoutError || errorCodes(err).some((c) => c === 'ETIMEDOUT' || c === 'ESOCKETTIMEDOUT')) {
    const seconds = ctx.timeoutMs >= 1000 ? `${Math.round(ctx.timeoutMs / 100) / 10} s` : `${ctx.timeoutMs} ms`;
    return new LiveReadError({ kind: 'timeout', object, message: `${lead(op)}: no answer from ${server} within ${seconds} (timeout)` });
  }
  const codes = errorCodes(err);
  if (codes.includes('ECONNREFUSED')) {
    return new LiveReadError({ kind: 'connection-refused', object, message: `${lead(op)}: connection refused by ${server}, is the cluster reachable?` });
  }
  const code = codes[0];
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new LiveReadError({ kind: 'network', object, message: `${lead(op)}: the host of ${server} cannot be resolved (${code})` });
  }
  if (code && TLS_CODES.test(code)) {
    return new LiveReadError({ kind: 'network', object, message: `${lead(op)}: TLS verification of ${server} failed (${code})` });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') {
    return new LiveReadError({ kind: 'network', object, message: `${lead(op)}: ${server} closed the connection before answering (${code})` });
  }
  return new LiveReadError({ kind: 'network', object, message: `${lead(op)}: cannot reach ${server} (${code ?? 'network error'})` });
}

/** The error for a 2xx answer whose body is not the JSON the operation expects. */
export function badResponseError(op: KubeOperation, httpStatus: number, what: string): LiveReadError {
  return new LiveReadError({
    kind: 'bad-response',
    status: httpStatus,
    object: describeTarget(op),
    message: `${lead(op)}: the server answered with ${what} instead of a Kubernetes JSON object (HTTP ${httpStatus})`,
  });
}
