/**
 * Container logs of the fake API server: `GET /api/v1/namespaces/{ns}/pods/{name}/log`, answered as the
 * kubelet (through kube-apiserver) answers it: `text/plain`, the parameters `container`, `previous`,
 * `tailLines`, `limitBytes`, `sinceSeconds` and `timestamps`, and the real 400 answers for a pod with
 * several containers and no `container`, an unknown container, a container that never started and a
 * `previous` log that does not exist.
 */
import type { JsonObject } from './fake-api-fields.js';
import { statusFailure } from './fake-api-store.js';
import type { FakeResult } from './fake-api-store.js';

/** One line of a container log. */
export interface FakeLogLine {
  /** The text, without the newline. */
  readonly text: string;
  /**
   * When the container wrote it (`sinceSeconds` and `timestamps` read it).
   * @default the moment the log was set
   */
  readonly time?: Date;
}

/** Options of {@link FakePodLogs.set}. */
export interface FakeLogOptions {
  /**
   * The log of the previous (terminated) instance of the container, served with `previous=true`.
   * @default false
   */
  readonly previous?: boolean;
}

/** An answer that is either text (`text/plain`) or a JSON `Status`. */
export type FakeLogAnswer = { readonly status: 200; readonly text: string } | FakeResult;

/**
 * The logs of the fake cluster's containers, by pod uid, container and instance: as on a node, a pod
 * deleted and created again under the same name starts with empty logs.
 */
export class FakePodLogs {
  private readonly logs = new Map<string, FakeLogLine[]>();

  public constructor(private readonly clock: () => Date) {}

  /** Sets (replaces) the log of one container of the pod with this uid: text (split on newlines) or lines with times. */
  public set(podUid: string, container: string, log: string | readonly (string | FakeLogLine)[], options: FakeLogOptions = {}): void {
    const now = this.clock();
    const lines = typeof log === 'string' ? log.replace(/\n$/, '').split('\n') : log;
    this.logs.set(key(podUid, container, options.previous === true), lines.map((l) => (typeof l === 'string' ? { text: l, time: now } : { text: l.text, time: l.time ?? now })));
  }

  /** Answers one log request for a stored pod (`pod` is the stored object, undefined when absent). */
  public answer(name: string, pod: JsonObject | undefined, query: URLSearchParams): FakeLogAnswer {
    if (!pod) return statusFailure(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
    const spec = (pod.spec ?? {}) as { containers?: { name: string }[]; initContainers?: { name: string }[] };
    const containers = (spec.containers ?? []).map((c) => c.name);
    const inits = (spec.initContainers ?? []).map((c) => c.name);
    let container = query.get('container') ?? '';
    if (container === '') {
      if (containers.length !== 1) {
        const initPart = inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : '';
        return statusFailure(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${initPart}`);
      }
      container = containers[0]!;
    }
    if (!containers.includes(container) && !inits.includes(container)) return statusFailure(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
    const invalid = parameterError(query);
    if (invalid) return invalid;

    const status = (pod.status ?? {}) as { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
    const state = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].find((s) => s.name === container);
    const previous = query.get('previous') === 'true';
    if (previous && !state?.lastState?.terminated) return statusFailure(400, 'BadRequest', `previous terminated container "${container}" in pod "${name}" not found`);
    if (!previous && state?.state?.waiting && !state.lastState?.terminated) {
      return statusFailure(400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ${state.state.waiting.reason ?? 'ContainerCreating'}`);
    }

    let lines = this.logs.get(key(String((pod.metadata as JsonObject).uid), container, previous)) ?? [];
    const since = query.get('sinceSeconds');
    if (since !== null) {
      const from = this.clock().getTime() - Number(since) * 1000;
      lines = lines.filter((l) => l.time!.getTime() >= from);
    }
    const tail = query.get('tailLines');
    if (tail !== null) lines = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
    const stamp = query.get('timestamps') === 'true';
    let text = lines.map((l) => `${stamp ? `${l.time!.toISOString()} ` : ''}${l.text}\n`).join('');
    const limit = query.get('limitBytes');
    // The kubelet cuts at the byte, not at a line or character boundary.
    if (limit !== null) text = Buffer.from(text, 'utf8').subarray(0, Number(limit)).toString('utf8');
    return { status: 200, text };
  }
}

interface ContainerStatus {
  readonly name: string;
  readonly state?: { readonly waiting?: { readonly reason?: string } };
  readonly lastState?: { readonly terminated?: unknown };
}

function key(podUid: string, container: string, previous: boolean): string {
  return `${podUid}/${container}/${previous ? 'previous' : 'current'}`;
}

/** The validation messages of PodLogOptions, as kube-apiserver words them. */
function parameterError(query: URLSearchParams): FakeResult | undefined {
  const problems: string[] = [];
  for (const [name, minimum] of [
    ['tailLines', 0],
    ['limitBytes', 1],
    ['sinceSeconds', 1],
  ] as const) {
    const raw = query.get(name);
    if (raw === null) continue;
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw)) return statusFailure(400, 'BadRequest', `${name}: Invalid value: "${raw}": must be an integer`);
    if (n < minimum) problems.push(`${name}: Invalid value: ${n}: must be ${minimum === 0 ? 'greater than or equal to 0' : 'greater than 0'}`);
  }
  if (query.get('sinceSeconds') !== null && query.get('sinceTime') !== null) problems.push('sinceTime: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified');
  return problems.length ? statusFailure(422, 'Invalid', `PodLogOptions "" is invalid: ${problems.join(', ')}`) : undefined;
}
