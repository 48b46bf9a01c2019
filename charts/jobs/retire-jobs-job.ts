import type { PhaseChart } from '../phase-chart.js';
import { grant } from '../constructs/grant.js';
import { EVIDENCE_CONFIGMAP } from '../constructs/migration-job.js';
import { kubeJob } from './kube-job.js';

/** A Job of a forward phase, by namespace and name. */
export interface JobRef {
  readonly namespace: string;
  readonly name: string;
}

/**
 * Name of the Job a rollback folder retires the undone phases' Jobs with: one per rollback folder, because
 * Flux (prune off, no force) keeps the Job of the folder before, and a Job's template is immutable.
 */
export const retireUndoneJobsName = (phaseId: string): string => `retire-undone-jobs-${phaseId}`;

/**
 * Name of the Job a forward phase retires its rollback folder's Jobs with (they ran at an earlier rollback and
 * must run again at the next one), one per forward phase for the same reasons.
 */
export const retireRollbackJobsName = (phaseId: string): string => `retire-rollback-jobs-${phaseId}`;

/** Whether a Job name is one of those two. */
export const isRetireJobName = (name: string): boolean => /^retire-(undone|rollback)-jobs-/.test(name);

/**
 * A Job `name` deleting the listed Jobs and marking their evidence records `Undone` (kube/retire-jobs.sh), with
 * delete rights on those Jobs and patch rights on the evidence ConfigMap of each of their namespaces only.
 */
export function retireJobsJob(chart: PhaseChart, name: string, jobs: readonly JobRef[], undoneBy: string): void {
  if (!jobs.length) return;
  const byNamespace = new Map<string, string[]>();
  for (const j of jobs) byNamespace.set(j.namespace, [...(byNamespace.get(j.namespace) ?? []), j.name]);
  const access = [...byNamespace.entries()].map(([namespace, names]) => ({
    namespace,
    rules: [grant({ types: 'job', names }, ['get', 'delete']), grant({ types: 'configmap', names: [EVIDENCE_CONFIGMAP] }, ['get', 'patch'])],
  }));
  kubeJob(chart, 'RetireUndoneJobs', {
    name,
    namespace: chart.plan.spec.threescale.namespace,
    script: 'retire-jobs.sh',
    wave: 0,
    env: [
      { name: 'JOBS', value: jobs.map((j) => `${j.namespace} ${j.name}`).join('\n') },
      { name: 'UNDONE_BY', value: undoneBy },
    ],
    access,
    // Argo CD reruns a phase's hooks whenever it syncs the folder and a re-entered folder that is already Synced
    // runs none: deleting its Jobs there would leave the work pending until a manual sync (README, rollback).
    argoSkips: true,
  });
}
