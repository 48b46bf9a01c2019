/**
 * Specification of src/gitops/promotion-gate.ts: the ordering gate of the one-pointer model. The pointer moves
 * to phase N only when the report `status` prints shows every earlier phase done; rollbacks are never held back.
 */
import { describe, expect, test } from 'vitest';
import { promotionGate } from '../../src/gitops/promotion-gate.js';
import type { DiffReport, PhaseReport, PhaseStatus } from '../../src/status/diff-report.js';

const IDS = ['preflight', 'prepare', 'scale-down', 'copy-data', 'upgrade'];

/** A report whose phases have the given statuses, in order. */
function report(statuses: PhaseStatus[], failedChecks: string[] = []): DiffReport {
  const phases: PhaseReport[] = statuses.map((status, i) => ({
    order: i,
    id: IDS[i]!,
    folder: `0${i}-${IDS[i]}`,
    status,
    reason: `why ${IDS[i]} is ${status}`,
    checks: { total: 1, satisfied: status === 'applied' ? 1 : 0, superseded: 0 },
    rollback: i === 0 || i === 3 ? null : `rollback/0${i}-${IDS[i]}`,
    // As the migration's upgrade phase declares it (upgradesThreescale): it waits for the preflight checks.
    ...(IDS[i] === 'upgrade' ? { upgradesThreescale: true as const } : {}),
  }));
  return {
    apiVersion: 'threescale-migrate.3scale.net/v1alpha1',
    kind: 'DiffReport',
    migration: 'prod-3scale',
    source: 'test',
    mode: 'live',
    approximate: false,
    fieldManager: 'argocd-controller',
    phases,
    currentPhase: null,
    outOfOrder: [],
    target: phases[0]!.folder,
    objects: [],
    inSync: false,
    ...(failedChecks.length ? { preflight: { failed: failedChecks } as unknown as DiffReport['preflight'] } : {}),
  };
}

describe('promotionGate', () => {
  test('GIVEN nothing applied WHEN the first phase is the target THEN allowed', () => {
    expect(promotionGate(report(['pending', 'blocked', 'blocked', 'blocked', 'blocked']), 'preflight')).toEqual({ allowed: true, reason: '00-preflight is the first phase.' });
  });

  test('GIVEN preflight applied WHEN prepare is the target THEN allowed, naming what is done', () => {
    expect(promotionGate(report(['applied', 'pending', 'blocked', 'blocked', 'blocked']), 'prepare')).toEqual({ allowed: true, reason: '00-preflight and every phase before it are applied.' });
  });

  test('GIVEN prepare still in progress WHEN scale-down is the target THEN refused, saying which phase and why', () => {
    // GIVEN
    const r = report(['applied', 'in-progress', 'blocked', 'blocked', 'blocked']);

    // WHEN
    const v = promotionGate(r, 'scale-down');

    // THEN
    expect(v).toEqual({ allowed: false, reason: '01-prepare is in-progress (why prepare is in-progress); 02-scale-down may follow only when every phase before it is applied.' });
  });

  test('GIVEN only preflight applied WHEN a later phase is the target (skipping one) THEN refused at the first phase not done', () => {
    expect(promotionGate(report(['applied', 'pending', 'blocked', 'blocked', 'blocked']), '03-copy-data').reason).toMatch(/^01-prepare is pending/);
  });

  test('GIVEN earlier phases superseded by later ones WHEN the next is the target THEN allowed', () => {
    expect(promotionGate(report(['superseded', 'superseded', 'applied', 'pending', 'blocked']), 'copy-data').allowed).toBe(true);
  });

  test('GIVEN a failed phase anywhere WHEN any forward target THEN refused, naming the failure', () => {
    expect(promotionGate(report(['applied', 'applied', 'failed', 'blocked', 'blocked']), 'preflight')).toEqual({ allowed: false, reason: '02-scale-down failed (why scale-down is failed); fix it (or roll back) before moving on.' });
  });

  test('GIVEN a phase that cannot be read WHEN a forward target THEN refused', () => {
    expect(promotionGate(report(['applied', 'unknown', 'blocked', 'blocked', 'blocked']), 'scale-down')).toEqual({ allowed: false, reason: 'cannot judge 01-prepare: why prepare is unknown.' });
  });

  test('GIVEN failing preflight checks WHEN upgrade is the target THEN refused; another target is not affected', () => {
    // GIVEN
    const r = report(['applied', 'applied', 'applied', 'applied', 'pending'], ['redis-version']);

    // WHEN / THEN
    expect(promotionGate(r, 'upgrade')).toEqual({ allowed: false, reason: 'the preflight checks redis-version fail; 04-upgrade waits for them.' });
    expect(promotionGate(r, 'copy-data').allowed).toBe(true);
  });

  test('GIVEN a failed phase WHEN its rollback is the target THEN allowed (rollbacks are never held back)', () => {
    expect(promotionGate(report(['applied', 'applied', 'failed', 'blocked', 'blocked']), 'rollback/scale-down')).toEqual({ allowed: true, reason: 'rollback/02-scale-down undoes 02-scale-down; rollbacks are never held back.' });
  });

  test('GIVEN a phase with nothing to undo WHEN its rollback is the target THEN refused', () => {
    expect(promotionGate(report(['applied', 'applied', 'applied', 'applied', 'blocked']), 'rollback/copy-data')).toEqual({ allowed: false, reason: '03-copy-data has nothing to undo (no rollback folder); roll back from the phase before it.' });
  });

  test.each(['migrate', 'rollback/nope', '', '../01-prepare'])('GIVEN the hostile target %j WHEN judged THEN refused, listing the phases', (target) => {
    expect(promotionGate(report(['applied', 'pending', 'blocked', 'blocked', 'blocked']), target)).toEqual({
      allowed: false,
      reason: `"${target}" is not a phase of prod-3scale; expected one of preflight, prepare, scale-down, copy-data, upgrade (or rollback/<id>).`,
    });
  });
});
