import { describe, expect, test } from 'vitest';
import type { ClusterState, ReadCluster } from '../../src/fleet/cluster-state.js';
import { windowState } from '../../src/fleet/cluster-state.js';
import { fleetGates, waveGate } from '../../src/fleet/fleet-gate.js';
import { fleetNextStep } from '../../src/fleet/fleet-next-step.js';
import { fleetExitCode, type FleetStatus, renderFleetStatus } from '../../src/fleet/render-fleet-status.js';
import type { DiffReport, PhaseStatus } from '../../src/status/diff-report.js';
import { type NextStep, stepText } from '../../src/status/next-step.js';

const IDS = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];

/** A report whose phases have these statuses (the rest pending), pointed at `target`. */
function report(statuses: Partial<Record<string, PhaseStatus>>, target = '00-preflight', ids = IDS): DiffReport {
  return {
    target,
    inSync: true,
    phases: ids.map((id, i) => ({ order: i, id, folder: `${String(i).padStart(2, '0')}-${id}`, status: statuses[id] ?? 'pending', reason: `${id} reason`, checks: { total: 1, satisfied: 0, superseded: 0 }, rollback: null })),
  } as unknown as DiffReport;
}

function cluster(name: string, wave: string, waveIndex: number, r: DiffReport, step: NextStep = { situation: 'next' }): ReadCluster {
  return { name, wave, waveIndex, reachable: true, report: r, window: windowState(r, 'scale-down', 'scale-up'), windowOpener: '02-scale-down', step, next: stepText(step), exitCode: 0, unreadable: null };
}

const ALL_APPLIED = Object.fromEntries(IDS.map((id) => [id, 'applied' as const]));

describe('the gate of a wave', () => {
  test('GIVEN the first wave WHEN judged THEN it is never held', () => {
    expect(waveGate('dev', 0, [cluster('dev', 'dev', 0, report({ preflight: 'failed' }))], 'verify')).toEqual({ wave: 'dev', open: true, heldBy: null, reason: 'wave dev is the first wave' });
  });

  test('GIVEN every earlier cluster past verify (scale-down superseded) WHEN judged THEN the wave may open its window', () => {
    const dev = cluster('dev', 'dev', 0, report({ ...ALL_APPLIED, 'scale-down': 'superseded' }, '07-verify'));
    expect(waveGate('prod', 1, [dev], 'verify')).toEqual({ wave: 'prod', open: true, heldBy: null, reason: 'wave prod may open its window: every cluster of the waves before it has passed verify' });
  });

  test.each<[string, ClusterState, string]>([
    ['not passed verify', cluster('staging', 'staging', 0, report({ preflight: 'applied', prepare: 'in-progress' }, '01-prepare')), 'has not passed 07-verify (it is pending)'],
    ['rolled back', cluster('staging', 'staging', 0, report(ALL_APPLIED, 'rollback/05-cutover')), 'has rolled back (its pointer is at rollback/05-cutover)'],
    ['failed', cluster('staging', 'staging', 0, report({ ...ALL_APPLIED, cutover: 'failed' }, '07-verify')), 'has failed 05-cutover (cutover reason)'],
    ['unreachable', { name: 'staging', wave: 'staging', waveIndex: 0, reachable: false, error: 'connection refused' }, 'cannot be read (connection refused)'],
    ['a plan without the gate phase', cluster('staging', 'staging', 0, report({}, '00-preflight', ['preflight', 'install'])), 'has no phase verify (spec.gate.passedPhase); expected a phase of its plan'],
  ])('GIVEN an earlier cluster that has %s WHEN judged THEN the wave is held, naming the cluster', (_name, earlier, why) => {
    const passed = cluster('dev', 'dev', 0, report(ALL_APPLIED, '07-verify'));
    expect(waveGate('prod', 2, [passed, earlier], 'verify')).toEqual({ wave: 'prod', open: false, heldBy: 'staging', reason: `wave prod is held: cluster staging of wave staging ${why}` });
  });

  test('GIVEN clusters in the same and later waves not done WHEN a wave is judged THEN only earlier waves count', () => {
    const states = [cluster('dev', 'dev', 0, report(ALL_APPLIED, '07-verify')), cluster('prod-eu', 'prod', 1, report({}, '00-preflight')), cluster('dr', 'dr', 2, report({}))];
    expect(fleetGates(['dev', 'prod', 'dr'], states, 'verify').map((g) => [g.wave, g.open, g.heldBy])).toEqual([
      ['prod', true, null],
      ['dr', false, 'prod-eu'],
    ]);
  });
});

describe('the window of a cluster', () => {
  test.each<[string, Partial<Record<string, PhaseStatus>>, string]>([
    ['nothing applied', {}, 'closed'],
    ['scale-down in progress', { preflight: 'applied', prepare: 'applied', 'scale-down': 'in-progress' }, 'open'],
    ['cut over, scale-up pending', { preflight: 'applied', prepare: 'applied', 'scale-down': 'applied', 'copy-data': 'applied', 'load-redis': 'applied', cutover: 'applied' }, 'open'],
    ['scaled up', { ...ALL_APPLIED, verify: 'pending' }, 'closed'],
  ])('GIVEN %s WHEN judged THEN the window is %s', (_name, statuses, window) => {
    expect(windowState(report(statuses), 'scale-down', 'scale-up')).toBe(window);
  });

  test('GIVEN the cluster back at the opening phase\'s rollback folder WHEN judged THEN the window is closed, as the phase reads pending (its check Job done, none of its objects live); rolled back only to a later phase, it is open', () => {
    // GIVEN scale-down undone: its queue check recorded done, its Deployments at their counts again
    const undone: Partial<Record<string, PhaseStatus>> = { preflight: 'applied', prepare: 'applied', 'scale-down': 'pending' };
    // GIVEN the cut-over undone only: scale-down's Deployments still at 0
    const stillDown: Partial<Record<string, PhaseStatus>> = { preflight: 'applied', prepare: 'applied', 'scale-down': 'applied', 'copy-data': 'applied', 'load-redis': 'applied' };

    // WHEN / THEN
    expect(windowState(report(undone, 'rollback/02-scale-down'), 'scale-down', 'scale-up')).toBe('closed');
    expect(windowState(report(stillDown, 'rollback/05-cutover'), 'scale-down', 'scale-up')).toBe('open');
  });

  test('GIVEN a procedure without a window WHEN judged THEN none', () => {
    expect(windowState(report({}), undefined, undefined)).toBe('none');
  });
});

describe('the next step of a cluster in a fleet', () => {
  const advice: NextStep = {
    situation: '01-prepare is in sync',
    promotion: { verb: 'promote to', phase: 'scale-down', folder: '02-scale-down', command: 'threescale-migrate promote -c <plan> --to scale-down --out out/prod-eu --gitops argocd', commit: 'out/prod-eu' },
  };
  const prodEu = cluster('prod-eu', 'prod', 1, report({ preflight: 'applied', prepare: 'applied' }, '01-prepare'), advice);
  const fleet = { path: 'fleet.yaml', outDir: 'out' };

  test('GIVEN the wave held WHEN the next step would open the window THEN it says to wait and why', () => {
    const held = { wave: 'prod', open: false, heldBy: 'dev', reason: 'wave prod is held: cluster dev of wave dev has not passed 07-verify (it is pending)' };
    expect(fleetNextStep(prodEu, held, fleet)).toBe('01-prepare is in sync; do not promote to scale-down yet: wave prod is held: cluster dev of wave dev has not passed 07-verify (it is pending), and 02-scale-down opens the maintenance window');
  });

  test('GIVEN the wave open WHEN the next step is a promotion THEN it is the fleet\'s command', () => {
    const open = { wave: 'prod', open: true, heldBy: null, reason: 'open' };
    expect(fleetNextStep(prodEu, open, fleet)).toBe('01-prepare is in sync; promote to scale-down: threescale-migrate promote --fleet fleet.yaml --cluster prod-eu --to scale-down --out out and commit out/prod-eu/');
  });

  test('GIVEN a step that is no promotion WHEN rendered for the fleet THEN it is left as status says it', () => {
    const waiting = cluster('prod-eu', 'prod', 1, prodEu.report, { situation: 'wait: 01-prepare is being applied (Job x running)' });
    expect(fleetNextStep(waiting, { wave: 'prod', open: false, heldBy: 'dev', reason: 'held' }, fleet)).toBe('wait: 01-prepare is being applied (Job x running)');
  });
});

describe('the fleet table', () => {
  const status = (clusters: ClusterState[]): FleetStatus => ({ apiVersion: 'threescale-migrate.3scale.net/v1alpha1', kind: 'FleetStatus', fleet: 'f', clusters, gates: [] });

  test('GIVEN plans with different phases and an unreachable cluster WHEN rendered THEN one column per phase in run order, "-" where a plan has none, one spanning row for the unreachable, exit 2', () => {
    const s = status([
      cluster('a', 'w1', 0, report({ preflight: 'applied' }, '00-preflight', ['preflight', 'prepare', 'verify'])),
      cluster('b', 'w1', 0, report({}, '00-preflight', ['preflight', 'detach', 'verify'])),
      { name: 'c', wave: 'w2', waveIndex: 1, reachable: false, error: 'no answer within 60 s' },
    ]);
    const lines = renderFleetStatus(s).split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'CLUSTER  WAVE  TARGET        preflight  prepare  detach   verify   WINDOW',
      'a        w1    00-preflight  applied    pending  -        pending  closed',
      'b        w1    00-preflight  pending    -        pending  pending  closed',
      'c        w2    unreachable: no answer within 60 s',
    ]);
    expect(lines).toContain('  c  cannot read the cluster (no answer within 60 s); check its context and that its API server answers');
    expect(fleetExitCode(s)).toBe(2);
  });

  test('GIVEN every cluster in sync WHEN judged THEN exit 0; one not in sync THEN exit 1', () => {
    const a = cluster('a', 'w', 0, report(ALL_APPLIED, '07-verify'));
    expect(fleetExitCode(status([a]))).toBe(0);
    expect(fleetExitCode(status([a, { ...a, name: 'b', exitCode: 1 }]))).toBe(1);
  });
});
