/**
 * Specification of the Job every rollback folder renders to retire the Jobs of the forward phases it undoes
 * (charts/retire-undone-jobs-chart.ts, charts/jobs/retire-jobs-job.ts, src/synth/synthesize.ts): without it,
 * Flux would apply the same Complete Jobs again when the phases are applied again, and never run them.
 */
import { describe, expect, test } from 'vitest';
import { isRetireJobName } from '../../charts/jobs/retire-jobs-job.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { loadPlanFile } from '../../src/plan/load-plan.js';
import { synthesize, type FolderState, type SynthResult } from '../../src/synth/synthesize.js';
import { EXAMPLE_PLANS } from '../support/fake-api-kubectl.js';

const env = (job: KubeObject, name: string): string | undefined =>
  ((job.spec as any).template.spec.containers[0].env as { name: string; value?: string }[]).find((e) => e.name === name)?.value;

const retireJob = (state: FolderState): KubeObject | undefined => state.own.find((o) => o.kind === 'Job' && o.metadata.name === `retire-undone-jobs-${state.phase.definition.id}`);

/** "<namespace> <name>" of the Jobs of the forward phases from `order` on. */
const undoneJobs = (result: SynthResult, order: number): string[] =>
  result.forward.filter((s) => s.phase.order >= order).flatMap((s) => s.own.filter((o) => o.kind === 'Job').map((o) => `${o.metadata.namespace} ${o.metadata.name}`));

describe.each(Object.entries(EXAMPLE_PLANS))('GIVEN the example plan %s WHEN synthesized', (_name, file) => {
  test('THEN each rollback folder that undoes Jobs has one retire Job naming exactly the Jobs of its phase and every later forward phase', async () => {
    const result = await synthesize(loadPlanFile(file));
    expect(result.rollbacks.filter(retireJob).length).toBeGreaterThan(0);
    for (const state of result.rollbacks) {
      const job = retireJob(state);
      // A rollback of phases that render no Job has nothing to retire, and renders nothing for it
      if (undoneJobs(result, state.phase.order).length === 0) {
        expect(job, state.folder).toBeUndefined();
        continue;
      }
      expect(job, state.folder).toBeDefined();
      expect(state.objects, state.folder).toContain(job);
      const listed = env(job!, 'JOBS')!.split('\n');
      expect(listed, state.folder).toEqual(undoneJobs(result, state.phase.order));
      // AND it never lists a Job of the rollback folder itself, nor of an earlier phase
      expect(listed.some((l) => l.includes(' retire-undone-jobs'))).toBe(false);
      expect(env(job!, 'UNDONE_BY')).toBe(state.folder);
    }
    // AND no forward folder has one
    expect(result.forward.every((s) => retireJob(s) === undefined)).toBe(true);
  });

  test('THEN the retire Job may delete exactly the listed Jobs and patch only the evidence ConfigMap, in each of their namespaces', async () => {
    const result = await synthesize(loadPlanFile(file));
    for (const state of result.rollbacks.filter(retireJob)) {
      const job = retireJob(state)!;
      const sa = (job.spec as any).template.spec.serviceAccountName as string;
      const bound = state.own
        .filter((o) => o.kind === 'RoleBinding' && ((o as any).subjects as { name: string }[]).some((s) => s.name === sa))
        .map((b) => state.own.find((r) => r.kind === 'Role' && r.metadata.namespace === b.metadata.namespace && r.metadata.name === (b as any).roleRef.name)!);
      const jobRules = bound.flatMap((r) => ((r as any).rules as { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] }[]).filter((rule) => rule.resources.includes('jobs')).map((rule) => ({ ns: r.metadata.namespace, ...rule })));
      const granted = jobRules.flatMap((rule) => (rule.resourceNames ?? ['*ALL*']).map((n) => `${rule.ns} ${n}`)).sort();
      expect(granted, state.folder).toEqual(env(job, 'JOBS')!.split('\n').sort());
      for (const rule of jobRules) expect(rule.verbs).toEqual(['get', 'delete']);
      // AND on ConfigMaps: get and patch of the evidence ConfigMap only (create cannot name an object: its own record's first write)
      const cmRules = bound.flatMap((r) => ((r as any).rules as { resources: string[]; resourceNames?: string[]; verbs: string[] }[]).filter((rule) => rule.resources.includes('configmaps')));
      expect(cmRules.length).toBeGreaterThan(0);
      for (const rule of cmRules) {
        if (rule.resourceNames) expect(rule.resourceNames).toEqual(['threescale-migrate-evidence']);
        else expect(rule.verbs).toEqual(['create']);
      }
    }
  });
});

describe.each(Object.entries(EXAMPLE_PLANS))('GIVEN the example plan %s WHEN synthesized (going forward again, and a second rollback)', (_name, file) => {
  const forwardRetire = (state: FolderState): KubeObject | undefined => state.own.find((o) => o.kind === 'Job' && o.metadata.name === `retire-rollback-jobs-${state.phase.definition.id}`);

  test('THEN each forward phase whose rollback folder has a retire Job has one too, naming exactly the Jobs of that rollback folder (its retire Job included), and no other folder has one', async () => {
    const result = await synthesize(loadPlanFile(file));
    for (const undo of result.rollbacks) {
      const phase = result.forward.find((s) => s.phase === undo.phase)!;
      const job = forwardRetire(phase);
      if (!retireJob(undo)) {
        expect(job, phase.folder).toBeUndefined();
        continue;
      }
      expect(job, phase.folder).toBeDefined();
      expect(env(job!, 'JOBS')!.split('\n'), phase.folder).toEqual(undo.own.filter((o) => o.kind === 'Job').map((o) => `${o.metadata.namespace} ${o.metadata.name}`));
      expect(env(job!, 'UNDONE_BY')).toBe(phase.folder);
      // AND the rollback folder's retire Job names it back: each run of one makes the other run again at its next visit
      expect(env(retireJob(undo)!, 'JOBS')!.split('\n')).toContain(`${job!.metadata.namespace} ${job!.metadata.name}`);
    }
    const withRollback = new Set(result.rollbacks.map((s) => s.phase));
    for (const s of result.forward.filter((f) => !withRollback.has(f.phase))) expect(forwardRetire(s), s.folder).toBeUndefined();
    expect(result.rollbacks.every((s) => forwardRetire(s) === undefined)).toBe(true);
  });

  test('THEN every retire Job and its helpers are marked for Argo CD to skip (Flux ignores the key), and no other Job is', async () => {
    const result = await synthesize(loadPlanFile(file));
    for (const state of [...result.forward, ...result.rollbacks]) {
      for (const o of state.own) {
        const retire = isRetireJobName(o.metadata.name);
        expect(o.metadata.annotations?.['argocd.argoproj.io/hook'] === 'Skip', `${state.folder} ${o.kind} ${o.metadata.name}`).toBe(retire);
      }
    }
  });
});

describe('GIVEN the PostgreSQL example WHEN synthesized', () => {
  test('THEN rollback/05-cutover retires the cut-over rewrite and the later verify Jobs, and rollback/01-prepare every forward Job from prepare on', async () => {
    const result = await synthesize(loadPlanFile(EXAMPLE_PLANS.postgresql));
    const byFolder = new Map(result.rollbacks.filter(retireJob).map((s) => [s.folder, env(retireJob(s)!, 'JOBS')!.split('\n')]));
    const cutover = [...byFolder.entries()].find(([f]) => /^rollback\/\d\d-cutover$/.test(f))![1];
    expect(cutover).toContain('3scale rewrite-connection-secrets');
    expect(cutover.some((l) => l.endsWith(' copy-system-database'))).toBe(false);
    const prepare = [...byFolder.entries()].find(([f]) => /^rollback\/\d\d-prepare$/.test(f))![1];
    expect(prepare).toEqual(expect.arrayContaining(['3scale rewrite-connection-secrets', ...cutover]));
    expect(prepare.length).toBeGreaterThan(cutover.length);
  });
});
