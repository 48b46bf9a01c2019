/**
 * The PostgreSQL migration walked by Flux for real: kustomize-controller (built from its Go module, release in
 * test/envtest/flux/go.mod) against the real kube-apiserver, reading each commit of a Git repository served as
 * a source artifact, with a default StorageClass that binds on first use, the controllers and the Jobs played by
 * the harness and the 3scale operator taking back replicas while it runs. Every step is one `promote` (one
 * re-synth of the wiring) and one commit; nothing else is typed. Fails with CI set when a binary is missing.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { isRetireJobName } from '../../charts/jobs/retire-jobs-job.js';
import { describe, expect, test } from 'vitest';
import { checkEngine, fluxCrdFiles, kustomizeControllerBinary } from '../support/gitops-engines.js';
import { operatorSubscription } from '../support/fake-api-olm.js';
import { listObjects } from '../support/gitops-walk/cluster-actors.js';
import { fluxWalk } from '../support/gitops-walk/flux-walk.js';
import { useWalkSuite } from '../support/gitops-walk/walk-suite.js';
import { approveInstallPlan, HEAD_2_16, installPlanPath, THREESCALE_CATALOG } from '../support/gitops-walk/olm-actor.js';
import { apiRequest } from '../support/real-api/index.js';
import { runJobPod } from '../support/real-api/run-job-pod.js';

/** Every phase of the example plan, in order (it has spec.upgrade, so the last is the operator upgrade). */
const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify', 'upgrade'];
/** The rollback folders from the last phase down to prepare's, as status advises them. */
const ROLLBACK = ['upgrade', 'scale-up', 'cutover', 'load-redis', 'scale-down', 'prepare'];

const flux = checkEngine('kustomize-controller', kustomizeControllerBinary());

describe.skipIf(flux.skip)('Flux walks the PostgreSQL migration on the real API server', () => {
  /** The uid of cut-over's rewrite Job in the first pass, to tell it from the one going forward again creates. */
  let firstRewriteUid = '';
  /** The uids of the cut-over rollback's Jobs at the first rollback, to tell them from those of the second. */
  let firstRestoreUids: Record<string, string> = {};
  // Each retire Job (retire-undone-jobs-<id> of a rollback folder, retire-rollback-jobs-<id> of a forward phase)
  // runs its real script (kube/retire-jobs.sh) under its ServiceAccount.
  const walk = useWalkSuite('flux-walk-', fluxCrdFiles(), {
    extraObjects: [operatorSubscription()],
    olm: THREESCALE_CATALOG,
    onJob: async (_admin, job) => {
      if (!isRetireJobName(job.metadata.name)) return;
      const run = await runJobPod(walk.server(), job);
      if (run.code !== 0) throw new Error(`${job.metadata.name} exited ${run.code}: ${run.stderr}`);
    },
  });
  /** The live rewrite Job of cut-over, if any. */
  const rewriteJob = async () => (await listObjects(admin(), 'batch/v1', 'Job', '3scale')).find((j) => j.metadata.name === 'rewrite-connection-secrets');
  /** The cut-over rollback's Jobs (restoring the connection Secrets, retiring the undone Jobs): name → uid of the live Job. */
  const CUTOVER_UNDO_JOBS = ['restore-connection-secrets', 'retire-undone-jobs-cutover'];
  const cutoverUndoJobs = async (): Promise<Record<string, string>> =>
    Object.fromEntries((await listObjects(admin(), 'batch/v1', 'Job', '3scale')).filter((j) => CUTOVER_UNDO_JOBS.includes(j.metadata.name)).map((j) => [j.metadata.name, String(j.metadata.uid)]));
  /** The `<step>.<key>` of the evidence records in 3scale. */
  const records = async (): Promise<Record<string, string>> => ((await listObjects(admin(), 'v1', 'ConfigMap', '3scale')).find((c) => c.metadata.name === 'threescale-migrate-evidence')?.data ?? {}) as Record<string, string>;
  const phaseStatus = async (id: string) => (await walk.status(id, 'flux')).phases.find((p) => p.id === id)?.status;
  const admin = walk.admin;
  const steps = fluxWalk(walk, () => flux.require(), FORWARD);

  /** What the 3scale Deployments and the operator run now (name → spec.replicas). */
  async function replicasLive(): Promise<Record<string, number>> {
    const all: Record<string, number> = {};
    for (const d of await listObjects(admin(), 'apps/v1', 'Deployment', '3scale')) all[d.metadata.name] = (d.spec as { replicas: number }).replicas;
    return all;
  }

  /** The replica counts the plan captured for the twelve 3scale Deployments. */
  function planReplicas(): Record<string, number> {
    return (parse(readFileSync(walk.plan(), 'utf8')) as { spec: { replicas: Record<string, number> } }).spec.replicas;
  }

  /** The fields each field manager owns under `spec` of a Deployment of 3scale (managedFields, as the server records them). */
  async function specOwners(name: string): Promise<Record<string, unknown>> {
    const d = (await listObjects(admin(), 'apps/v1', 'Deployment', '3scale')).find((x) => x.metadata.name === name)!;
    const entries = (d.metadata as { managedFields?: { manager: string; operation: string; subresource?: string; fieldsV1?: { 'f:spec'?: unknown } }[] }).managedFields ?? [];
    return Object.fromEntries(entries.filter((m) => !m.subresource && m.fieldsV1?.['f:spec']).map((m) => [`${m.manager} ${m.operation}`, m.fieldsV1!['f:spec']]));
  }

  test('GIVEN the wiring committed once WHEN every phase is promoted in turn THEN Flux applies each (the partial Deployments too, taking no operator field), one phase is pointed at, status agrees, nothing flips', async () => {
    // GIVEN the first synth, committed, and the wiring applied once by hand (GitRepository + a parent
    // Kustomization that keeps gitops/flux itself in sync with Git)
    let artifact = await steps.wire('preflight');
    const seededOwners = await specOwners('apicast-production');

    for (const [i, id] of FORWARD.entries()) {
      // WHEN the one command of a promotion runs and its output is committed
      if (i > 0) artifact = await steps.promote(id);
      await steps.forwardChecks(id, artifact, async () => {
        if (id === 'prepare') {
          // (with the new Redis claims still Pending: their first pod comes two phases later)
          const claims = await listObjects(admin(), 'v1', 'PersistentVolumeClaim', '3scale-db');
          const pending = claims.filter((c) => c.status?.phase === 'Pending').map((c) => c.metadata.name).sort();
          expect(pending).toEqual(['backend-redis-storage-external', 'system-redis-storage-external']);
          // (and an early promotion is refused: scale-down is not applied)
          const early = await steps.tryPromote('copy-data');
          expect(early.code).toBe(1);
          expect(early.stdout).toMatch(/^refused: not moving to copy-data: 02-scale-down is pending \(/);
        }
        if (id === 'scale-down') {
          // (the partial Deployments went through kustomize-controller's typed normalization: everything at 0,
          // and its field manager owns replicas, the immutable selector and empty nodes (strategy, the template's
          // metadata, the container list itself: the round trip's null merged away), no container; the manager
          // that created the Deployment keeps every field it had but replicas)
          const live = await replicasLive();
          for (const name of ['threescale-operator-controller-manager-v2', ...Object.keys(planReplicas())]) expect(live[name], name).toBe(0);
          for (const name of ['apicast-production', 'threescale-operator-controller-manager-v2']) {
            const owners = await specOwners(name);
            expect(owners['kustomize-controller Apply'], name).toEqual({ 'f:replicas': {}, 'f:selector': {}, 'f:strategy': {}, 'f:template': { 'f:metadata': {}, 'f:spec': { 'f:containers': {} } } });
          }
          const { 'f:replicas': _replicas, ...seededRest } = seededOwners['walk-setup Apply'] as Record<string, unknown>;
          expect((await specOwners('apicast-production'))['walk-setup Apply']).toEqual(seededRest);
        }
        if (id === 'cutover') firstRewriteUid = (await rewriteJob())!.metadata.uid as string;
        if (id === 'upgrade') {
          // (OLM waits for the InstallPlan towards 2.16 to be approved, as with Manual approval; the administrator
          // approves it as `oc patch installplan --type merge -p '{"spec":{"approved":true}}'` does)
          const path = installPlanPath('3scale', HEAD_2_16, 'kubectl-patch');
          await steps.waitFor('OLM creates the InstallPlan towards 2.16', 60_000, async () => ((await apiRequest(admin(), { method: 'GET', path })).status === 200 ? true : undefined));
          await approveInstallPlan(admin(), '3scale', HEAD_2_16);
          await walk.afterTicks(2);
        }
      });
    }
    // AND the new Redis claims were never what held a phase: they bound when load-redis started their pods
    const claims = await listObjects(admin(), 'v1', 'PersistentVolumeClaim', '3scale-db');
    expect(claims.map((c) => c.status?.phase)).toEqual(['Bound', 'Bound', 'Bound']);
  }, 3_600_000);

  test('GIVEN the last phase applied WHEN the rollback folders are promoted from there down THEN each is applied alone, nothing is pruned, and 3scale ends as the operator runs it', async () => {
    const claimsBefore = (await listObjects(admin(), 'v1', 'PersistentVolumeClaim', '3scale-db')).map((c) => c.metadata.name).sort();
    for (const [i, id] of ROLLBACK.entries()) await steps.rollbackStep(id, ROLLBACK[i + 1]);
    // AND 3scale is back as the operator runs it: the operator started, every component at its captured count
    const replicas = planReplicas();
    const live = await replicasLive();
    expect(live['threescale-operator-controller-manager-v2']).toBe(1);
    for (const [name, count] of Object.entries(replicas)) expect(live[name], name).toBe(count);
    // AND the old databases run again
    for (const name of ['system-postgresql', 'backend-redis', 'system-redis']) expect(live[name], name).toBe(1);
    // AND the pointer prunes nothing: objects of the folders it left are still there
    expect((await listObjects(admin(), 'v1', 'PersistentVolumeClaim', '3scale-db')).map((c) => c.metadata.name).sort()).toEqual(claimsBefore);
    firstRestoreUids = await cutoverUndoJobs();
    expect(Object.keys(firstRestoreUids).sort()).toEqual(CUTOVER_UNDO_JOBS);
  }, 3_600_000);

  test('GIVEN the rollback down to prepare (its retire Jobs deleted the undone Jobs and marked their records Undone) WHEN the phases are promoted again up to cutover THEN status reads cutover pending (not done) before its promotion, its rewrite Job runs again (a new Job), and status says it applied', async () => {
    // GIVEN the rewrite Job is gone and its record reads Undone: status calls cut-over pending, not done
    expect(firstRewriteUid).not.toBe('');
    expect(await rewriteJob()).toBeUndefined();
    const evidence = (await listObjects(admin(), 'v1', 'ConfigMap', '3scale')).find((c) => c.metadata.name === 'threescale-migrate-evidence')!;
    expect((evidence.data as Record<string, string>)['rewrite-connection-secrets.phase']).toBe('Undone');
    expect((evidence.data as Record<string, string>)['rewrite-connection-secrets.result']).toBe(`undone by ${steps.folderOf('rollback/cutover')}`);
    expect(await phaseStatus('cutover')).not.toBe('applied');
    // WHEN each phase is promoted again, from preflight to cutover
    for (const id of FORWARD.slice(0, FORWARD.indexOf('cutover') + 1)) {
      // (with load-redis applied again, cut-over is the next phase: pending, its old run not counted)
      if (id === 'cutover') expect(await phaseStatus('cutover')).toBe('pending');
      const artifact = await steps.promote(id);
      // THEN each is applied as the first time (status agrees, nothing flips)
      await steps.forwardChecks(id, artifact);
    }
    // AND cut-over's rewrite Job was created again and ran (another uid), its record Succeeded again
    const again = await rewriteJob();
    expect(again?.metadata.uid).toBeDefined();
    expect(again!.metadata.uid).not.toBe(firstRewriteUid);
    expect((again!.status?.conditions as { type: string }[] | undefined)?.map((c) => c.type)).toContain('Complete');
    expect(await phaseStatus('cutover')).toBe('applied');
    // AND cut-over's own retire Job retired the Jobs of its rollback folder, which ran at the first rollback
    expect(await cutoverUndoJobs()).toEqual({});
    const marked = await records();
    for (const job of CUTOVER_UNDO_JOBS) expect({ phase: marked[`${job}.phase`], result: marked[`${job}.result`] }, job).toEqual({ phase: 'Undone', result: `undone by ${steps.folderOf('cutover')}` });
  }, 3_600_000);

  test('GIVEN the phases promoted again up to cutover WHEN it is rolled back a second time THEN the cut-over rollback\'s Jobs run again (new Jobs: the connection Secrets restored again, the undone Jobs retired again) and status says the folder in sync', async () => {
    // GIVEN (the previous test) cut-over applied again, its rollback folder's Jobs retired
    expect(Object.keys(firstRestoreUids)).toHaveLength(CUTOVER_UNDO_JOBS.length);
    // WHEN
    await steps.rollbackStep('cutover', 'load-redis');
    // THEN each of its Jobs exists again as another Job, Complete, its record Succeeded again
    const second = await cutoverUndoJobs();
    const marked = await records();
    for (const job of CUTOVER_UNDO_JOBS) {
      expect(second[job], job).toBeDefined();
      expect(second[job], job).not.toBe(firstRestoreUids[job]);
      expect(marked[`${job}.phase`], job).toBe('Succeeded');
    }
    // AND cut-over's rewrite is undone again, so going forward a third time would run it again
    expect(await rewriteJob()).toBeUndefined();
    expect(marked['rewrite-connection-secrets.phase']).toBe('Undone');
  }, 3_600_000);

  test('GIVEN every folder walked forward and back WHEN the order of creations is read from the API server\'s watch THEN each Job was created after the ServiceAccount, script ConfigMaps and RoleBindings of its folder it uses', () => {
    // GIVEN / WHEN (Flux applies a folder in one pass: fluxcd/pkg ssa sorts ServiceAccount, Role,
    // RoleBinding, ConfigMap before kinds it does not list, Jobs among them, and applies one at a time)
    const jobs = steps.creations().jobsCreated();

    // THEN every Job of the walk (preflight's, prepare's, the copies', cutover's, verify's, the rollbacks') had them
    expect(jobs.length).toBeGreaterThanOrEqual(10);
    expect(steps.creations().missingAtJobCreation()).toEqual([]);
  });
});
