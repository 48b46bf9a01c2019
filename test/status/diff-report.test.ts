import { beforeAll, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { PhaseDefinition, PlannedPhase } from '../../src/phases/phase.js';
import type { LoadedPlan } from '../../src/plan/load-plan.js';
import { buildDiffReport, type DiffReport, type PhaseStatus, unreadableReason } from '../../src/status/diff-report.js';
import type { LiveSource } from '../../src/status/live-source.js';
import { composeState } from '../../src/synth/compose-state.js';
import { type FolderState, type SynthResult, synthesize } from '../../src/synth/synthesize.js';
import { loadLiveFixture, pick } from '../support/live-fixtures.js';
import { evidenceConfigMap, evidenceOf, MemorySource, olmInstalled, readError, settled } from '../support/memory-source.js';
import { loadExample } from '../support/plans.js';

const SCOPE = 'threescale-migrate.3scale.net/scope';
const PARTIAL = 'threescale-migrate.3scale.net/partial';

/** `{ phase id: status }`. */
const statuses = (report: DiffReport): Record<string, PhaseStatus> => Object.fromEntries(report.phases.map((p) => [p.id, p.status]));
const phaseOf = (report: DiffReport, id: string) => report.phases.find((p) => p.id === id)!;

// ---------------------------------------------------------------------------------------------------------
// A small synthetic procedure, so every rule can be driven object by object:
//   00-preflight  ConfigMap threescale-migrate-state
//   01-prepare    PVC + Deployment of the new database, and a Job (with its phase-local ServiceAccount)
//   02-scale-down system-app and backend-worker to 0 (and the PVC again, unchanged)
//   03-scale-up   system-app to 2, backend-worker to 1
//   04-verify     four Jobs
// with one rollback folder, rollback/02-scale-down.
// ---------------------------------------------------------------------------------------------------------

const stateConfigMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'threescale-migrate-state', namespace: '3scale' }, data: { plan: 'sha256:abc' } };

function newDatabase(image = 'registry.redhat.io/rhel9/postgresql-15'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'system-postgresql-external', namespace: '3scale-db' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'pg' } }, template: { metadata: { labels: { app: 'pg' } }, spec: { containers: [{ name: 'postgresql', image }] } } },
  };
}
const newVolume: KubeObject = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'postgresql-data-external', namespace: '3scale-db' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } };
const phaseLocal = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, annotations: { [SCOPE]: 'phase' } } });
const job = (name: string, namespace = '3scale'): KubeObject => phaseLocal({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'ose-cli' }] } } } });
const credentialsJob = job('copy-database-credentials');
const credentialsAccount = phaseLocal({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'copy-database-credentials', namespace: '3scale' } });
const scaled = (name: string, replicas: number): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: '3scale', annotations: { [PARTIAL]: 'true' } }, spec: { replicas } });
const verifyJobs = ['verify-a', 'verify-b', 'verify-c', 'verify-d'].map((n) => job(n));

function definition(id: string): PhaseDefinition {
  return {
    id,
    title: id,
    window: 'before-window',
    destructive: false,
    applies: () => true,
    describe: () => [],
    expects: () => [],
    chart: () => Promise.reject(new Error('not rendered in this test')),
  };
}

/** A SynthResult composed the way synthesize() composes it, from each phase's own objects. */
function synthetic(phases: readonly { id: string; own: KubeObject[]; rollback?: KubeObject[]; define?: Partial<PhaseDefinition>; released?: KubeObject[] }[]): SynthResult {
  const forward: FolderState[] = [];
  const rollbacks: FolderState[] = [];
  let previous: KubeObject[] = [];
  for (const [order, p] of phases.entries()) {
    const phase: PlannedPhase = { definition: { ...definition(p.id), ...p.define }, order, folder: `${String(order).padStart(2, '0')}-${p.id}` };
    if (p.rollback) rollbacks.push({ phase, rollback: true, folder: `rollback/${phase.folder}`, objects: composeState(previous, p.rollback), own: p.rollback, extraFiles: [] });
    const objects = composeState(previous, p.own, p.released);
    forward.push({ phase, rollback: false, folder: phase.folder, objects, own: p.own, extraFiles: [], ...(p.released ? { released: p.released } : {}) });
    previous = objects;
  }
  return { forward, rollbacks, files: [] };
}

const world = synthetic([
  { id: 'preflight', own: [stateConfigMap] },
  { id: 'prepare', own: [credentialsAccount, newVolume, newDatabase(), credentialsJob] },
  { id: 'scale-down', own: [scaled('system-app', 0), scaled('backend-worker', 0), newVolume], rollback: [scaled('system-app', 2), scaled('backend-worker', 1)] },
  { id: 'scale-up', own: [scaled('system-app', 2), scaled('backend-worker', 1)] },
  { id: 'verify', own: verifyJobs },
]);

let plan: LoadedPlan;
beforeAll(() => {
  plan = loadExample('postgresql-and-redis');
});

/** The report of the synthetic procedure against `source` (or the given live objects). */
function report(live: LiveSource | readonly KubeObject[], target = 'preflight', result: SynthResult = world): Promise<DiffReport> {
  const source = Array.isArray(live) ? new MemorySource(settled(live)) : (live as LiveSource);
  return buildDiffReport(plan.plan, result, source, { target, fieldManager: 'argocd-controller' });
}

/** Everything of prepare live and done. */
const prepared = (): KubeObject[] => [stateConfigMap, newVolume, newDatabase(), evidenceConfigMap('3scale', { 'copy-database-credentials': { phase: 'Succeeded' } })];

describe('buildDiffReport: the classification rules', () => {
  test('nothing live: the first phase is pending, every later one blocked, no current phase', async () => {
    // GIVEN an empty cluster
    // WHEN
    const r = await report([]);

    // THEN
    expect(statuses(r)).toEqual({ preflight: 'pending', prepare: 'blocked', 'scale-down': 'blocked', 'scale-up': 'blocked', verify: 'blocked' });
    expect(phaseOf(r, 'preflight').reason).toBe('nothing of it is live yet (ConfigMap threescale-migrate-state missing)');
    expect(phaseOf(r, 'prepare').reason).toBe(
      'waits for an earlier phase; nothing of it is live yet (PersistentVolumeClaim postgresql-data-external missing, Deployment system-postgresql-external missing, Job copy-database-credentials job-not-run)',
    );
    expect(phaseOf(r, 'verify').reason).toBe('waits for an earlier phase; nothing of it is live yet (Job verify-a job-not-run, Job verify-b job-not-run, Job verify-c job-not-run, and 1 more)');
    expect(r).toMatchObject({ currentPhase: null, outOfOrder: [], target: '00-preflight', inSync: false });
    expect(r.objects.map((o) => [o.ref.name, o.verdict])).toEqual([['threescale-migrate-state', 'missing']]);
  });

  test('a phase counts what it sets itself: no Job helpers, nothing it renders again unchanged', async () => {
    // GIVEN / WHEN
    const r = await report([]);

    // THEN prepare checks its PVC, Deployment and Job (not the ServiceAccount); scale-down does not recount the PVC
    expect(r.phases.map((p) => [p.id, p.checks.total])).toEqual([
      ['preflight', 1],
      ['prepare', 3],
      ['scale-down', 2],
      ['scale-up', 2],
      ['verify', 4],
    ]);
    expect(r.phases.map((p) => [p.order, p.folder])).toEqual([
      [0, '00-preflight'],
      [1, '01-prepare'],
      [2, '02-scale-down'],
      [3, '03-scale-up'],
      [4, '04-verify'],
    ]);
  });

  test('applied: everything the phase sets is live; the next phase is pending, not blocked', async () => {
    // GIVEN preflight's ConfigMap live
    // WHEN
    const r = await report([stateConfigMap]);

    // THEN
    expect(statuses(r)).toEqual({ preflight: 'applied', prepare: 'pending', 'scale-down': 'blocked', 'scale-up': 'blocked', verify: 'blocked' });
    expect(phaseOf(r, 'preflight')).toMatchObject({ reason: '1 of 1 in sync', checks: { total: 1, satisfied: 1, superseded: 0 } });
    expect(r).toMatchObject({ currentPhase: 'preflight', outOfOrder: [], inSync: true });
  });

  test('in-progress: what exists matches, some objects are missing or the Job has not run', async () => {
    // GIVEN prepare's Deployment live, its PVC not, its Job not run
    // WHEN
    const r = await report([stateConfigMap, newDatabase()], '01-prepare');

    // THEN
    expect(phaseOf(r, 'prepare')).toMatchObject({
      status: 'in-progress',
      reason: 'PersistentVolumeClaim postgresql-data-external missing, Job copy-database-credentials job-not-run',
      checks: { total: 3, satisfied: 1, superseded: 0 },
    });
    expect(statuses(r)['scale-down']).toBe('blocked');
    expect(r).toMatchObject({ currentPhase: 'preflight', target: '01-prepare', inSync: false });
  });

  test('in-progress: pods not ready and a Job running, even with nothing in sync yet', async () => {
    // GIVEN prepare's Deployment live without ready pods, its volume Pending (waiting for that pod), its Job running
    const source = new MemorySource([
      stateConfigMap,
      { ...newDatabase(), status: { replicas: 1, readyReplicas: 0 } },
      { ...newVolume, status: { phase: 'Pending' } },
      evidenceConfigMap('3scale', { 'copy-database-credentials': { phase: 'Running', result: 'copying' } }),
    ]);

    // WHEN
    const r = await report(source);

    // THEN
    expect(phaseOf(r, 'prepare')).toMatchObject({
      status: 'in-progress',
      reason: 'Deployment system-postgresql-external not-ready, Job copy-database-credentials job-running',
      checks: { total: 3, satisfied: 1, superseded: 0 },
    });
  });

  test('drifted: part of it is live and something it sets differs', async () => {
    // GIVEN prepare done, then someone changed the new database's image
    const live = prepared().map((o) => (o.metadata.name === 'system-postgresql-external' ? newDatabase('registry.redhat.io/rhel8/postgresql-10') : o));

    // WHEN
    const r = await report(live, '01-prepare');

    // THEN
    expect(phaseOf(r, 'prepare')).toMatchObject({ status: 'drifted', reason: 'Deployment system-postgresql-external changed while 2 of 3 are in sync' });
    expect(r.currentPhase).toBe('preflight');
    const db = r.objects.find((o) => o.ref.name === 'system-postgresql-external')!;
    expect(db.changes).toEqual([
      { path: 'spec.template.spec.containers[name=postgresql].image', op: 'replace', live: 'registry.redhat.io/rhel8/postgresql-10', desired: 'registry.redhat.io/rhel9/postgresql-15' },
    ]);
  });

  test('drifted: an immutable field counts as a difference', async () => {
    // GIVEN prepare done, the dry-run of its PVC refused as immutable
    const source = new MemorySource(settled(prepared())).failDryRun(newVolume, readError('immutable', 'cannot apply PersistentVolumeClaim postgresql-data-external: field is immutable (HTTP 422)'));

    // WHEN
    const r = await report(source);

    // THEN
    expect(phaseOf(r, 'prepare')).toMatchObject({ status: 'drifted', reason: 'PersistentVolumeClaim postgresql-data-external immutable while 2 of 3 are in sync' });
  });

  test('failed: a Job of the phase failed, whatever else is open or unreadable', async () => {
    // GIVEN prepare's Job failed by its record, and its Deployment cannot be listed
    const live = [stateConfigMap, newVolume, evidenceConfigMap('3scale', { 'copy-database-credentials': { phase: 'Failed', result: 'secret system-database not found' } })];
    const source = new MemorySource(settled(live)).failList('Deployment', '3scale-db', readError('forbidden'));

    // WHEN
    const r = await report(source);

    // THEN
    expect(phaseOf(r, 'prepare')).toMatchObject({ status: 'failed', reason: 'Job copy-database-credentials job-failed: secret system-database not found (finished 2025-01-01T00:00:00Z)' });
    expect(statuses(r)['scale-down']).toBe('blocked');
  });

  test('failed: GIVEN an object of the phase that is live and degraded (the new database rollout past its deadline, its volume Lost) WHEN compared THEN the phase failed, naming the first object and its reason, and later phases are blocked', async () => {
    // GIVEN prepare's Job done, its Deployment's rollout given up and its claim Lost
    const stalled = { ...newDatabase(), status: { replicas: 1, updatedReplicas: 1, readyReplicas: 0, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "pg-7d4" has timed out progressing.' }] } };
    const source = new MemorySource([stateConfigMap, { ...newVolume, status: { phase: 'Lost' } }, stalled, evidenceConfigMap('3scale', { 'copy-database-credentials': { phase: 'Succeeded' } })]);

    // WHEN
    const r = await report(source, '01-prepare');

    // THEN
    expect(phaseOf(r, 'prepare')).toMatchObject({
      status: 'failed',
      reason: 'PersistentVolumeClaim postgresql-data-external degraded, Deployment system-postgresql-external degraded: the claim lost its volume (phase Lost)',
    });
    expect(statuses(r)['scale-down']).toBe('blocked');
    expect(r.objects.find((o) => o.ref.name === 'system-postgresql-external')).toMatchObject({ verdict: 'degraded', reason: 'the rollout stopped: ProgressDeadlineExceeded: ReplicaSet "pg-7d4" has timed out progressing.' });
    expect(r.inSync).toBe(false);
  });

  test('in-progress, not failed: GIVEN an object only progressing (pods not ready yet, a ReplicaFailure before the deadline) WHEN compared THEN the phase waits', async () => {
    // GIVEN
    const quota = { ...newDatabase(), status: { replicas: 0, readyReplicas: 0, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'exceeded quota: compute' }] } };
    const source = new MemorySource([stateConfigMap, { ...newVolume, status: { phase: 'Pending' } }, quota, evidenceConfigMap('3scale', { 'copy-database-credentials': { phase: 'Succeeded' } })]);

    // WHEN
    const r = await report(source, '01-prepare');

    // THEN
    expect(phaseOf(r, 'prepare')).toMatchObject({ status: 'in-progress', reason: 'Deployment system-postgresql-external not-ready' });
  });

  test('superseded, not failed: GIVEN a degraded object a later phase changed again and whose later version is live WHEN compared THEN the earlier phase does not fail for it', async () => {
    // GIVEN scale-down and scale-up's system-app; scale-up's version live with its rollout past its deadline
    const w = synthetic([
      { id: 'scale-down', own: [scaled('system-app', 0)] },
      { id: 'scale-up', own: [scaled('system-app', 2)] },
    ]);
    const live = { ...scaled('system-app', 2), status: { replicas: 2, updatedReplicas: 2, readyReplicas: 2 } };
    const stalled = { ...live, status: { ...live.status, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } };

    // WHEN
    const healthyUp = await report(new MemorySource([live]), '01-scale-up', w);
    const stalledUp = await report(new MemorySource([stalled]), '01-scale-up', w);

    // THEN scale-down is superseded either way; scale-up failed only when its version is degraded
    expect(statuses(healthyUp)).toEqual({ 'scale-down': 'superseded', 'scale-up': 'applied' });
    expect(statuses(stalledUp)).toEqual({ 'scale-down': 'pending', 'scale-up': 'failed' });
    expect(phaseOf(stalledUp, 'scale-up').reason).toBe('Deployment system-app degraded: the rollout stopped: ProgressDeadlineExceeded');
  });

  test('unknown: objects of the phase cannot be read; the reason is the reader’s sentence', async () => {
    // GIVEN preflight applied, Deployments of 3scale-db forbidden
    const message = 'cannot list deployments.apps in namespace 3scale-db: forbidden (HTTP 403)';
    const source = new MemorySource(settled(prepared())).failList('Deployment', '3scale-db', readError('forbidden', message));

    // WHEN the target is preflight, and then prepare itself
    const r = await report(source);
    const onTarget = await report(source, 'prepare');

    // THEN the phase is unknown, and unreadableReason says why (from the phase, or from the target's object)
    expect(phaseOf(r, 'prepare')).toMatchObject({ status: 'unknown', reason: message });
    expect(statuses(r)['scale-down']).toBe('blocked');
    expect(unreadableReason(r)).toBe(message);
    expect(onTarget.objects.find((o) => o.ref.name === 'system-postgresql-external')).toMatchObject({ verdict: 'forbidden', reason: message });
    expect(unreadableReason(onTarget)).toBe(message);
  });

  test('a readable cluster has no unreadable reason', async () => {
    expect(unreadableReason(await report(prepared()))).toBeUndefined();
  });

  test('superseded: everything scale-down set was changed again by scale-up, which is live', async () => {
    // GIVEN everything through scale-up live
    const live = [...prepared(), scaled('system-app', 2), scaled('backend-worker', 1)];

    // WHEN
    const r = await report(live, '03-scale-up');

    // THEN
    expect(statuses(r)).toEqual({ preflight: 'applied', prepare: 'applied', 'scale-down': 'superseded', 'scale-up': 'applied', verify: 'pending' });
    expect(phaseOf(r, 'scale-down')).toMatchObject({ reason: 'every object it sets was changed again by a later phase', checks: { total: 2, satisfied: 0, superseded: 2 } });
    expect(r).toMatchObject({ currentPhase: 'scale-up', outOfOrder: [], target: '03-scale-up', inSync: true });
  });

  test('GIVEN scale-up leaves backend-worker to its HPA (released, no replicas of its own) WHEN the HPA has set 7 THEN scale-down is superseded, scale-up applied and the target in sync: the HPA\'s count is no drift', async () => {
    // GIVEN a world where scale-up releases backend-worker instead of setting it
    const hpaWorld = synthetic([
      { id: 'preflight', own: [stateConfigMap] },
      { id: 'prepare', own: [credentialsAccount, newVolume, newDatabase(), credentialsJob] },
      { id: 'scale-down', own: [scaled('system-app', 0), scaled('backend-worker', 0), newVolume] },
      { id: 'scale-up', own: [scaled('system-app', 2)], released: [scaled('backend-worker', 0)] },
      { id: 'verify', own: verifyJobs },
    ]);
    const live = [...prepared(), scaled('system-app', 2), scaled('backend-worker', 7)];

    // WHEN
    const r = await report(live, '03-scale-up', hpaWorld);

    // THEN
    expect(statuses(r)).toEqual({ preflight: 'applied', prepare: 'applied', 'scale-down': 'superseded', 'scale-up': 'applied', verify: 'pending' });
    expect(r).toMatchObject({ currentPhase: 'scale-up', target: '03-scale-up', inSync: true });
    // AND without the release, the same cluster reads as scale-down drifted
    const pinned = synthetic([
      { id: 'preflight', own: [stateConfigMap] },
      { id: 'prepare', own: [credentialsAccount, newVolume, newDatabase(), credentialsJob] },
      { id: 'scale-down', own: [scaled('system-app', 0), scaled('backend-worker', 0), newVolume] },
      { id: 'scale-up', own: [scaled('system-app', 2)] },
      { id: 'verify', own: verifyJobs },
    ]);
    expect(statuses(await report(live, '03-scale-up', pinned))['scale-down']).toBe('drifted');
  });

  test('applied with part superseded, while the superseding phase itself drifted', async () => {
    // GIVEN system-app at scale-up's 2, backend-worker still at scale-down's 0
    const live = [...prepared(), scaled('system-app', 2), scaled('backend-worker', 0)];

    // WHEN
    const r = await report(live, '03-scale-up');

    // THEN
    expect(phaseOf(r, 'scale-down')).toMatchObject({ status: 'applied', reason: '1 in sync, 1 changed again by later phases', checks: { total: 2, satisfied: 1, superseded: 1 } });
    expect(phaseOf(r, 'scale-up')).toMatchObject({ status: 'drifted', reason: 'Deployment backend-worker changed while 1 of 2 are in sync' });
    expect(r).toMatchObject({ currentPhase: 'scale-down', outOfOrder: [], inSync: false });
  });

  test('a later version that is not live supersedes nothing', async () => {
    // GIVEN system-app at 1 replica, neither scale-down's 0 nor scale-up's 2
    const live = [...prepared(), scaled('system-app', 1), scaled('backend-worker', 0)];

    // WHEN
    const r = await report(live);

    // THEN
    expect(phaseOf(r, 'scale-down')).toMatchObject({ status: 'drifted', checks: { total: 2, satisfied: 1, superseded: 0 } });
  });

  test('out of order: later phases show progress while an earlier one is pending', async () => {
    // GIVEN preflight and scale-up live, prepare not at all
    const live = [stateConfigMap, scaled('system-app', 2), scaled('backend-worker', 1)];

    // WHEN
    const r = await report(live);

    // THEN
    expect(statuses(r)).toEqual({ preflight: 'applied', prepare: 'pending', 'scale-down': 'superseded', 'scale-up': 'applied', verify: 'blocked' });
    expect(r).toMatchObject({ currentPhase: 'preflight', outOfOrder: ['scale-down', 'scale-up'] });
  });

  test('blocked phases and a phase in progress behind a pending one are out of order too', async () => {
    // GIVEN nothing of preflight, but prepare half done
    const r = await report([newDatabase()]);

    // THEN
    expect(statuses(r)).toMatchObject({ preflight: 'pending', prepare: 'in-progress', 'scale-down': 'blocked' });
    expect(r.outOfOrder).toEqual(['prepare']);
    expect(r.currentPhase).toBeNull();
  });

  test('the last phase: Jobs partly done is in progress, all done is applied and the current phase', async () => {
    // GIVEN everything live, two of the four verify Jobs succeeded, then all four
    const base = [stateConfigMap, newVolume, newDatabase(), scaled('system-app', 2), scaled('backend-worker', 1)];
    const records = (n: number) => evidenceConfigMap('3scale', Object.fromEntries([credentialsJob, ...verifyJobs.slice(0, n)].map((j) => [j.metadata.name, { phase: 'Succeeded' as const }])));

    // WHEN
    const half = await report([...base, records(2)], '04-verify');
    const done = await report([...base, records(4)], '04-verify');

    // THEN
    expect(phaseOf(half, 'verify')).toMatchObject({ status: 'in-progress', reason: 'Job verify-c job-not-run, Job verify-d job-not-run' });
    expect(half).toMatchObject({ currentPhase: 'scale-up', inSync: false });
    expect(statuses(done)).toEqual({ preflight: 'applied', prepare: 'applied', 'scale-down': 'superseded', 'scale-up': 'applied', verify: 'applied' });
    expect(done).toMatchObject({ currentPhase: 'verify', inSync: true });
  });

  test('the target folder is compared whole: carried objects included, Job helpers and earlier Jobs not', async () => {
    // GIVEN / WHEN
    const r = await report(prepared(), '02-scale-down');

    // THEN
    expect(r.objects.map((o) => `${o.ref.kind} ${o.ref.name} ${o.verdict}`)).toEqual([
      'ConfigMap threescale-migrate-state in-sync',
      'PersistentVolumeClaim postgresql-data-external in-sync',
      'Deployment backend-worker missing',
      'Deployment system-app missing',
      'Deployment system-postgresql-external in-sync',
    ]);
    expect(r.objects.filter((o) => o.ref.kind === 'Deployment' && o.ref.name !== 'system-postgresql-external').every((o) => o.partial)).toBe(true);
    expect(r.inSync).toBe(false);
  });

  test('a rollback folder as target, by phase id', async () => {
    // GIVEN scale-down applied
    const live = [...prepared(), scaled('system-app', 0), scaled('backend-worker', 0)];

    // WHEN
    const r = await report(live, 'rollback/scale-down');

    // THEN
    expect(r.target).toBe('rollback/02-scale-down');
    expect(r.objects.filter((o) => o.verdict !== 'in-sync').map((o) => `${o.ref.name} ${o.verdict}`)).toEqual(['backend-worker changed', 'system-app changed']);
    expect(r.inSync).toBe(false);
  });

  test('an unknown target is a programming error (run-diff checks it first)', async () => {
    await expect(report([], 'nope')).rejects.toThrow('threescale-migrate: no folder nope');
    await expect(report([], 'rollback/prepare')).rejects.toThrow('no folder rollback/prepare');
  });

  test('the header: the plan, the source, live or offline', async () => {
    // GIVEN the same cluster as a live and an offline source
    const live = await report(new MemorySource([], 'live'));
    const offline = await report(new MemorySource([], 'offline'));

    // THEN
    expect(live).toMatchObject({ apiVersion: 'threescale-migrate.3scale.net/v1alpha1', kind: 'DiffReport', migration: 'prod-3scale', source: 'in-memory live source', mode: 'live', approximate: false, fieldManager: 'argocd-controller' });
    expect(offline).toMatchObject({ mode: 'offline', approximate: true, fieldManager: 'argocd-controller', source: 'in-memory offline source' });
    expect(Object.keys(live)).toEqual(['apiVersion', 'kind', 'migration', 'source', 'mode', 'approximate', 'fieldManager', 'phases', 'currentPhase', 'outOfOrder', 'target', 'objects', 'inSync', 'preflight']);
  });

  test('one LIST call for everything, one dry-run per distinct object version', async () => {
    // GIVEN
    const source = new MemorySource(settled([...prepared(), scaled('system-app', 2), scaled('backend-worker', 1)]));

    // WHEN
    await report(source, '03-scale-up');

    // THEN
    expect(source.listCalls).toHaveLength(1);
    const versions = source.dryRunCalls.map((c) => JSON.stringify(c.object));
    expect(new Set(versions).size).toBe(versions.length);
  });
});

describe('buildDiffReport on a real synthesis (examples/postgresql-and-redis)', () => {
  let result: SynthResult;
  beforeAll(async () => {
    result = await synthesize(plan);
  });

  /** The cluster once `state` is applied: its objects settled, and every Job up to it recorded as done. */
  function appliedUpTo(state: FolderState): KubeObject[] {
    const jobs = result.forward.slice(0, result.forward.indexOf(state) + 1).flatMap((s) => s.own.filter((o) => o.kind === 'Job'));
    return [...settled(state.objects), ...evidenceOf(jobs)];
  }

  test('nothing applied: preflight pending, everything else blocked', async () => {
    // GIVEN / WHEN
    const r = await buildDiffReport(plan.plan, result, new MemorySource([]), { target: 'preflight', fieldManager: 'threescale-migrate' });

    // THEN
    expect(Object.values(statuses(r))).toEqual(['pending', ...result.forward.slice(1).map(() => 'blocked')]);
    expect(r).toMatchObject({ currentPhase: null, outOfOrder: [], inSync: false });
  });

  test('each phase applied in turn is the current phase, in sync; the next is pending, the rest blocked', async () => {
    for (const [i, state] of result.forward.entries()) {
      // GIVEN the cluster with every phase up to this one applied
      const source = new MemorySource(appliedUpTo(state));

      // WHEN
      const r = await buildDiffReport(plan.plan, result, source, { target: state.phase.definition.id, fieldManager: 'threescale-migrate' });

      // THEN
      const id = state.phase.definition.id;
      expect({ id, currentPhase: r.currentPhase, inSync: r.inSync, outOfOrder: r.outOfOrder }).toEqual({ id, currentPhase: id, inSync: true, outOfOrder: [] });
      const s = Object.values(statuses(r));
      expect(s.slice(0, i + 1).every((x) => x === 'applied' || x === 'superseded'), `${id}: ${s.join(',')}`).toBe(true);
      expect(s.slice(i + 1)).toEqual(result.forward.slice(i + 1).map((_, j) => (j === 0 ? 'pending' : 'blocked')));
    }
  });

  test('after scale-up, scale-down is superseded: its queue check is done, but every object it sets was changed again by scale-up; load-redis is still in sync: no later phase changes the new Redis servers (they start in persistence mode)', async () => {
    // GIVEN
    const scaleUp = result.forward.find((s) => s.phase.definition.id === 'scale-up')!;

    // WHEN
    const r = await buildDiffReport(plan.plan, result, new MemorySource(appliedUpTo(scaleUp)), { target: 'scale-up', fieldManager: 'threescale-migrate' });

    // THEN
    expect(statuses(r)).toMatchObject({ 'scale-down': 'superseded', 'load-redis': 'applied', 'scale-up': 'applied', verify: 'pending' });
    // (its Jobs: check-queues and retire-rollback-jobs-scale-down, both recorded done)
    expect(phaseOf(r, 'scale-down').checks).toEqual({ total: 15, satisfied: 2, superseded: 13 });
    expect(phaseOf(r, 'scale-down').reason).toBe('its Jobs are done and every object it sets was changed again by a later phase');
    expect(phaseOf(r, 'load-redis').checks.superseded).toBe(0);
    expect(phaseOf(r, 'load-redis').checks.satisfied).toBe(phaseOf(r, 'load-redis').checks.total);
  });

  test('GIVEN scale-down applied then rolled back (its queue check recorded done, its Deployments at their counts again) WHEN compared THEN scale-down is pending, not drifted: its Job ran but none of its objects is live', async () => {
    // GIVEN
    const scaleDown = result.forward.find((s) => s.phase.definition.id === 'scale-down')!;
    const undo = result.rollbacks.find((s) => s.phase.definition.id === 'scale-down')!;
    const jobs = result.forward.slice(0, result.forward.indexOf(scaleDown) + 1).flatMap((s) => s.own.filter((o) => o.kind === 'Job'));

    // WHEN
    // (the rollback's own Jobs, its retire-undone-jobs among them, ran too)
    const undoJobs = undo.own.filter((o) => o.kind === 'Job');
    const r = await buildDiffReport(plan.plan, result, new MemorySource([...settled(undo.objects), ...evidenceOf([...jobs, ...undoJobs])]), { target: undo.folder, fieldManager: 'threescale-migrate' });

    // THEN
    expect(r).toMatchObject({ inSync: true, currentPhase: 'prepare' });
    expect(statuses(r)).toMatchObject({ prepare: 'applied', 'scale-down': 'pending', 'copy-data': 'blocked' });
    expect(phaseOf(r, 'scale-down').reason).toMatch(/^its Jobs ran, but none of the objects it sets is live \(rolled back, or not applied yet: Deployment \S+ changed, /);
    expect(phaseOf(r, 'scale-down').checks).toEqual({ total: 15, satisfied: 2, superseded: 0 });
  });

  test('GIVEN scale-down rolled back and its Jobs retired (records Undone) WHEN compared THEN scale-down is pending and its Jobs read not run, undone by the rollback', async () => {
    // GIVEN the Jobs up to prepare done, scale-down's marked Undone by its rollback's retire Job, which ran
    const scaleDown = result.forward.find((s) => s.phase.definition.id === 'scale-down')!;
    const undo = result.rollbacks.find((s) => s.phase.definition.id === 'scale-down')!;
    const done = [...result.forward.slice(0, result.forward.indexOf(scaleDown)).flatMap((s) => s.own), ...undo.own].filter((o) => o.kind === 'Job');
    const undone = scaleDown.own.filter((o) => o.kind === 'Job');
    expect(undone.length).toBeGreaterThan(0);
    const records = new Map<string, Record<string, { phase: 'Succeeded' | 'Undone'; result: string }>>();
    for (const [jobs, phase, summary] of [[done, 'Succeeded', 'done'], [undone, 'Undone', `undone by ${undo.folder}`]] as const) {
      for (const j of jobs) records.set(j.metadata.namespace!, { ...(records.get(j.metadata.namespace!) ?? {}), [j.metadata.name]: { phase, result: summary } });
    }
    const live = [...settled(undo.objects), ...[...records.entries()].map(([ns, r]) => evidenceConfigMap(ns, r))];

    // WHEN
    const r = await buildDiffReport(plan.plan, result, new MemorySource(live), { target: undo.folder, fieldManager: 'threescale-migrate' });

    // THEN the rollback folder is in sync (its retire Job counted like any Job), scale-down pending, no longer "its Jobs ran"
    expect(r).toMatchObject({ inSync: true, currentPhase: 'prepare' });
    expect(statuses(r)).toMatchObject({ prepare: 'applied', 'scale-down': 'pending' });
    expect(phaseOf(r, 'scale-down').reason).not.toMatch(/its Jobs ran/);
  });

  describe('the retire Job Argo CD never applies (argocd.argoproj.io/hook: Skip)', () => {
    const folderAt = (id: string) => result.rollbacks.find((s) => s.phase.definition.id === id)!;
    const isRetire = (o: KubeObject) => o.kind === 'Job' && o.metadata.name.startsWith('retire-undone-jobs-');
    /** rollback/scale-down applied with every Job up to scale-down and the folder's own recorded done, except those `skip` says. */
    const rolledBack = (skip: (o: KubeObject) => boolean): KubeObject[] => {
      const scaleDown = result.forward.find((s) => s.phase.definition.id === 'scale-down')!;
      const undo = folderAt('scale-down');
      const jobs = [...result.forward.slice(0, result.forward.indexOf(scaleDown) + 1).flatMap((s) => s.own), ...undo.own].filter((o) => o.kind === 'Job' && !skip(o));
      return [...settled(undo.objects.filter((o) => !skip(o))), ...evidenceOf(jobs)];
    };

    test('GIVEN the folder rendered its retire Job marked Skip WHEN read THEN only Argo CD is told to leave it alone (Flux applies it)', () => {
      const retire = folderAt('scale-down').own.find(isRetire)!;
      expect(retire.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/hook': 'Skip', 'kustomize.toolkit.fluxcd.io/force': 'enabled' });
      expect(retire.metadata.annotations).not.toHaveProperty('argocd.argoproj.io/hook-delete-policy');
      // AND its helpers too: Argo CD applies nothing of it
      const helpers = folderAt('scale-down').own.filter((o) => o.kind !== 'Job' && o.metadata.name.startsWith('retire-undone-jobs-'));
      expect(helpers.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Role', 'Role', 'RoleBinding', 'RoleBinding', 'ServiceAccount']);
      for (const h of helpers) expect(h.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('Skip');
    });

    test('GIVEN Argo CD synced rollback/scale-down (its retire Job never created, no record of it) WHEN compared THEN the folder is in sync and the retire Job is no missing step', async () => {
      // WHEN
      const r = await buildDiffReport(plan.plan, result, new MemorySource(rolledBack(isRetire)), { target: folderAt('scale-down').folder, fieldManager: 'argocd-controller' });

      // THEN
      expect(r).toMatchObject({ inSync: true, currentPhase: 'prepare' });
      expect(r.objects.some((o) => o.ref.name.startsWith('retire-undone-jobs-'))).toBe(false);
      // (it is the folder's only Job: with it counted as missing, the folder could never be in sync on Argo CD)
      expect(folderAt('scale-down').objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual(['retire-undone-jobs-scale-down']);
    });

    test('GIVEN Argo CD synced scale-down (its retire-rollback-jobs-scale-down never created, no record of it) WHEN compared THEN scale-down is applied and in sync, that Job no step of it', async () => {
      // GIVEN every object and Job up to scale-down, except the forward retire Job
      const scaleDown = result.forward.find((s) => s.phase.definition.id === 'scale-down')!;
      const isForwardRetire = (o: KubeObject) => o.metadata.name.startsWith('retire-rollback-jobs-');
      expect(scaleDown.own.some(isForwardRetire)).toBe(true);
      const jobs = result.forward.slice(0, result.forward.indexOf(scaleDown) + 1).flatMap((s) => s.own).filter((o) => o.kind === 'Job' && !isForwardRetire(o));
      const live = [...settled(scaleDown.objects.filter((o) => !isForwardRetire(o))), ...evidenceOf(jobs)];

      // WHEN
      const r = await buildDiffReport(plan.plan, result, new MemorySource(live), { target: 'scale-down', fieldManager: 'argocd-controller' });

      // THEN
      expect(r).toMatchObject({ inSync: true, currentPhase: 'scale-down' });
      expect(phaseOf(r, 'scale-down').checks).toEqual({ total: 14, satisfied: 14, superseded: 0 });
      expect(r.objects.some((o) => isForwardRetire({ metadata: { name: o.ref.name } } as KubeObject))).toBe(false);
    });

    test('GIVEN Flux applied the retire Job and it failed WHEN compared THEN it counts: the folder is not in sync and the failure is named', async () => {
      // GIVEN the Job live with its Failed condition, no record of it
      const live = rolledBack(isRetire);
      const retire = folderAt('scale-down').own.find(isRetire)!;
      const failed = { ...retire, status: { failed: 3, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] } };

      // WHEN
      const r = await buildDiffReport(plan.plan, result, new MemorySource([...live, failed]), { target: folderAt('scale-down').folder, fieldManager: 'flux' });

      // THEN
      expect(r.inSync).toBe(false);
      expect(r.objects.find((o) => o.ref.name === retire.metadata.name)).toMatchObject({ verdict: 'job-failed' });
    });

    test('GIVEN the retire Job gone but its record there (Flux ran it, then the Job was deleted) WHEN compared THEN the record counts', async () => {
      // GIVEN the record of a failed run and no Job
      const retire = folderAt('scale-down').own.find(isRetire)!;
      const live = [...rolledBack(isRetire).filter((o) => !(o.kind === 'ConfigMap' && o.metadata.namespace === retire.metadata.namespace && o.metadata.name === 'threescale-migrate-evidence')), ...evidenceOf([retire], 'Failed')];

      // WHEN
      const r = await buildDiffReport(plan.plan, result, new MemorySource(live), { target: folderAt('scale-down').folder, fieldManager: 'flux' });

      // THEN
      expect(r.objects.find((o) => o.ref.name === retire.metadata.name)).toMatchObject({ verdict: 'job-failed' });
      expect(r.inSync).toBe(false);
    });
  });

  test('GIVEN the scale-down queue check recorded its figure WHEN reported THEN the scale-down line carries the queue lengths', async () => {
    // GIVEN scale-down applied; its check found 3 backend jobs with the workers already stopped
    const scaleDown = result.forward.find((s) => s.phase.definition.id === 'scale-down')!;
    const live = appliedUpTo(scaleDown).filter((o) => !(o.kind === 'ConfigMap' && o.metadata.name === 'threescale-migrate-evidence' && o.metadata.namespace === '3scale'));
    const earlierJobs = result.forward.slice(0, result.forward.indexOf(scaleDown)).flatMap((s) => s.own.filter((o) => o.kind === 'Job' && o.metadata.namespace === '3scale'));
    const records = Object.fromEntries(earlierJobs.map((j) => [j.metadata.name, { phase: 'Succeeded' as const, result: 'done' }]));
    live.push(evidenceConfigMap('3scale', { ...records, 'retire-rollback-jobs-scale-down': { phase: 'Succeeded', result: 'retired' }, 'check-queues': { phase: 'Succeeded', result: 'queued sidekiq=0 backend=3; later scheduled=0 retry=0 failed=0; workers stopped, not waited for: the jobs stay in the Redis data [backend stats=3]' } }));

    // WHEN
    const r = await buildDiffReport(plan.plan, result, new MemorySource(live), { target: 'scale-down', fieldManager: 'threescale-migrate' });

    // THEN
    expect(phaseOf(r, 'scale-down')).toMatchObject({ status: 'applied', reason: expect.stringMatching(/^\d+ of \d+ in sync; queued sidekiq=0 backend=3$/) });
  });

  test('a copy Job that failed after scale-down: copy-data failed, the current phase stays scale-down', async () => {
    // GIVEN scale-down applied, and the System database copy failed
    const scaleDown = result.forward.find((s) => s.phase.definition.id === 'scale-down')!;
    const copy = result.forward.find((s) => s.phase.definition.id === 'copy-data')!;
    const failedJob = copy.own.find((o) => o.kind === 'Job' && o.metadata.name === 'copy-system-database')!;
    const live = [...appliedUpTo(scaleDown).filter((o) => !(o.kind === 'ConfigMap' && o.metadata.name === 'threescale-migrate-evidence' && o.metadata.namespace === failedJob.metadata.namespace))];
    live.push(evidenceConfigMap(failedJob.metadata.namespace!, { 'copy-system-database': { phase: 'Failed', result: 'pg_dump exited 1' } }));

    // WHEN
    const r = await buildDiffReport(plan.plan, result, new MemorySource(live), { target: 'copy-data', fieldManager: 'threescale-migrate' });

    // THEN
    expect(phaseOf(r, 'copy-data')).toMatchObject({ status: 'failed', reason: expect.stringContaining('Job copy-system-database job-failed: pg_dump exited 1') });
    expect(r).toMatchObject({ currentPhase: 'scale-down', outOfOrder: [], inSync: false });
  });
});

describe('buildDiffReport: the upgrade to 2.16 (examples/postgresql-and-redis enables it)', () => {
  let result: SynthResult;
  let upgrade: FolderState;
  let verify: FolderState;
  beforeAll(async () => {
    result = await synthesize(plan);
    upgrade = result.forward.find((s) => s.phase.definition.id === 'upgrade')!;
    verify = result.forward.find((s) => s.phase.definition.id === 'verify')!;
  });

  /** The cluster once `state` is applied (Jobs done), with the APIManager as the operator annotates it. */
  function live(state: FolderState, channel: string, apiManager: Partial<KubeObject> = {}, csvPhase = 'Succeeded'): KubeObject[] {
    const jobs = result.forward.slice(0, result.forward.indexOf(state) + 1).flatMap((s) => s.own.filter((o) => o.kind === 'Job'));
    const objects = settled(state.objects).filter((o) => o.kind !== 'APIManager' && o.kind !== 'Subscription');
    const managed = state.objects.find((o) => o.kind === 'APIManager')!;
    return [
      ...objects,
      ...evidenceOf(jobs),
      {
        ...managed,
        metadata: { ...managed.metadata, annotations: { ...managed.metadata.annotations, 'apps.3scale.net/apimanager-threescale-version': '2.15.5', 'apps.3scale.net/threescale-operator-version': '0.12.5' } },
        status: { conditions: [{ type: 'Available', status: 'True' }, { type: 'Preflights', status: 'True', message: 'All requirements for the current version are met' }] },
        ...apiManager,
      },
      ...olmInstalled(
        {
          apiVersion: 'operators.coreos.com/v1alpha1',
          kind: 'Subscription',
          // Once the upgrade folder was applied, the Subscription carries its annotations too.
          metadata: { name: '3scale-operator', namespace: '3scale', ...(state === upgrade ? { annotations: upgrade.own[0]!.metadata.annotations } : {}) },
          spec: { name: '3scale-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', channel, installPlanApproval: 'Manual' },
        },
        channel === 'threescale-2.16' ? '3scale-operator.v0.13.0' : '3scale-operator.v0.12.5',
        csvPhase,
      ),
    ];
  }

  test('verify done, the Subscription still on threescale-2.15: upgrade pending, the channel is the one change of the spec', async () => {
    // GIVEN
    const source = new MemorySource(live(verify, 'threescale-2.15'));

    // WHEN
    const r = await buildDiffReport(plan.plan, result, source, { target: 'upgrade', fieldManager: 'argocd-controller' });

    // THEN
    expect(statuses(r)).toMatchObject({ verify: 'applied', upgrade: 'pending' });
    expect(r.currentPhase).toBe('verify');
    const subscription = r.objects.find((o) => o.ref.kind === 'Subscription')!;
    expect(subscription).toMatchObject({ ref: { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription', namespace: '3scale', name: '3scale-operator' }, verdict: 'changed', partial: true });
    expect(subscription.changes).toContainEqual({ path: 'spec.channel', op: 'replace', live: 'threescale-2.15', desired: 'threescale-2.16' });
    expect(subscription.changes.filter((c) => !c.path.startsWith('metadata.annotations'))).toHaveLength(1);
    // AND everything was read in one call, the Subscriptions and the APIManagers of 3scale among them
    expect(source.listCalls).toHaveLength(1);
    expect(source.listCalls[0]).toEqual(
      expect.arrayContaining([
        { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription', namespace: '3scale' },
        { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', namespace: '3scale' },
      ]),
    );
  });

  test('the Subscription on threescale-2.16: upgrade applied, and the report carries the APIManager’s version and Preflights', async () => {
    // GIVEN
    const source = new MemorySource(live(upgrade, 'threescale-2.16'));

    // WHEN
    const r = await buildDiffReport(plan.plan, result, source, { target: 'upgrade', fieldManager: 'argocd-controller' });

    // THEN
    expect(statuses(r).upgrade).toBe('applied');
    expect(r).toMatchObject({ currentPhase: 'upgrade', inSync: true });
    expect(r.threescale).toEqual({ version: '2.15.5', operatorVersion: '0.12.5', preflights: { status: 'True', message: 'All requirements for the current version are met' } });
    expect(Object.keys(r).at(-1)).toBe('threescale');
  });

  test('GIVEN the Subscription on threescale-2.16 whose new CSV is still Installing WHEN compared THEN the upgrade is in progress, waiting for the CSV, not applied', async () => {
    // GIVEN OLM has installed the InstallPlan (AtLatestKnown) but the new operator Deployment is not up yet
    const source = new MemorySource(live(upgrade, 'threescale-2.16', {}, 'Installing'));

    // WHEN
    const r = await buildDiffReport(plan.plan, result, source, { target: 'upgrade', fieldManager: 'argocd-controller' });

    // THEN
    expect(statuses(r).upgrade).toBe('in-progress');
    expect(r).toMatchObject({ currentPhase: 'verify', inSync: false });
    expect(r.objects.find((o) => o.ref.kind === 'Subscription')).toMatchObject({
      verdict: 'not-ready',
      reason: 'ClusterServiceVersion 3scale-operator.v0.13.0: waits for OLM to install the operator to phase Succeeded (it is Installing)',
    });
  });

  test('failed preflights, and an APIManager without annotations or conditions, are reported as they are', async () => {
    // GIVEN the 2.15 operator refusing the 2.16 requirements
    const refused = live(upgrade, 'threescale-2.16', {
      status: { conditions: [{ type: 'Preflights', status: 'False', message: 'Preflights failed - requirements are not met' }] },
    });
    const bare = live(upgrade, 'threescale-2.16').map((o) => (o.kind === 'APIManager' ? { ...o, metadata: { name: o.metadata.name, namespace: o.metadata.namespace }, status: {} } : o));

    // WHEN
    const a = await buildDiffReport(plan.plan, result, new MemorySource(refused), { target: 'upgrade', fieldManager: 'argocd-controller' });
    const b = await buildDiffReport(plan.plan, result, new MemorySource(bare), { target: 'preflight', fieldManager: 'argocd-controller' });

    // THEN
    expect(a.threescale?.preflights).toEqual({ status: 'False', message: 'Preflights failed - requirements are not met' });
    expect(b.threescale).toEqual({ version: null, operatorVersion: null, preflights: null });
  });

  test('an APIManager that cannot be read (403, or absent) gives threescale: null', async () => {
    // GIVEN
    const forbidden = new MemorySource(live(upgrade, 'threescale-2.16')).failList('APIManager', '3scale', readError('forbidden'));
    const absent = new MemorySource(live(upgrade, 'threescale-2.16').filter((o) => o.kind !== 'APIManager'));

    // WHEN
    const a = await buildDiffReport(plan.plan, result, forbidden, { target: 'upgrade', fieldManager: 'argocd-controller' });
    const b = await buildDiffReport(plan.plan, result, absent, { target: 'upgrade', fieldManager: 'argocd-controller' });

    // THEN
    expect(a.threescale).toBeNull();
    expect(b.threescale).toBeNull();
  });

  test('GIVEN verify done and a 2.15 InstallPlan waiting for approval WHEN the report is built THEN the upgrade is blocked, naming the failed check', async () => {
    // GIVEN
    const pending: KubeObject = {
      apiVersion: 'operators.coreos.com/v1alpha1',
      kind: 'InstallPlan',
      metadata: { name: 'install-7xk2p', namespace: '3scale' },
      spec: { approval: 'Manual', approved: false, clusterServiceVersionNames: ['3scale-operator.v0.12.5'] },
      status: { phase: 'RequiresApproval' },
    };
    const source = new MemorySource([...live(verify, 'threescale-2.15'), pending]);

    // WHEN
    const r = await buildDiffReport(plan.plan, result, source, { target: 'upgrade', fieldManager: 'argocd-controller' });

    // THEN the migration phases are unaffected; the upgrade waits for the check
    expect(statuses(r)).toMatchObject({ verify: 'applied', upgrade: 'blocked' });
    expect(phaseOf(r, 'upgrade').reason).toMatch(/^preflight checks failed: install-plans:3scale\/3scale-operator; nothing of it is live yet/);
    expect(r.preflight).toBeDefined();
    expect(r.preflight!.failed).toEqual(['install-plans:3scale/3scale-operator']);
    expect(r.preflight!.checks.find((c) => c.id === 'install-plans:3scale/3scale-operator')).toMatchObject({ found: 'install-7xk2p (3scale-operator.v0.12.5)', needed: 'none pending' });
  });

  test('GIVEN the upgrade already applied WHEN a check fails THEN the phase keeps its status: blocking only holds back an upgrade not started', async () => {
    // GIVEN the 2.16 channel live and the Redis flags back to internal (a failed check)
    const source = new MemorySource(
      live(upgrade, 'threescale-2.16').map((o) => (o.kind === 'APIManager' ? { ...o, spec: { ...(o.spec as object), externalComponents: { system: { database: true, redis: false }, backend: { redis: true } } } } : o)),
    );

    // WHEN
    const r = await buildDiffReport(plan.plan, result, source, { target: 'upgrade', fieldManager: 'argocd-controller' });

    // THEN
    expect(r.preflight).toBeDefined();
    expect(r.preflight!.failed).toContain('components-external');
    expect(statuses(r).upgrade).not.toBe('blocked');
  });

  test('a plan without the upgrade has no threescale block', async () => {
    // GIVEN
    const redisOnly = loadExample('redis-only');
    const other = await synthesize(redisOnly);

    // WHEN
    const r = await buildDiffReport(redisOnly.plan, other, new MemorySource([]), { target: 'preflight', fieldManager: 'argocd-controller' });

    // THEN
    expect('threescale' in r).toBe(false);
  });
});

describe('buildDiffReport: the MySQL detach (examples/mysql-in-place-and-redis)', () => {
  let mysqlPlan: LoadedPlan;
  let result: SynthResult;
  let detached: KubeObject[];
  beforeAll(async () => {
    mysqlPlan = loadExample('mysql-in-place-and-redis');
    result = await synthesize(mysqlPlan);
    const fixture = await loadLiveFixture('mysql');
    detached = [
      pick(fixture, 'Deployment', 'system-mysql'),
      pick(fixture, 'PersistentVolumeClaim', 'mysql-storage'),
      pick(fixture, 'ConfigMap', 'mysql-extra-conf'),
      pick(fixture, 'ConfigMap', 'mysql-main-conf'),
      pick(fixture, 'Service', 'system-mysql'),
      pick(fixture, 'ServiceAccount', 'amp'),
    ];
  });

  const LABELS = ['app', 'threescale_component', 'threescale_component_element', 'com.company', 'rht.comp', 'rht.comp_ver', 'rht.prod_name', 'rht.prod_ver', 'rht.subcomp'];

  /** What the detach Job leaves: no APIManager ownerReference, no 3scale labels on metadata and pod template. */
  function detach(o: KubeObject): KubeObject {
    const strip = (labels: Record<string, string> | undefined) => Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !LABELS.includes(k)));
    const copy = structuredClone(o);
    copy.metadata.labels = strip(copy.metadata.labels);
    copy.metadata.ownerReferences = ((copy.metadata.ownerReferences ?? []) as { kind: string }[]).filter((r) => r.kind !== 'APIManager');
    const template = (copy.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template;
    if (template?.metadata) template.metadata.labels = strip(template.metadata.labels);
    return copy;
  }

  /** The cluster with every phase through cut-over applied, the detach Job recorded with `detachJob`. */
  function cutoverLive(objects: readonly KubeObject[], detachJob: 'Succeeded' | 'none'): KubeObject[] {
    const cutover = result.forward.find((s) => s.phase.definition.id === 'cutover')!;
    const jobs = result.forward.slice(0, result.forward.indexOf(cutover) + 1).flatMap((s) => s.own.filter((o) => o.kind === 'Job' && (detachJob === 'Succeeded' || o.metadata.name !== 'detach-system-mysql')));
    return [...settled(cutover.objects), ...objects, ...evidenceOf(jobs)];
  }

  async function cutoverReport(live: KubeObject[]) {
    return buildDiffReport(mysqlPlan.plan, result, new MemorySource(live), { target: 'cutover', fieldManager: 'threescale-migrate' });
  }

  test('cut-over checks the removals on every detached object', async () => {
    // GIVEN / WHEN
    const r = await cutoverReport(cutoverLive(detached.map(detach), 'Succeeded'));

    // THEN
    const removals = r.objects.filter((o) => ['system-mysql', 'mysql-storage', 'mysql-extra-conf', 'mysql-main-conf', 'amp'].includes(o.ref.name));
    expect(removals.map((o) => `${o.ref.kind} ${o.ref.name} ${o.verdict}`).sort()).toEqual([
      'ConfigMap mysql-extra-conf in-sync',
      'ConfigMap mysql-main-conf in-sync',
      'Deployment system-mysql in-sync',
      'PersistentVolumeClaim mysql-storage in-sync',
      'Service system-mysql in-sync',
      'ServiceAccount amp in-sync',
    ]);
    expect(removals.every((o) => o.partial)).toBe(true);
    expect(phaseOf(r, 'cutover').status).toBe('applied');
    expect(r).toMatchObject({ currentPhase: 'cutover', inSync: true });
  });

  test('labels still present before the detach Job succeeded: work not done yet, in progress', async () => {
    // GIVEN the detach Job applied and running, the objects not detached yet
    const r = await cutoverReport(cutoverLive(detached, 'none'));

    // THEN
    expect(phaseOf(r, 'cutover').status).toBe('in-progress');
    expect(phaseOf(r, 'cutover').reason).toMatch(/^Job detach-system-mysql job-running, /);
    const deployment = r.objects.find((o) => o.ref.kind === 'Deployment' && o.ref.name === 'system-mysql')!;
    expect(deployment.verdict).toBe('changed');
    expect(deployment.changes.every((c) => c.op === 'remove')).toBe(true);
    expect(deployment.changes.map((c) => c.path)).toContain('spec.template.metadata.labels["rht.subcomp"]');
  });

  test('labels still present after the detach Job succeeded: drifted', async () => {
    // GIVEN the Job recorded success but the PVC got its labels back
    const live = cutoverLive(
      detached.map((o) => (o.kind === 'PersistentVolumeClaim' ? o : detach(o))),
      'Succeeded',
    );

    // WHEN
    const r = await cutoverReport(live);

    // THEN
    expect(phaseOf(r, 'cutover')).toMatchObject({ status: 'drifted', reason: expect.stringMatching(/^PersistentVolumeClaim mysql-storage changed while \d+ of \d+ are in sync$/) });
  });

  test('the APIManager ownerReference is found by kind and name, not by its position among other owners', async () => {
    // GIVEN the PVC had a second owner (sorting before the APIManager by uid), and the Job removed the APIManager one
    const pvc = detached.find((o) => o.kind === 'PersistentVolumeClaim')!;
    const other = { apiVersion: 'v1', kind: 'ConfigMap', name: 'backup-policy', uid: '00000000-0000-0000-0000-000000000000' };
    const withTwoOwners = { ...pvc, metadata: { ...pvc.metadata, ownerReferences: [...(pvc.metadata.ownerReferences as object[]), other] } };
    const live = cutoverLive(
      detached.map((o) => (o === pvc ? detach(withTwoOwners) : detach(o))),
      'Succeeded',
    );
    // AND before the Job ran
    const before = cutoverLive(
      detached.map((o) => (o === pvc ? withTwoOwners : detach(o))),
      'Succeeded',
    );

    // WHEN
    const after = await cutoverReport(live);
    const still = await cutoverReport(before);

    // THEN the other owner is no reason for drift, the APIManager one is
    expect(after.objects.find((o) => o.ref.name === 'mysql-storage')!.verdict).toBe('in-sync');
    expect(phaseOf(after, 'cutover').status).toBe('applied');
    const pending = still.objects.find((o) => o.ref.name === 'mysql-storage')!;
    expect(pending.verdict).toBe('changed');
    expect(pending.changes).toHaveLength(4);
    expect(pending.changes.filter((c) => c.path.startsWith('metadata.ownerReferences'))).toEqual([{ path: `metadata.ownerReferences[uid=${(pvc.metadata.ownerReferences as { uid: string }[])[0]!.uid}]`, op: 'remove', live: expect.anything() }]);
  });

  test('before the cut-over, no removal is checked', async () => {
    // GIVEN / WHEN the target is scale-down
    const r = await buildDiffReport(mysqlPlan.plan, result, new MemorySource(detached), { target: 'scale-down', fieldManager: 'threescale-migrate' });

    // THEN
    expect(r.objects.some((o) => o.ref.name === 'mysql-storage')).toBe(false);
  });
});

describe('buildDiffReport: objects a later phase deletes (the template upgrade removes the wildcard router it patched)', () => {
  // 00-patch: Job patch-victim adds data.k to ConfigMap victim (a guarded patch step); 01-remove: Job
  // remove-victim deletes it, declared by the phase's `deletes`.
  const victim = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'victim', namespace: '3scale' }, data });
  const step = { apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmap', name: 'victim', file: '01-configmap-victim-k.json', operations: [], probe: 'jsonpath={.data.k}', done: 'v', check: { fragment: { data: { k: 'v' } } } } as const;
  const procedure = (declared: boolean) =>
    synthetic([
      { id: 'patch', own: [job('patch-victim')], define: { patches: () => [step] } },
      { id: 'remove', own: [job('remove-victim')], define: declared ? { deletes: () => [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'victim' }] } : {} },
    ]);
  const evidence = (...jobs: string[]) => evidenceConfigMap('3scale', Object.fromEntries(jobs.map((j) => [j, { phase: 'Succeeded' }])));

  test('GIVEN the patch done and the removal not run WHEN compared THEN the patch phase is applied, the removal pending', async () => {
    const r = await report([victim({ k: 'v' }), evidence('patch-victim')], '00-patch', procedure(true));
    expect(statuses(r)).toEqual({ patch: 'applied', remove: 'pending' });
  });

  test('GIVEN the object deleted by the phase that declares it WHEN compared THEN the patch on it counts as changed again (the patch phase superseded, its Job done) and the target is in sync', async () => {
    const r = await report([evidence('patch-victim', 'remove-victim')], '01-remove', procedure(true));
    expect(statuses(r)).toEqual({ patch: 'superseded', remove: 'applied' });
    expect(phaseOf(r, 'patch')).toMatchObject({ reason: 'its Jobs are done and every object it sets was changed again by a later phase', checks: { total: 2, satisfied: 1, superseded: 1 } });
    expect(r).toMatchObject({ inSync: true, currentPhase: 'remove' });
  });

  test('GIVEN the removal Job succeeded but the object still there WHEN compared THEN the removal phase drifted, naming it', async () => {
    const r = await report([victim({ k: 'v' }), evidence('patch-victim', 'remove-victim')], '01-remove', procedure(true));
    expect(phaseOf(r, 'remove')).toMatchObject({ status: 'drifted', reason: 'ConfigMap victim changed while 1 of 2 are in sync' });
    expect(r.inSync).toBe(false);
  });

  test('GIVEN the removal Job still running and the object there WHEN compared THEN the removal is in progress, not drifted', async () => {
    const running = evidenceConfigMap('3scale', { 'patch-victim': { phase: 'Succeeded' }, 'remove-victim': { phase: 'Running' } });
    const r = await report([victim({ k: 'v' }), running], '01-remove', procedure(true));
    expect(phaseOf(r, 'remove').status).toBe('in-progress');
  });

  test('GIVEN the object gone while no phase declares deleting it WHEN compared THEN the patch phase is not applied', async () => {
    const r = await report([evidence('patch-victim', 'remove-victim')], '01-remove', procedure(false));
    expect(phaseOf(r, 'patch').status).not.toBe('applied');
    expect(r.inSync).toBe(false);
  });
});
