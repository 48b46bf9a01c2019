import { evidenceField } from '../contract/on-cluster.js';
import { healthOf } from '../health/registry.js';
import type { KubeObject } from '../kube/kube-object.js';
import { protectCutText } from '../redact/session.js';

/** ConfigMap the Jobs record their completion in (one per namespace). */
export { EVIDENCE_CONFIGMAP } from '../contract/on-cluster.js';

/** An object a Job's record says it worked on (filled, loaded), with the uid it had then. */
export interface EvidenceTarget {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/** The API version each kind a record may name is listed with. */
export const TARGET_API_VERSIONS: Readonly<Record<string, string>> = { PersistentVolumeClaim: 'v1', Deployment: 'apps/v1', StatefulSet: 'apps/v1', Secret: 'v1' };

/**
 * Looks a target up in the live state: the object, `undefined` when it does not exist, `null` when its kind
 * could not be read.
 */
export type TargetLookup = (target: EvidenceTarget) => KubeObject | undefined | null;

/** What is known about one Job's run. */
export interface JobEvidence {
  /**
   * `succeeded`, `running`, `failed`, `not-run`, or `stale`: it succeeded, but an object it filled was
   * recreated (another uid) or deleted since, so its work is gone.
   */
  readonly state: 'succeeded' | 'running' | 'failed' | 'not-run' | 'stale';
  /** Where it comes from: the durable record, the Job object, or nothing. */
  readonly source: 'evidence' | 'job' | 'none';
  /** One line: the script's summary, the Job condition, or why nothing is known. */
  readonly detail: string;
  /** When it finished, if it did. */
  readonly finishedAt?: string;
  /**
   * Set when the record says the step ran for another version of the plan that changed this Job (its
   * `jobSha256` differs from the `JOB_SHA256` of the Job synthesized now): the step is done, but with inputs
   * that have changed since. An edit of the plan that does not concern the Job leaves its digest as it was.
   */
  readonly otherPlan?: { readonly recorded: string; readonly current: string };
}

/**
 * The state of a Job from its evidence record first (finished Jobs may have been deleted by TTL or by
 * an Argo CD hook policy), then from the Job object's conditions.
 */
export function jobEvidence(job: KubeObject, evidence: KubeObject | undefined, liveJob: KubeObject | undefined, lookup?: TargetLookup): JobEvidence {
  const step = job.metadata.name;
  const data = (evidence?.data ?? {}) as Record<string, string>;
  const phase = evidenceField(data, step, 'phase');
  // The scripts cut what they record at 512 characters, possibly inside a secret value: its start is masked too.
  const result = protectCutText(evidenceField(data, step, 'result') ?? '');
  const finishedAt = evidenceField(data, step, 'finishedAt') || undefined;
  if (phase === 'Succeeded' || phase === 'Failed') {
    const state = phase === 'Succeeded' ? 'succeeded' : 'failed';
    const gone = state === 'succeeded' && lookup ? replacedTarget(evidenceTargets(evidence, step), lookup) : undefined;
    if (gone) return { state: 'stale', source: 'evidence', detail: `${result || state}; but ${gone}`, finishedAt };
    const otherPlan = planChange(job, evidenceField(data, step, 'jobSha256'));
    const detail = (result || state) + (otherPlan ? `; ran for another version of the plan that changed this Job (sha256 ${shortDigest(otherPlan.recorded)}, now ${shortDigest(otherPlan.current)})` : '');
    return { state, source: 'evidence', detail, finishedAt, ...(otherPlan ? { otherPlan } : {}) };
  }
  if (liveJob) {
    // The Job object's own health (src/health/job.ts): Failed, Complete, or still running.
    const health = healthOf({ live: liveJob, related: () => null });
    if (health.status === 'degraded') return { state: 'failed', source: 'job', detail: health.message };
    if (health.status === 'healthy') return { state: 'succeeded', source: 'job', detail: `${health.message} (no evidence record)` };
    return { state: 'running', source: 'job', detail: phase === 'Running' ? `running: ${result}` : health.message };
  }
  if (phase === 'Running') return { state: 'running', source: 'evidence', detail: `started, no Job object: ${result}` };
  // A rollback retired the Job (charts/scripts/kube/retire-jobs.sh): its work is undone until it runs again.
  if (phase === 'Undone') return { state: 'not-run', source: 'evidence', detail: result || 'undone by a rollback' };
  return { state: 'not-run', source: 'none', detail: 'no Job and no evidence record' };
}

/**
 * The objects a step's record names under `<step>.targets`: `Kind/namespace/name=uid` entries separated by
 * commas (written by charts/scripts/lib/evidence.sh from EVIDENCE_TARGETS). Malformed entries are skipped.
 */
export function evidenceTargets(evidence: KubeObject | undefined, step: string): EvidenceTarget[] {
  const raw = evidenceField(evidence?.data as Record<string, string> | undefined, step, 'targets') ?? '';
  const out: EvidenceTarget[] = [];
  for (const entry of raw.split(',')) {
    const match = /^([A-Za-z]+)\/([a-z0-9.-]+)\/([a-z0-9.-]+)=([A-Za-z0-9-]+)$/.exec(entry.trim());
    if (match) out.push({ kind: match[1]!, namespace: match[2]!, name: match[3]!, uid: match[4]! });
  }
  return out;
}

/** The first target whose live object is gone or has another uid, in words; undefined when all are as recorded (or unreadable). */
function replacedTarget(targets: readonly EvidenceTarget[], lookup: TargetLookup): string | undefined {
  for (const t of targets) {
    const live = lookup(t);
    if (live === null) continue;
    const what = `${t.kind} ${t.namespace}/${t.name}`;
    if (live === undefined) return `${what}, which it filled (uid ${t.uid}), is gone: its data with it; apply the phase again`;
    const uid = typeof live.metadata.uid === 'string' ? live.metadata.uid : undefined;
    const created = typeof live.metadata.creationTimestamp === 'string' ? `, created ${live.metadata.creationTimestamp}` : '';
    if (uid !== undefined && uid !== t.uid) {
      return `${what} was recreated after it ran (it filled uid ${t.uid}, the live one is uid ${uid}${created}): its data is gone; apply the phase again`;
    }
  }
  return undefined;
}

/**
 * The recorded and current Job digests when they differ. Records written before the digest was recorded, or
 * by a script run outside a Job, have none: nothing can be said then, so nothing is.
 */
function planChange(job: KubeObject, recorded: string | undefined): { recorded: string; current: string } | undefined {
  const current = jobDigestOf(job);
  if (!recorded || !current || recorded === current) return undefined;
  return { recorded, current };
}

/** The `JOB_SHA256` every synthesized Job's container carries (what its script records as `jobSha256`). */
export function jobDigestOf(job: KubeObject): string | undefined {
  const containers = ((job.spec as { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } | undefined)?.template?.spec?.containers ?? []);
  for (const c of containers) {
    const value = c.env?.find((e) => e.name === 'JOB_SHA256')?.value;
    if (value) return value;
  }
  return undefined;
}

/** The first 12 hex digits, enough to tell two plans apart in a sentence or a report field. */
export function shortDigest(digest: string): string {
  return digest.slice(0, 12);
}
