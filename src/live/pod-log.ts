/**
 * Reads the tail of one container's log (`GET /api/v1/namespaces/{ns}/pods/{pod}/log`), always bounded:
 * the server is asked for at most `tailLines` lines and `limitBytes` bytes, so a container that logs
 * gigabytes costs one small answer. The answer is `text/plain`, exactly as the container wrote it; what
 * is printed from it must be masked by the caller.
 */
import type { KubeClient } from './kube-client.js';
import { errorFromStatus, LiveReadError } from './kube-errors.js';
import type { KubeOperation } from './kube-errors.js';

/** Default of {@link PodLogRequest.tailLines}. */
export const DEFAULT_LOG_TAIL_LINES = 200;
/** Default of {@link PodLogRequest.limitBytes}: 256 KiB. */
export const DEFAULT_LOG_LIMIT_BYTES = 256 * 1024;

/** Which log to read, and how much of it. */
export interface PodLogRequest {
  /** Namespace of the pod. */
  readonly namespace: string;
  /** Pod name. */
  readonly pod: string;
  /** Container (or init container) name; always sent, so pods with several containers are answered too. */
  readonly container: string;
  /**
   * Last lines to read.
   * @default 200
   */
  readonly tailLines?: number;
  /**
   * Bytes to read at most (the server cuts there, possibly inside a line).
   * @default 262144
   */
  readonly limitBytes?: number;
  /**
   * Only lines written in the last this many seconds.
   * @default no time bound
   */
  readonly sinceSeconds?: number;
  /**
   * The log of the previous, terminated instance of the container (what a crash-looping container said
   * before it died).
   * @default false
   */
  readonly previous?: boolean;
}

/** The log text, or why it could not be read. */
export type PodLogResult =
  | {
      readonly ok: true;
      /** The lines, without the trailing newline of the last one. */
      readonly lines: readonly string[];
      /** True when the answer reached `limitBytes`: older lines (and maybe the end of the last one) are missing. */
      readonly truncated: boolean;
    }
  | { readonly ok: false; readonly error: LiveReadError };

/**
 * Reads one container log. Never throws for a failed request: 403 (no `get` on `pods/log`), 400 (the
 * container has not started) or a timeout come back as `ok: false`, so one unreadable log does not stop
 * the others.
 */
export async function readPodLog(client: KubeClient, request: PodLogRequest): Promise<PodLogResult> {
  const limitBytes = request.limitBytes ?? DEFAULT_LOG_LIMIT_BYTES;
  const op: KubeOperation = { verb: 'get', apiVersion: 'v1', kind: 'log of pod', resource: 'pods/log', name: `${request.pod} (container ${request.container})`, namespace: request.namespace };
  try {
    const res = await client.send({
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(request.namespace)}/pods/${encodeURIComponent(request.pod)}/log`,
      query: {
        container: request.container,
        tailLines: String(request.tailLines ?? DEFAULT_LOG_TAIL_LINES),
        limitBytes: String(limitBytes),
        sinceSeconds: request.sinceSeconds !== undefined ? String(request.sinceSeconds) : undefined,
        previous: request.previous ? 'true' : undefined,
      },
      operation: op,
    });
    if (res.status !== 200) return { ok: false, error: errorFromStatus(op, res.status, res.body) };
    const text = res.body.endsWith('\n') ? res.body.slice(0, -1) : res.body;
    return { ok: true, lines: text === '' ? [] : text.split('\n'), truncated: Buffer.byteLength(res.body, 'utf8') >= limitBytes };
  } catch (err) {
    if (LiveReadError.isLiveReadError(err)) return { ok: false, error: err };
    throw err;
  }
}
