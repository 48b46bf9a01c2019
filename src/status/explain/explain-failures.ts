/**
 * `--explain`: reads what the cluster says about failures (pod states, Warning Events, the tails of the
 * 3scale and migration pods' logs), recognizes the failure signatures of the troubleshooting table, and
 * says for each one what it means, what to do and which phase (or rollback) addresses it.
 *
 * Requests, all bounded: one LIST of pods and one LIST of Events per namespace (the 3scale namespace and
 * the namespaces of the new databases), then one log request per container of at most `maxPods` pods (one
 * per Deployment or Job, the unhealthiest first), each with `tailLines`, `limitBytes` and, for running
 * containers, `sinceSeconds`. Nothing is requested per pod beyond its logs. A 403 on pods, Events or logs
 * becomes a note naming the missing permission; it never stops the report.
 */
import { isPartial, migrationOf } from '../../contract/on-cluster.js';
import { objectKey, type KubeObject } from '../../kube/kube-object.js';
import { DEFAULT_LOG_LIMIT_BYTES, DEFAULT_LOG_TAIL_LINES, type PodLogRequest } from '../../live/pod-log.js';
import type { ObjectTypeRef } from '../../live/object-type.js';
import { SecretMasker } from '../../diff/mask-secrets.js';
import { procedureById } from '../../phases/registry.js';
import type { PlanBase } from '../../plan/plan-base.js';
import type { FolderState, SynthResult } from '../../synth/synthesize.js';
import type { PhaseReport } from '../diff-report.js';
import type { LiveSource } from '../live-source.js';
import { rollbackAdvice } from '../rollback-advice.js';
import { type EvidenceKind, FAILURE_SIGNATURES, type FailureSignature, matchSignature } from './failure-signatures.js';
import { maskLogLine } from './mask-log-line.js';
import { logTargets, podOwner, type PodOwner, podSeverity, podStateLines } from './pod-findings.js';
import { warningEvents } from './warning-events.js';

/**
 * Where the servers a plan creates run: the namespaces its procedure names (the migration's target
 * namespaces), or else every namespace its phases render objects into.
 */
function explainedNamespaces(plan: PlanBase, result: SynthResult): string[] {
  const hooks = procedureById(plan.spec.procedure).report;
  if (hooks?.explainNamespaces) return hooks.explainNamespaces(plan);
  return result.forward.flatMap((state) => state.objects.flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : [])));
}

/** Bounds of `--explain`. */
export interface ExplainOptions {
  /**
   * Pods whose logs are read (one per Deployment or Job, unhealthiest first).
   * @default 12
   */
  readonly maxPods?: number;
  /**
   * Last lines of each log.
   * @default 200
   */
  readonly tailLines?: number;
  /**
   * Bytes of each log at most.
   * @default 262144
   */
  readonly limitBytes?: number;
  /**
   * Only the last this many seconds of a running container's log (a terminated container's log does not
   * grow, so it is bounded by lines and bytes only).
   * @default 3600
   */
  readonly sinceSeconds?: number;
  /**
   * Log requests in flight at once.
   * @default 4
   */
  readonly concurrency?: number;
}

/** One recognized failure; the JSON output's `explanations` items (shape documented in the README). */
export interface Explanation {
  /** Id of the signature (README table). */
  readonly signature: string;
  readonly title: string;
  /** Where it was seen: a container log line, a Warning Event, or the pod's state. */
  readonly evidence: EvidenceKind;
  /** The pod (or the Event's object) it was seen on; `container` when known. */
  readonly object: { readonly kind: string; readonly namespace: string; readonly name: string; readonly container?: string };
  /** The Deployment or Job that owns the pod, when it has one. */
  readonly owner: { readonly kind: string; readonly name: string } | null;
  /** The most recent matching line, masked. */
  readonly line: string;
  /** How many times it was seen (lines, Event count, pods of the same owner). */
  readonly occurrences: number;
  readonly meaning: string;
  readonly remedy: string;
  /** The vendor chapter 7 section or other source of the signature. */
  readonly source: string;
  /** Folder of the phase whose desired state addresses it, or null when nothing in this plan does. */
  readonly phase: string | null;
  /**
   * The rollback folder of that phase when applying it is safe on the state just read (the phase is the
   * latest with anything live and every phase before it is done), else null: never applied, nothing to
   * undo, a later phase to undo first, or an earlier phase not done.
   */
  readonly rollback: string | null;
  /** One sentence: how to undo that phase on the state just read, or why no rollback is safe. */
  readonly undo: string;
}

/** Everything `--explain` found, and what it could not read. */
export interface ExplainResult {
  readonly explanations: readonly Explanation[];
  /** One line each: missing permissions, logs not available offline, pods left unread by the cap. */
  readonly notes: readonly string[];
}

/** The 3scale Deployments that talk to the databases, in the order their logs are read (chapter 7 names them). */
const COMPONENTS = ['system-app', 'system-sidekiq', 'backend-worker', 'backend-listener', 'backend-cron', 'zync', 'zync-que', 'apicast-production', 'apicast-staging'];
/** The operator's system-app hook Jobs (`system-app-pre` runs the database migrations: chapter 7's "pre-hook pod"). */
const HOOK_JOBS = ['system-app-pre', 'system-app-post'];
const EVIDENCE_ORDER: readonly EvidenceKind[] = ['pod-state', 'event', 'log'];

interface Sighting {
  readonly signature: FailureSignature;
  readonly evidence: EvidenceKind;
  readonly object: Explanation['object'];
  readonly owner: PodOwner | null;
  readonly line: string;
  readonly count: number;
}

/** Reads, recognizes and explains; see the module comment for the requests it makes. */
export async function explainFailures(plan: PlanBase, result: SynthResult, source: LiveSource, phases: readonly PhaseReport[], options: ExplainOptions = {}): Promise<ExplainResult> {
  const notes: string[] = [];
  const sightings: Sighting[] = [];
  const namespaces = [...new Set([plan.spec.threescale.namespace, ...explainedNamespaces(plan, result)])].sort();

  const refs: ObjectTypeRef[] = namespaces.flatMap((namespace) => [
    { apiVersion: 'v1', kind: 'Pod', namespace },
    { apiVersion: 'v1', kind: 'Event', namespace },
    // An export may hold the newer Event API; a cluster serves the same Events through core/v1, listed once.
    ...(source.mode === 'offline' ? [{ apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace }] : []),
  ]);
  const pods: KubeObject[] = [];
  const events: KubeObject[] = [];
  for (const listing of await source.list(refs)) {
    const ns = listing.ref.namespace!;
    if (!listing.ok) {
      const what = listing.ref.kind === 'Pod' ? 'pods' : 'events';
      notes.push(
        listing.error.kind === 'forbidden'
          ? `${what} in namespace ${ns}: forbidden (HTTP 403); --explain needs "list" on "${what}" there${what === 'pods' ? ' to read pod states and logs' : ''}`
          : `${what} in namespace ${ns}: ${listing.error.message}`,
      );
      continue;
    }
    (listing.ref.kind === 'Pod' ? pods : events).push(...listing.items);
  }

  const relevant = pods.filter((p) => isRelevantPod(plan, p)).sort((a, b) => (objectKey(a) < objectKey(b) ? -1 : 1));
  // A pod nobody owns is its own owner: explanations then name the pod alone.
  const owners = new Map(pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, ownerOrNull(podOwner(p))]));
  const masker = new SecretMasker();

  for (const pod of relevant) {
    for (const s of podStateLines(pod)) {
      const signature = matchSignature(s.line, 'pod-state');
      if (signature) sightings.push({ signature, evidence: 'pod-state', object: podRef(pod, s.container), owner: owners.get(`${pod.metadata.namespace}/${pod.metadata.name}`) ?? null, line: maskLogLine(s.line, masker), count: 1 });
    }
  }

  let unrecognized = 0;
  for (const e of warningEvents(events)) {
    const signature = matchSignature(e.line, 'event');
    if (!signature) {
      unrecognized += 1;
      continue;
    }
    const owner = eventOwner(e.object, owners.get(`${e.namespace}/${e.object.name}`));
    sightings.push({
      signature,
      evidence: 'event',
      object: { kind: e.object.kind, namespace: e.namespace, name: e.object.name, ...(e.container ? { container: e.container } : {}) },
      owner,
      line: maskLogLine(e.line, masker),
      count: e.count,
    });
  }
  if (unrecognized) notes.push(`${unrecognized} Warning Event${unrecognized === 1 ? '' : 's'} matched no known signature (oc get events --field-selector type=Warning shows them)`);

  sightings.push(...(await readLogs(source, relevant, owners, masker, options, notes)));
  if (relevant.length === 0 && !notes.some((n) => n.startsWith('pods in'))) {
    notes.push(`no pods of 3scale or of migration ${plan.metadata.name} in namespace${namespaces.length === 1 ? '' : 's'} ${namespaces.join(', ')}`);
  }

  return { explanations: summarize(sightings, phaseResolver(result, phases)), notes };
}

/** The workload an Event is about: a pod's owner, a ReplicaSet's Deployment, a Job or Deployment itself. */
function eventOwner(object: { readonly kind: string; readonly name: string }, podOwnerFound: PodOwner | null | undefined): PodOwner | null {
  if (object.kind === 'Pod') return podOwnerFound ?? null;
  if (object.kind === 'ReplicaSet') return { kind: 'Deployment', name: object.name.replace(/-[a-z0-9]{5,10}$/, '') };
  if (object.kind === 'Job' || object.kind === 'Deployment') return { kind: object.kind, name: object.name };
  return null;
}

function ownerOrNull(owner: PodOwner): PodOwner | null {
  return owner.kind === 'Pod' ? null : owner;
}

function isRelevantPod(plan: PlanBase, pod: KubeObject): boolean {
  if ((pod.status as { phase?: string } | undefined)?.phase === 'Succeeded') return false;
  if (migrationOf(pod) === plan.metadata.name) return true;
  if (pod.metadata.namespace !== plan.spec.threescale.namespace) return false;
  const owner = podOwner(pod);
  return (owner.kind === 'Deployment' && COMPONENTS.includes(owner.name)) || (owner.kind === 'Job' && HOOK_JOBS.includes(owner.name));
}

function podRef(pod: KubeObject, container: string | undefined): Explanation['object'] {
  return { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name, ...(container ? { container } : {}) };
}

/** Reads the logs of the unhealthiest pod of each owner, up to the cap, and matches every line. */
async function readLogs(source: LiveSource, pods: readonly KubeObject[], owners: ReadonlyMap<string, PodOwner | null>, masker: SecretMasker, options: ExplainOptions, notes: string[]): Promise<Sighting[]> {
  const withLogs = pods.filter((p) => logTargets(p).length > 0);
  if (!source.readLog) {
    if (withLogs.length) notes.push('pod logs: an export holds none, so only the pod states and Events of the export were explained');
    return [];
  }
  const readLog = source.readLog.bind(source);
  const ownerOf = (p: KubeObject) => owners.get(`${p.metadata.namespace}/${p.metadata.name}`) ?? null;
  const groups = new Map<string, KubeObject>();
  for (const pod of withLogs) {
    const o = ownerOf(pod);
    const key = o ? `${pod.metadata.namespace}/${o.kind}/${o.name}` : `${pod.metadata.namespace}/Pod/${pod.metadata.name}`;
    const held = groups.get(key);
    if (!held || podSeverity(pod) > podSeverity(held)) groups.set(key, pod);
  }
  const rank = (p: KubeObject) => {
    const i = COMPONENTS.indexOf(ownerOf(p)?.name ?? '');
    return i < 0 ? COMPONENTS.length : i;
  };
  const ordered = [...groups.values()].sort((a, b) => podSeverity(b) - podSeverity(a) || rank(a) - rank(b) || (objectKey(a) < objectKey(b) ? -1 : 1));
  const maxPods = options.maxPods ?? 12;
  const chosen = ordered.slice(0, maxPods);
  if (ordered.length > chosen.length) {
    notes.push(`pod logs: read ${chosen.length} of ${ordered.length} pods (one per Deployment or Job, unhealthiest first); ${ordered.slice(chosen.length).map((p) => p.metadata.name).join(', ')} not read`);
  }

  const requests: { pod: KubeObject; request: PodLogRequest }[] = chosen.flatMap((pod) =>
    logTargets(pod).map((t) => ({
      pod,
      request: {
        namespace: pod.metadata.namespace ?? '',
        pod: pod.metadata.name,
        container: t.container,
        tailLines: options.tailLines ?? DEFAULT_LOG_TAIL_LINES,
        limitBytes: options.limitBytes ?? DEFAULT_LOG_LIMIT_BYTES,
        ...(t.running ? { sinceSeconds: options.sinceSeconds ?? 3600 } : {}),
        ...(t.previous ? { previous: true } : {}),
      },
    })),
  );
  const forbidden = new Set<string>();
  const outcomes = new Array<Sighting[] | undefined>(requests.length);
  // Notes by request, so their order does not depend on which answer came first.
  const logNotes = new Array<string | undefined>(requests.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const index = next++;
      const { pod, request } = requests[index]!;
      // One 403 per namespace is enough to know; the other pods there would be refused the same way.
      if (forbidden.has(request.namespace)) continue;
      const res = await readLog(request);
      const where = `log of pod ${request.namespace}/${request.pod} (container ${request.container}${request.previous ? ', previous instance' : ''})`;
      if (!res.ok) {
        if (res.error.kind === 'forbidden') {
          if (!forbidden.has(request.namespace)) logNotes[index] = `pod logs in namespace ${request.namespace}: forbidden (HTTP 403); --explain needs "get" on "pods/log" there, its logs were not read`;
          forbidden.add(request.namespace);
        } else {
          logNotes[index] = `${where}: ${res.error.message}`;
        }
        continue;
      }
      // The server cuts after limitBytes counted from the first of the tail lines, so what is lost is the newest.
      if (res.truncated) logNotes[index] = `${where}: its last ${request.tailLines} lines exceed ${Math.round((request.limitBytes ?? DEFAULT_LOG_LIMIT_BYTES) / 1024)} KiB, the newest of them were not read`;
      const found: Sighting[] = [];
      for (const raw of res.lines) {
        const signature = matchSignature(raw, 'log');
        if (signature) found.push({ signature, evidence: 'log', object: podRef(pod, request.container), owner: ownerOf(pod), line: maskLogLine(raw, masker), count: 1 });
      }
      outcomes[index] = found;
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, options.concurrency ?? 4), requests.length) }, worker));
  notes.push(...logNotes.filter((n): n is string => n !== undefined));
  return outcomes.flatMap((o) => o ?? []);
}

/**
 * Phase of an owner rendered by this plan, else the first planned phase of the signature; and how to undo
 * it, judged on the phases just read (a phase never applied has nothing to undo).
 */
function phaseResolver(result: SynthResult, phases: readonly PhaseReport[]): (s: Sighting) => { phase: string | null; rollback: string | null; undo: string } {
  const ownedBy = new Map<string, FolderState>();
  for (const state of result.forward) {
    for (const o of state.own) {
      if (isPartial(o)) continue;
      const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      if (!ownedBy.has(key)) ownedBy.set(key, state);
    }
  }
  const byId = new Map(result.forward.map((s) => [s.phase.definition.id, s]));
  return (s) => {
    const own = s.owner ? ownedBy.get(`${s.owner.kind}/${s.object.namespace}/${s.owner.name}`) : ownedBy.get(`${s.object.kind}/${s.object.namespace}/${s.object.name}`);
    const state = own ?? (s.signature.ownObjectsOnly ? undefined : s.signature.phases.map((id) => byId.get(id)).find((x) => x !== undefined));
    if (!state) return { phase: null, rollback: null, undo: 'none of this plan changes it; fix it where it is (the database server, the cluster)' };
    const advice = rollbackAdvice(phases, state.folder);
    const ownRollback = `rollback/${state.folder}`;
    return { phase: state.folder, rollback: advice.folders.length === 1 && advice.folders[0] === ownRollback ? ownRollback : null, undo: advice.sentence };
  };
}

/** One explanation per signature, owner (or object) and container: the latest line, every sighting counted. */
function summarize(sightings: readonly Sighting[], resolve: ReturnType<typeof phaseResolver>): Explanation[] {
  const merged = new Map<string, { first: Sighting; last: Sighting; count: number }>();
  for (const s of sightings) {
    const who = s.owner ? `${s.owner.kind}/${s.owner.name}` : `${s.object.kind}/${s.object.name}`;
    const key = `${s.signature.id}\u0000${s.evidence}\u0000${s.object.namespace}\u0000${who}\u0000${s.object.container ?? ''}`;
    const held = merged.get(key);
    if (held) merged.set(key, { first: held.first, last: s, count: held.count + s.count });
    else merged.set(key, { first: s, last: s, count: s.count });
  }
  const index = (s: FailureSignature) => FAILURE_SIGNATURES.indexOf(s);
  return [...merged.values()]
    .map(({ first, last, count }) => ({ s: first, line: last.line, count }))
    .sort((a, b) => {
      const ka = `${a.s.object.namespace}\u0000${a.s.object.kind}\u0000${a.s.object.name}\u0000${a.s.object.container ?? ''}`;
      const kb = `${b.s.object.namespace}\u0000${b.s.object.kind}\u0000${b.s.object.name}\u0000${b.s.object.container ?? ''}`;
      if (ka !== kb) return ka < kb ? -1 : 1;
      return EVIDENCE_ORDER.indexOf(a.s.evidence) - EVIDENCE_ORDER.indexOf(b.s.evidence) || index(a.s.signature) - index(b.s.signature);
    })
    .map(({ s, line, count }) => ({
      signature: s.signature.id,
      title: s.signature.title,
      evidence: s.evidence,
      object: s.object,
      owner: s.owner ? { kind: s.owner.kind, name: s.owner.name } : null,
      line,
      occurrences: count,
      meaning: s.signature.meaning,
      remedy: s.signature.remedy,
      source: s.signature.source,
      ...resolve(s),
    }));
}
