/**
 * What a pod, as listed, already tells without any further request: who owns it (a Deployment through
 * its ReplicaSet, or a Job), how unhealthy it is, one line per abnormal container or scheduling state
 * (`waiting: CrashLoopBackOff: …`, `last terminated: OOMKilled (exit code 137)`), and which of its
 * container logs are worth reading (and whether the previous instance's log holds the crash).
 */
import type { KubeObject } from '../../kube/kube-object.js';

/** The workload a pod belongs to. */
export interface PodOwner {
  /** `Deployment`, `Job`, or `Pod` for a pod nobody owns. */
  readonly kind: 'Deployment' | 'Job' | 'Pod';
  readonly name: string;
}

/** One abnormal state of a pod, as a line the signatures are matched against. */
export interface PodStateLine {
  /** The container, when the state is a container's. */
  readonly container?: string;
  readonly line: string;
}

/** A container log worth reading. */
export interface LogTarget {
  readonly container: string;
  /** Read the previous instance: the container is waiting to restart after a crash. */
  readonly previous: boolean;
  /** Still running, so its log grows: the read is bounded in time too. */
  readonly running: boolean;
}

interface ContainerStatus {
  readonly name?: string;
  readonly ready?: boolean;
  readonly restartCount?: number;
  readonly state?: ContainerState;
  readonly lastState?: ContainerState;
}
interface ContainerState {
  readonly running?: unknown;
  readonly waiting?: { readonly reason?: string; readonly message?: string };
  readonly terminated?: { readonly reason?: string; readonly message?: string; readonly exitCode?: number };
}
interface PodStatus {
  readonly phase?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly conditions?: readonly { readonly type?: string; readonly status?: string; readonly reason?: string; readonly message?: string }[];
  readonly containerStatuses?: readonly ContainerStatus[];
  readonly initContainerStatuses?: readonly ContainerStatus[];
}

/** Waiting reasons that mean the container cannot run, not that it is starting. */
const STUCK = /^(?:CrashLoopBackOff|ImagePullBackOff|ErrImagePull|InvalidImageName|CreateContainerConfigError|CreateContainerError|RunContainerError)$/;

function podStatus(pod: KubeObject): PodStatus {
  return (pod.status ?? {}) as PodStatus;
}

function allStatuses(pod: KubeObject): { status: ContainerStatus; init: boolean }[] {
  const s = podStatus(pod);
  return [...(s.initContainerStatuses ?? []).map((status) => ({ status, init: true })), ...(s.containerStatuses ?? []).map((status) => ({ status, init: false }))];
}

/** The Deployment (through its ReplicaSet's name) or Job that owns a pod. */
export function podOwner(pod: KubeObject): PodOwner {
  const refs = (pod.metadata.ownerReferences ?? []) as { kind?: string; name?: string; controller?: boolean }[];
  const ref = refs.find((r) => r.controller) ?? refs[0];
  if (ref?.kind === 'Job' && ref.name) return { kind: 'Job', name: ref.name };
  if (ref?.kind === 'ReplicaSet' && ref.name) {
    // `<deployment>-<pod-template-hash>`; the hash is also the pod label, when present.
    const hash = pod.metadata.labels?.['pod-template-hash'];
    const name = hash && ref.name.endsWith(`-${hash}`) ? ref.name.slice(0, -hash.length - 1) : ref.name.replace(/-[a-z0-9]{5,10}$/, '');
    return { kind: 'Deployment', name };
  }
  const labels = pod.metadata.labels ?? {};
  if (labels['job-name']) return { kind: 'Job', name: labels['job-name'] };
  if (labels.deployment) return { kind: 'Deployment', name: labels.deployment };
  return { kind: 'Pod', name: pod.metadata.name };
}

/** 3: failed or stuck, 2: restarted, 1: not ready, 0: healthy (or finished fine). */
export function podSeverity(pod: KubeObject): number {
  const s = podStatus(pod);
  if (s.phase === 'Succeeded') return 0;
  if (s.phase === 'Failed') return 3;
  const statuses = allStatuses(pod).map((x) => x.status);
  if (statuses.some((c) => STUCK.test(c.state?.waiting?.reason ?? '') || (c.state?.terminated && c.state.terminated.exitCode !== 0))) return 3;
  if ((s.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.status === 'False')) return 3;
  if (statuses.some((c) => (c.restartCount ?? 0) > 0)) return 2;
  if ((s.containerStatuses ?? []).some((c) => c.ready === false) || s.phase === 'Pending') return 1;
  return 0;
}

/** The abnormal states of a pod, one line each. */
export function podStateLines(pod: KubeObject): PodStateLine[] {
  const s = podStatus(pod);
  const out: PodStateLine[] = [];
  if (s.phase === 'Failed' && s.reason) out.push({ line: `Failed: ${s.reason}${s.message ? `: ${s.message}` : ''}` });
  for (const c of s.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.status === 'False') out.push({ line: `PodScheduled False: ${c.reason ?? 'Unknown'}${c.message ? `: ${c.message}` : ''}` });
  }
  for (const { status: c } of allStatuses(pod)) {
    const container = c.name;
    const waiting = c.state?.waiting;
    if (waiting && waiting.reason && waiting.reason !== 'ContainerCreating' && waiting.reason !== 'PodInitializing') {
      out.push({ container, line: `waiting: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` });
    }
    const term = c.state?.terminated;
    if (term && term.exitCode !== 0) out.push({ container, line: `terminated: ${term.reason ?? 'Error'} (exit code ${term.exitCode ?? '?'})${term.message ? `: ${term.message}` : ''}` });
    const last = c.lastState?.terminated;
    if (last && last.exitCode !== 0) out.push({ container, line: `last terminated: ${last.reason ?? 'Error'} (exit code ${last.exitCode ?? '?'})` });
  }
  return out;
}

/**
 * The container logs of a pod worth one request each: containers that run or ran (a container that never
 * started has no log), init containers only while they hold the pod back. A container waiting to restart
 * is read from its previous instance, which holds the crash.
 */
export function logTargets(pod: KubeObject): LogTarget[] {
  const out: LogTarget[] = [];
  for (const { status: c, init } of allStatuses(pod)) {
    if (!c.name) continue;
    if (init && c.state?.terminated?.exitCode === 0) continue;
    if (c.state?.running) out.push({ container: c.name, previous: false, running: true });
    else if (c.state?.terminated) out.push({ container: c.name, previous: false, running: false });
    else if (c.state?.waiting && c.lastState?.terminated) out.push({ container: c.name, previous: true, running: false });
  }
  return out;
}
