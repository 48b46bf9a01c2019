/**
 * Specification of src/synth/phase-readme.ts: the PHASE.md of a folder says what applying it changes,
 * what must hold first, how it is undone, and how each object in it is applied.
 */
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { findPlannedPhase } from '../../src/phases/registry.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { phaseReadme } from '../../src/synth/phase-readme.js';
import type { FolderState } from '../../src/synth/synthesize.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { loadExample } from '../support/plans.js';

const partial: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'system-app', namespace: '3scale', annotations: { 'threescale-migrate.3scale.net/partial': 'true' } },
};
const job: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'copy-system-database', namespace: '3scale-db', annotations: { 'threescale-migrate.3scale.net/scope': 'phase' } },
};
const full: KubeObject = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'postgresql-data-external', namespace: '3scale-db' } };
const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: '3scale-db' } };

function state(plan: Plan, phaseId: string, objects: KubeObject[], own: KubeObject[], rollback = false): FolderState {
  const phase = findPlannedPhase(plan, phaseId);
  return { phase, rollback, folder: rollback ? `rollback/${phase.folder}` : phase.folder, objects, own, extraFiles: [] };
}

describe('phaseReadme', () => {
  test('of a forward folder gives the title, the window, the changes, the expectations and the rollback folder', () => {
    // GIVEN
    const { plan } = loadExample('postgresql-and-redis');
    const def = findPlannedPhase(plan, 'copy-data').definition;

    // WHEN
    const text = phaseReadme(plan, state(plan, 'scale-down', [], []));

    // THEN
    expect(text.split('\n').slice(0, 10)).toEqual([
      '# 02-scale-down: Stop the operator and 3scale, keep the old databases running',
      '',
      'Maintenance window: opens it (3scale stops).',
      '',
      'What applying this folder changes:',
      '',
      expect.stringMatching(/^- first, Job check-queues \(read-only, seed 6\.1\) waits up to 5 minutes /),
      '- operator Deployment 3scale/threescale-operator-controller-manager-v2 to 0 replicas',
      expect.stringMatching(/^- system-memcache, zync-database, .* to 0 replicas$/),
      '',
    ]);
    expect(text).toContain('What must hold before it starts:\n\n- the new servers of prepare are ready\n- the copy Jobs can reach the old database Services\n- a quiet hour: the background jobs can be processed before 3scale stops (seed 6.1)\n');
    expect(text).toContain('Rollback: `rollback/02-scale-down` (start 3scale and the operator again).');
    expect(def.rollback).toBeUndefined();
    expect(phaseReadme(plan, state(plan, 'copy-data', [], []))).toContain('Rollback: nothing to undo.');
  });

  test('of a rollback folder names the phase it undoes and what the rollback changes', () => {
    // GIVEN
    const { plan } = loadExample('postgresql-and-redis');

    // WHEN
    const text = phaseReadme(plan, state(plan, 'cutover', [], [], true));

    // THEN
    expect(text.startsWith('# Rollback of 05-cutover: point 3scale back at the old databases\n\nDesired state: the state before this phase, plus what undoes it:\n\n')).toBe(true);
    expect(text).toContain('- Job restore-connection-secrets restores the connection Secrets from their in-cluster backups\n');
    expect(text).not.toContain('Maintenance window');
    expect(text).not.toContain('What must hold');
  });

  test('lists every object with how it is applied, and marks the ones carried from an earlier phase', () => {
    // GIVEN
    const { plan } = loadExample('postgresql-and-redis');
    const objects = [namespace, full, partial, job];

    // WHEN
    const text = phaseReadme(plan, state(plan, 'copy-data', objects, [job]));

    // THEN
    const table = text.slice(text.indexOf('## Objects'));
    expect(table).toBe(
      [
        '## Objects',
        '',
        '| object | how it is applied |',
        '| --- | --- |',
        '| Namespace 3scale-db | full object (carried from an earlier phase) |',
        '| PersistentVolumeClaim 3scale-db/postgresql-data-external | full object (carried from an earlier phase) |',
        '| Deployment 3scale/system-app | partial (server-side apply of our fields only) (carried from an earlier phase) |',
        '| Job 3scale-db/copy-system-database | this phase only (Job) |',
        '',
      ].join('\n'),
    );
  });

  test('of every synthesized folder of an example lists exactly the objects of that folder', async () => {
    // GIVEN
    const loaded = loadExample('mysql-in-place-and-redis');
    const result = await synthesize(loaded);

    for (const s of [...result.forward, ...result.rollbacks]) {
      // WHEN
      const text = phaseReadme(loaded.plan, s);

      // THEN
      const rows = text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| object') && !l.startsWith('| ---'));
      expect(rows, s.folder).toHaveLength(s.objects.length);
      expect(rows.filter((r) => !r.includes('(carried from an earlier phase)')), s.folder).toHaveLength(s.own.length);
      expect(text.endsWith('\n')).toBe(true);
      expect(text).not.toContain('undefined');
    }
  });
});
