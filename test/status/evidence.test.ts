import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { EVIDENCE_CONFIGMAP, jobEvidence } from '../../src/status/evidence.js';
import { evidenceConfigMap } from '../support/memory-source.js';

const job: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'copy-system-database', namespace: '3scale-db' } };

/** The Job as the API server shows it, with the given conditions. */
function liveJob(conditions: { type: string; status: string; message?: string }[] = []): KubeObject {
  return { ...job, status: { active: conditions.length ? 0 : 1, conditions } };
}

describe('jobEvidence', () => {
  test('the evidence ConfigMap has the name the charts write to', () => {
    expect(EVIDENCE_CONFIGMAP).toBe('threescale-migrate-evidence');
  });

  describe('a record a rollback marked Undone (kube/retire-jobs.sh)', () => {
    const undone = evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Undone', result: 'undone by rollback/02-scale-down', finishedAt: '2025-03-01T10:00:00Z' } });

    test('GIVEN an Undone record and no Job WHEN read THEN the step has not run, and the rollback that undid it is named', () => {
      // WHEN
      const e = jobEvidence(job, undone, undefined);

      // THEN a re-entered phase reads pending until its Job runs again
      expect(e).toEqual({ state: 'not-run', source: 'evidence', detail: 'undone by rollback/02-scale-down' });
    });

    test('GIVEN an Undone record WHEN the phase is applied again and its new Job runs THEN the new Job decides', () => {
      // WHEN / THEN a new Job still running is running, never done
      expect(jobEvidence(job, undone, liveJob()).state).toBe('running');
      // AND a new Job that failed is failed
      expect(jobEvidence(job, undone, liveJob([{ type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }])).state).toBe('failed');
    });

    test('GIVEN an Undone record without a summary WHEN read THEN it still says a rollback undid it', () => {
      const bare = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: EVIDENCE_CONFIGMAP, namespace: '3scale-db' }, data: { 'copy-system-database.phase': 'Undone' } };
      expect(jobEvidence(job, bare, undefined)).toEqual({ state: 'not-run', source: 'evidence', detail: 'undone by a rollback' });
    });
  });

  describe('the evidence record comes first', () => {
    test('a Succeeded record is success, with the script summary and the finish time, even after the Job was deleted', () => {
      // GIVEN a record of the step and no Job object (TTL or hook policy deleted it)
      const evidence = evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Succeeded', result: 'restored 412 tables', finishedAt: '2025-03-01T10:00:00Z' } });

      // WHEN
      const e = jobEvidence(job, evidence, undefined);

      // THEN
      expect(e).toEqual({ state: 'succeeded', source: 'evidence', detail: 'restored 412 tables', finishedAt: '2025-03-01T10:00:00Z' });
    });

    test('a Succeeded record wins over a Job object whose last attempt failed', () => {
      // GIVEN the record says Succeeded, the Job object carries a Failed condition of an earlier attempt
      const evidence = evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Succeeded', result: 'done' } });

      // WHEN
      const e = jobEvidence(job, evidence, liveJob([{ type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }]));

      // THEN
      expect(e.state).toBe('succeeded');
      expect(e.source).toBe('evidence');
    });

    test('a Failed record is failure, with the script summary, even while the Job object looks complete', () => {
      // GIVEN
      const evidence = evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Failed', result: 'pg_restore exited 1', finishedAt: '2025-03-01T10:05:00Z' } });

      // WHEN
      const e = jobEvidence(job, evidence, liveJob([{ type: 'Complete', status: 'True' }]));

      // THEN
      expect(e).toEqual({ state: 'failed', source: 'evidence', detail: 'pg_restore exited 1', finishedAt: '2025-03-01T10:05:00Z' });
    });

    test('a record without a summary still says what happened', () => {
      // GIVEN records with an empty result
      const ok = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: EVIDENCE_CONFIGMAP, namespace: '3scale-db' }, data: { 'copy-system-database.phase': 'Succeeded', 'copy-system-database.result': '' } };
      const ko = { ...ok, data: { 'copy-system-database.phase': 'Failed' } };

      // WHEN / THEN
      expect(jobEvidence(job, ok, undefined)).toEqual({ state: 'succeeded', source: 'evidence', detail: 'succeeded', finishedAt: undefined });
      expect(jobEvidence(job, ko, undefined)).toEqual({ state: 'failed', source: 'evidence', detail: 'failed', finishedAt: undefined });
    });

    test('the records of other steps in the same ConfigMap are not this Job’s', () => {
      // GIVEN a ConfigMap holding only the records of other steps
      const evidence = evidenceConfigMap('3scale-db', { 'copy-backend-redis': { phase: 'Succeeded' }, 'copy-system-database-2': { phase: 'Failed' } });

      // WHEN
      const e = jobEvidence(job, evidence, undefined);

      // THEN
      expect(e).toEqual({ state: 'not-run', source: 'none', detail: 'no Job and no evidence record' });
    });
  });

  describe('the plan the step ran for', () => {
    const digest = (c: string) => c.repeat(64);
    /** The Job as synthesized from the plan with digest `current`. */
    const synthesized = (current: string): KubeObject => ({
      ...job,
      spec: { template: { spec: { containers: [{ name: 'run', env: [{ name: 'STEP', value: 'copy' }, { name: 'JOB_SHA256', value: current }] }] } } },
    });

    test('GIVEN a record made for another version of the plan WHEN judged THEN the step is done, and says for which plan', () => {
      // GIVEN the copy ran for plan a…, the plan is now b…
      const evidence = evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Succeeded', result: 'restored 412 tables', jobSha256: digest('a') } });

      // WHEN
      const e = jobEvidence(synthesized(digest('b')), evidence, undefined);

      // THEN
      expect(e.state).toBe('succeeded');
      expect(e.otherPlan).toEqual({ recorded: digest('a'), current: digest('b') });
      expect(e.detail).toBe('restored 412 tables; ran for another version of the plan that changed this Job (sha256 aaaaaaaaaaaa, now bbbbbbbbbbbb)');
    });

    test('GIVEN a failed record made for another version of the plan WHEN judged THEN the failure says so too', () => {
      const evidence = evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Failed', result: 'pg_restore exited 1', jobSha256: digest('a') } });
      const e = jobEvidence(synthesized(digest('b')), evidence, undefined);
      expect(e.state).toBe('failed');
      expect(e.detail).toContain('ran for another version of the plan');
    });

    test('GIVEN a record made for this plan WHEN judged THEN nothing is added', () => {
      const evidence = evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Succeeded', result: 'done', jobSha256: digest('b') } });
      expect(jobEvidence(synthesized(digest('b')), evidence, undefined)).toEqual({ state: 'succeeded', source: 'evidence', detail: 'done', finishedAt: '2025-01-01T00:00:00Z' });
    });

    test('GIVEN a record without a digest (an older record, or a script run by hand) WHEN judged THEN nothing can be said, so nothing is', () => {
      const old = evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Succeeded', result: 'done' } });
      const byHand = evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Succeeded', result: 'done', jobSha256: '' } });
      expect(jobEvidence(synthesized(digest('b')), old, undefined).otherPlan).toBeUndefined();
      expect(jobEvidence(synthesized(digest('b')), byHand, undefined).otherPlan).toBeUndefined();
    });
  });

  describe('then the Job conditions', () => {
    test('a Failed condition is failure, with the condition message', () => {
      // GIVEN no record, a Job with a true Failed condition
      // WHEN
      const e = jobEvidence(job, undefined, liveJob([{ type: 'Failed', status: 'True', message: 'Job has reached the specified backoff limit' }]));

      // THEN
      expect(e).toEqual({ state: 'failed', source: 'job', detail: 'the Job failed: Job has reached the specified backoff limit' });
    });

    test('a Failed condition without a message is failure too', () => {
      expect(jobEvidence(job, undefined, liveJob([{ type: 'Failed', status: 'True' }]))).toEqual({ state: 'failed', source: 'job', detail: 'the Job failed' });
    });

    test('a Complete condition is success, saying there was no record', () => {
      // GIVEN / WHEN
      const e = jobEvidence(job, undefined, liveJob([{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }]));

      // THEN
      expect(e).toEqual({ state: 'succeeded', source: 'job', detail: 'the Job completed (no evidence record)' });
    });

    test('conditions that are not True do not count: the Job is running', () => {
      // GIVEN a Job whose Failed and Complete conditions are False
      // WHEN
      const e = jobEvidence(job, undefined, liveJob([{ type: 'Failed', status: 'False' }, { type: 'Complete', status: 'Unknown' }]));

      // THEN
      expect(e).toEqual({ state: 'running', source: 'job', detail: 'waits for the Job to complete' });
    });

    test('a Job without conditions is running', () => {
      expect(jobEvidence(job, undefined, { ...job, status: { active: 1 } })).toEqual({ state: 'running', source: 'job', detail: 'waits for the Job to complete (1 pod active)' });
      expect(jobEvidence(job, undefined, job)).toEqual({ state: 'running', source: 'job', detail: 'waits for the Job to complete' });
    });

    test('a Running record and a live Job: running, with the script’s progress line', () => {
      // GIVEN
      const evidence = evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Running', result: 'dumping 412 tables' } });

      // WHEN
      const e = jobEvidence(job, evidence, liveJob());

      // THEN
      expect(e).toEqual({ state: 'running', source: 'job', detail: 'running: dumping 412 tables' });
    });

    test('a Running record does not hide the Job object’s end (the script died before writing it)', () => {
      // GIVEN a record left at Running and a Job the kubelet marked Failed
      const evidence = evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Running', result: 'dumping' } });

      // WHEN
      const failed = jobEvidence(job, evidence, liveJob([{ type: 'Failed', status: 'True', message: 'DeadlineExceeded' }]));
      const complete = jobEvidence(job, evidence, liveJob([{ type: 'Complete', status: 'True' }]));

      // THEN
      expect(failed).toEqual({ state: 'failed', source: 'job', detail: 'the Job failed: DeadlineExceeded' });
      expect(complete.state).toBe('succeeded');
    });
  });

  describe('without a Job object', () => {
    test('a Running record alone is running, saying the Job object is gone', () => {
      // GIVEN a record at Running and no Job object
      const evidence = evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Running', result: 'dumping 412 tables' } });

      // WHEN
      const e = jobEvidence(job, evidence, undefined);

      // THEN
      expect(e).toEqual({ state: 'running', source: 'evidence', detail: 'started, no Job object: dumping 412 tables' });
      expect(e.finishedAt).toBeUndefined();
    });

    test('nothing at all is not-run', () => {
      // GIVEN no record, no ConfigMap, no Job
      // WHEN / THEN
      expect(jobEvidence(job, undefined, undefined)).toEqual({ state: 'not-run', source: 'none', detail: 'no Job and no evidence record' });
      expect(jobEvidence(job, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: EVIDENCE_CONFIGMAP, namespace: '3scale-db' } }, undefined).state).toBe('not-run');
    });
  });
});
