import type { KubeObject } from '../kube/kube-object.js';

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
}

/**
 * The state of a Job from its evidence record first (finished Jobs may have been deleted by TTL or by
 * an Argo CD hook policy), then from the Job object's conditions.
 */
export function jobEvidence(job: KubeObject, evidence: KubeObject | undefined, liveJob: KubeObject | undefined): JobEvidence {
  const step = job.metadata.name;
  const data = (evidence?.data ?? {}) as Record<string, string>;
  const phase = data[`${step}.phase`];
  const result = data[`${step}.result`] ?? '';
  const finishedAt = data[`${step}.finishedAt`] || undefined;
  if (phase === 'Succeeded') return { state: 'succeeded', source: 'evidence', detail: result || 'succeeded', finishedAt };
  if (phase === 'Failed') return { state: 'failed', source: 'evidence', detail: result || 'failed', finishedAt };
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
