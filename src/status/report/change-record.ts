import type { KubeObject } from '../../kube/kube-object.js';
import type { DiffReport } from '../diff-report.js';
import { rollbackAdvice } from '../rollback-advice.js';
import { phaseOf } from '../../contract/on-cluster.js';

/** One bar of the timeline: a phase (from its Jobs) or a Job, from its recorded start to its end. */
export interface TimelineBar {
  readonly label: string;
  readonly kind: 'phase' | 'job';
  readonly start: number;
  readonly end: number;
  /** Still running when the record was made: the bar ends at the record's time. */
  readonly open: boolean;
  readonly state: string;
}

/** What a Job's evidence record says it verified. */
export interface VerifiedData {
  readonly job: string;
  readonly phase: string;
  readonly result: string;
  readonly fingerprint: string | null;
  readonly finishedAt: string | null;
}

/** The change record of a window, as `status --report` writes it. */
export interface ChangeRecord {
  readonly migration: string;
  readonly target: string;
  readonly madeAt: number;
  readonly phases: readonly { readonly folder: string; readonly status: string; readonly reason: string }[];
  readonly timeline: readonly TimelineBar[];
  readonly verified: readonly VerifiedData[];
  readonly versions: readonly { readonly what: string; readonly before: string; readonly after: string }[];
  readonly rollback: string;
}


/** The record from the status just read, the live Jobs and the evidence ConfigMaps' data (per namespace). */
export function buildChangeRecord(report: DiffReport, jobs: readonly KubeObject[], evidence: ReadonlyMap<string, Readonly<Record<string, string>>>, before: { readonly version: string | null; readonly operatorVersion: string | null }, now: number): ChangeRecord {
  const jobBars = jobs.flatMap((j) => jobBar(j, evidence.get(j.metadata.namespace ?? '') ?? {}, now)).sort((a, b) => a.start - b.start || a.label.localeCompare(b.label));
  const phaseBars = report.phases.flatMap((p): TimelineBar[] => {
    const own = jobBars.filter((b) => b.label.startsWith(`${p.id}/`));
    if (own.length === 0) return [];
    return [{ label: p.folder, kind: 'phase', start: Math.min(...own.map((b) => b.start)), end: Math.max(...own.map((b) => b.end)), open: own.some((b) => b.open), state: p.status }];
  });
  const timeline = phaseBars.flatMap((p) => [p, ...jobBars.filter((b) => b.label.startsWith(`${p.label.replace(/^\d+-/, '')}/`))]);
  const verified = jobs
    .map((j) => ({ j, data: evidence.get(j.metadata.namespace ?? '') ?? {} }))
    .filter(({ j, data }) => data[`${j.metadata.name}.phase`] !== undefined)
    .map(({ j, data }) => ({
      job: `${j.metadata.namespace}/${j.metadata.name}`,
      phase: data[`${j.metadata.name}.phase`]!,
      result: data[`${j.metadata.name}.result`] ?? '',
      fingerprint: data[`${j.metadata.name}.sourceFingerprint`] || null,
      finishedAt: data[`${j.metadata.name}.finishedAt`] || null,
    }))
    .sort((a, b) => a.job.localeCompare(b.job));
  const started = report.phases.filter((p) => !['pending', 'blocked'].includes(p.status));
  const latest = started.at(-1);
  return {
    migration: report.migration,
    target: report.target,
    madeAt: now,
    phases: report.phases.map((p) => ({ folder: p.folder, status: p.status, reason: p.reason })),
    timeline,
    verified,
    versions: [
      { what: '3scale release (APIManager)', before: before.version ?? 'unknown', after: report.threescale?.version ?? 'unknown' },
      { what: '3scale operator', before: before.operatorVersion ?? 'unknown', after: report.threescale?.operatorVersion ?? 'unknown' },
    ],
    rollback: latest ? rollbackAdvice(report.phases, latest.folder).sentence : 'nothing was applied: nothing to roll back',
  };
}

function jobBar(job: KubeObject, data: Readonly<Record<string, string>>, now: number): TimelineBar[] {
  const status = (job.status ?? {}) as { startTime?: string; completionTime?: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
  const start = Date.parse(String(status.startTime ?? job.metadata.creationTimestamp ?? ''));
  if (Number.isNaN(start)) return [];
  const failed = status.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
  const endText = status.completionTime ?? failed?.lastTransitionTime ?? data[`${job.metadata.name}.finishedAt`];
  const end = Date.parse(endText ?? '');
  const phase = phaseOf(job) ?? 'unknown';
  const state = failed ? 'failed' : status.completionTime ? 'succeeded' : 'running';
  return [{ label: `${phase}/${job.metadata.name}`, kind: 'job', start, end: Number.isNaN(end) ? now : Math.max(end, start), open: Number.isNaN(end), state }];
}
