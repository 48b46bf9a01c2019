import type { KubeObject } from '../kube/kube-object.js';
import { protectCutText } from '../redact/session.js';

/** ConfigMap the Jobs record their completion in (one per namespace); same name as the charts use. */
export const EVIDENCE_CONFIGMAP = 'threescale-migrate-evidence';

/** What is known about one Job's run. */
export interface JobEvidence {
  /** `succeeded`, `running`, `failed` or `not-run`. */
  readonly state: 'succeeded' | 'running' | 'failed' | 'not-run';
  /** Where it comes from: the durable record, the Job object, or nothing. */
  readonly source: 'evidence' | 'job' | 'none';
  /** One line: the script's summary, the Job condition, or why nothing is known. */
  readonly detail: string;
  /** When it finished, if it did. */
  readonly finishedAt?: string;
  /**
   * Set when the record says the step ran for another version of the plan (its `planSha256` differs from the
   * `PLAN_SHA256` of the Job synthesized now): the step is done, but for inputs that may have changed since.
   */
  readonly otherPlan?: { readonly recorded: string; readonly current: string };
}

/**
 * The state of a Job from its evidence record first (finished Jobs may have been deleted by TTL or by
 * an Argo CD hook policy), then from the Job object's conditions.
 */
export function jobEvidence(job: KubeObject, evidence: KubeObject | undefined, liveJob: KubeObject | undefined): JobEvidence {
  const step = job.metadata.name;
  const data = (evidence?.data ?? {}) as Record<string, string>;
  const phase = data[`${step}.phase`];
  // The scripts cut what they record at 512 characters, possibly inside a secret value: its start is masked too.
  const result = protectCutText(data[`${step}.result`] ?? '');
  const finishedAt = data[`${step}.finishedAt`] || undefined;
  if (phase === 'Succeeded' || phase === 'Failed') {
    const state = phase === 'Succeeded' ? 'succeeded' : 'failed';
    const otherPlan = planChange(job, data[`${step}.planSha256`]);
    const detail = (result || state) + (otherPlan ? `; ran for another version of the plan (sha256 ${shortDigest(otherPlan.recorded)}, this plan ${shortDigest(otherPlan.current)})` : '');
    return { state, source: 'evidence', detail, finishedAt, ...(otherPlan ? { otherPlan } : {}) };
  }
  if (liveJob) {
    const conditions = ((liveJob.status as { conditions?: { type: string; status: string; message?: string }[] } | undefined)?.conditions ?? []).filter((c) => c.status === 'True');
    const failed = conditions.find((c) => c.type === 'Failed');
    if (failed) return { state: 'failed', source: 'job', detail: `Job failed${failed.message ? `: ${failed.message}` : ''}` };
    if (conditions.some((c) => c.type === 'Complete')) return { state: 'succeeded', source: 'job', detail: 'Job complete (no evidence record)' };
    return { state: 'running', source: 'job', detail: phase === 'Running' ? `running: ${result}` : 'Job is running' };
  }
  if (phase === 'Running') return { state: 'running', source: 'evidence', detail: `started, no Job object: ${result}` };
  return { state: 'not-run', source: 'none', detail: 'no Job and no evidence record' };
}

/**
 * The recorded and current plan digests when they differ. Records written before the digest was recorded, or
 * by a script run outside a Job, have none: nothing can be said then, so nothing is.
 */
function planChange(job: KubeObject, recorded: string | undefined): { recorded: string; current: string } | undefined {
  const current = planDigestOf(job);
  if (!recorded || !current || recorded === current) return undefined;
  return { recorded, current };
}

/** The `PLAN_SHA256` every synthesized Job's container carries (what its script records as `planSha256`). */
export function planDigestOf(job: KubeObject): string | undefined {
  const containers = ((job.spec as { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } | undefined)?.template?.spec?.containers ?? []);
  for (const c of containers) {
    const value = c.env?.find((e) => e.name === 'PLAN_SHA256')?.value;
    if (value) return value;
  }
  return undefined;
}

/** The first 12 hex digits, enough to tell two plans apart in a sentence or a report field. */
export function shortDigest(digest: string): string {
  return digest.slice(0, 12);
}
