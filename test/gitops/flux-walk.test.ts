/**
 * The PostgreSQL migration walked by Flux for real: kustomize-controller (built from its Go module, release in
 * test/envtest/flux/go.mod) against the real kube-apiserver, reading each commit of a Git repository served as
 * a source artifact, with a default StorageClass that binds on first use, the controllers and the Jobs played by
 * the harness and the 3scale operator taking back replicas while it runs. Every step is one `promote` (one
 * re-synth of the wiring) and one commit; nothing else is typed. Fails with CI set when a binary is missing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, test, afterAll, beforeAll } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { runCli } from '../support/cli.js';
import { checkEngine, fluxCrdFiles, kustomizeControllerBinary } from '../support/gitops-engines.js';
import { operatorSubscription } from '../support/fake-api-olm.js';
import { applyObject, listObjects } from '../support/gitops-walk/cluster-actors.js';
import { CreationOrder } from '../support/gitops-walk/creation-order.js';
import { kustomizationState, publishArtifact, requestReconcile, startKustomizeController, type KustomizationState } from '../support/gitops-walk/flux-engine.js';
import type { SourceArtifact } from '../support/gitops-walk/git-source.js';
import { statusAgrees, useWalkSuite, waitFor as waitForState, WALK_PLAN as PLAN } from '../support/gitops-walk/walk-suite.js';
import { approveInstallPlan, HEAD_2_16, installPlanPath, THREESCALE_CATALOG } from '../support/gitops-walk/olm-actor.js';
import { apiRequest, createNamespace } from '../support/real-api/index.js';
import type { ServerProcess } from '../support/real-api/process-group.js';

/** Every phase of the example plan, in order (it has spec.upgrade, so the last is the operator upgrade). */
const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify', 'upgrade'];
/** The rollback folders from the last phase down to prepare's, as status advises them. */
const ROLLBACK = ['upgrade', 'scale-up', 'cutover', 'load-redis', 'scale-down', 'prepare'];
const FLUX_NS = 'flux-system';
const POINTER = 'prod-3scale-migration';
/** Bound on how long the engine may take to report a promotion Ready (a real cluster's is the Kustomization timeout). */
const READY_WITHIN_MS = 120_000;

const flux = checkEngine('kustomize-controller', kustomizeControllerBinary());
/** The running kustomize-controller (a wait fails at once when it has exited). */
let controller: ServerProcess | undefined;
/** The API server's record of which object was created when, for the whole walk. */
let creations: CreationOrder | undefined;

/** Polls until `probe` returns a value; fails at once when kustomize-controller has exited. */
function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>, describeState: () => Promise<string>): Promise<T> {
  return waitForState(what, ms, async () => {
    if (controller?.hasExited()) throw new Error(`${what}: kustomize-controller exited; ${await describeState()}`);
    return probe();
  }, describeState);
}

describe.skipIf(flux.skip)('Flux walks the PostgreSQL migration on the real API server', () => {
  const walk = useWalkSuite('flux-walk-', fluxCrdFiles(), { extraObjects: [operatorSubscription()], olm: THREESCALE_CATALOG });
  const admin = walk.admin;
  const out = () => walk.out();
  const kubeconfig = () => walk.kubeconfig();
  const pointer = () => kustomizationState(admin(), FLUX_NS, POINTER);
  const controllerLog = () => readFileSync(controller!.logFile, 'utf8').split('\n').slice(-15).join('\n');
  const explain = async () => `pointer: ${JSON.stringify(await pointer().catch((e: unknown) => (e as Error).message))}; tick errors: ${walk.tickErrors.slice(-3).join(' | ')}; controller log tail:\n${controllerLog()}`;

  /** One commit of the work tree, published as source-controller would. */
  async function commit(message: string): Promise<SourceArtifact> {
    const artifact = walk.git().commit(message);
    await publishArtifact(admin(), FLUX_NS, POINTER, artifact);
    return artifact;
  }

  /** The engine reports the pointer Ready at this revision and folder. */
  async function readyAt(artifact: SourceArtifact, folder: string): Promise<KustomizationState> {
    return waitFor(`Kustomization ${POINTER} Ready at ${folder} (${artifact.revision})`, READY_WITHIN_MS, async () => {
      const s = await pointer().catch(() => undefined);
      return s && s.path.endsWith(`/${folder}`) && s.ready === 'True' && s.lastAppliedRevision === artifact.revision && s.observedGeneration === s.generation ? s : undefined;
    }, explain);
  }

  /** Three reconciliations asked for, each waited for; returns the generations after each. */
  async function threeReconciliations(): Promise<Record<string, number>[]> {
    const seen: Record<string, number>[] = [];
    for (let i = 0; i < 3; i++) {
      await reconciled(await requestReconcile(admin(), FLUX_NS, POINTER), `reconciliation ${i + 1}`);
      await walk.afterTicks(1);
      seen.push(await walk.generations());
    }
    return seen;
  }

  /** Waits until the requested reconciliation `at` is handled and the pointer Ready. */
  async function reconciled(at: string, what: string): Promise<KustomizationState> {
    return waitFor(`${what} handled`, READY_WITHIN_MS, async () => {
      const s = await pointer();
      return s.lastHandledReconcileAt === at && s.ready === 'True' ? s : undefined;
    }, explain);
  }

  beforeAll(async () => {
    const binary = flux.require();
    await createNamespace(admin(), FLUX_NS);
    creations = new CreationOrder(admin());
    creations.start();
    controller = await startKustomizeController(binary, kubeconfig(), walk.tmp());
  }, 60_000);

  afterAll(async () => {
    creations?.stop();
    await controller?.stop();
  });

  /** The folder a phase id (or `rollback/<id>`) renders to, as the committed pointer names it. */
  function folderOf(target: string): string {
    const id = target.replace(/^rollback\//, '');
    const folder = `${String(FORWARD.indexOf(id)).padStart(2, '0')}-${id}`;
    return target.startsWith('rollback/') ? `rollback/${folder}` : folder;
  }

  /** One `promote --to <target>` (exit 0) and its commit, published as source-controller would. */
  async function promote(target: string): Promise<SourceArtifact> {
    const promoted = await runCli(['promote', '-c', PLAN, '--kubeconfig', kubeconfig(), '--field-manager', 'flux', '--to', target, '--gitops', 'flux', '--out', out()]);
    expect(promoted.code, `${target}: ${promoted.stdout}${promoted.stderr}`).toBe(0);
    return commit(`3scale migration: ${target}`);
  }

  /** Exactly one Kustomization of the migration exists, and it points at `folder`. */
  async function onlyPointerAt(folder: string): Promise<void> {
    const pointers = (await listObjects(admin(), 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', FLUX_NS)).filter((k) => k.metadata.labels?.['threescale-migrate.3scale.net/migration'] === 'prod-3scale');
    expect(pointers.map((k) => (k.spec as { path: string }).path), folder).toEqual([`./clusters/prod/3scale-migration/${folder}`]);
  }

  /**
   * One requested reconciliation once the controllers have seen the folder. Flux applies a folder without
   * order, so when a folder stops the operator and its components in one apply, an operator tick that read its
   * own Deployment just before may still put a component's replicas back once, after Flux reported Ready; the
   * next reconciliation (the pointer's `interval`, or `flux reconcile`) applies 0 again (README, GitOps wiring).
   */
  async function settle(): Promise<void> {
    await walk.afterTicks(1);
    await reconciled(await requestReconcile(admin(), FLUX_NS, POINTER), 'settling reconciliation');
    await walk.afterTicks(1);
  }

  /** Nothing flips across three requested reconciliations (a generation only grows, so equal means no change). */
  async function nothingFlips(what: string): Promise<void> {
    const before = await walk.generations();
    for (const g of await threeReconciliations()) expect(g, what).toEqual(before);
  }

  /**
   * `status` as a user runs it during a rollback (the target read from the committed pointer in --out): waits
   * until its JSON says the target in sync, then returns the `next:` line of its text output.
   */
  async function rollbackAdvice(): Promise<string> {
    const args = ['status', '-c', PLAN, '--kubeconfig', kubeconfig(), '--dir', out(), '--field-manager', 'flux'];
    await waitFor('status says the rollback folder in sync', 60_000, async () => {
      const run = await runCli([...args, '-o', 'json']);
      return run.code === 0 && (JSON.parse(run.stdout) as { inSync: boolean }).inSync ? true : undefined;
    }, async () => (await runCli(args)).stdout);
    const run = await runCli(args);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    return run.stdout.split('\n').find((l) => l.startsWith('next: ')) ?? run.stdout;
  }

  /** What the 3scale Deployments and the operator run now (name → spec.replicas). */
  async function replicasLive(): Promise<Record<string, number>> {
    const all: Record<string, number> = {};
    for (const d of await listObjects(admin(), 'apps/v1', 'Deployment', '3scale')) all[d.metadata.name] = (d.spec as { replicas: number }).replicas;
    return all;
  }

  /** The replica counts the plan captured for the twelve 3scale Deployments. */
  function planReplicas(): Record<string, number> {
    return (parse(readFileSync(PLAN, 'utf8')) as { spec: { replicas: Record<string, number> } }).spec.replicas;
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
    const first = await runCli(['synth', '-c', PLAN, '--out', out(), '--gitops', 'flux', '--target-phase', 'preflight']);
    expect(first.code, first.stderr).toBe(0);
    const repoObject = parse(readFileSync(join(out(), 'gitops', 'flux', 'gitrepository.yaml'), 'utf8')) as KubeObject;
    await applyObject(admin(), repoObject, 'kubectl');
    let artifact = await commit('3scale migration: preflight');
    await applyObject(
      admin(),
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: '3scale-migration-wiring', namespace: FLUX_NS },
        spec: { interval: '5m', path: './clusters/prod/3scale-migration/gitops/flux', prune: false, sourceRef: { kind: 'GitRepository', name: POINTER } },
      } as KubeObject,
      'flux-client-side-apply',
    );
    const seededOwners = await specOwners('apicast-production');

    for (const [i, id] of FORWARD.entries()) {
      const folder = folderOf(id);
      // WHEN the one command of a promotion runs and its output is committed
      if (i > 0) artifact = await promote(id);

      // THEN Flux reports the pointer Ready at that commit and folder (and one more reconciliation settles it)
      await readyAt(artifact, folder);
      await settle();
      if (id === 'prepare') {
        // (with the new Redis claims still Pending: their first pod comes two phases later)
        const claims = await listObjects(admin(), 'v1', 'PersistentVolumeClaim', '3scale-db');
        const pending = claims.filter((c) => c.status?.phase === 'Pending').map((c) => c.metadata.name).sort();
        expect(pending).toEqual(['backend-redis-storage-external', 'system-redis-storage-external']);
        // (and an early promotion is refused: scale-down is not applied)
        const early = await runCli(['promote', '-c', PLAN, '--kubeconfig', kubeconfig(), '--field-manager', 'flux', '--to', 'copy-data', '--gitops', 'flux', '--out', out()]);
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
      if (id === 'upgrade') {
        // (OLM waits for the InstallPlan towards 2.16 to be approved, as with Manual approval; the administrator
        // approves it as `oc patch installplan --type merge -p '{"spec":{"approved":true}}'` does)
        const path = installPlanPath('3scale', HEAD_2_16, 'kubectl-patch');
        await waitFor('OLM creates the InstallPlan towards 2.16', 60_000, async () => ((await apiRequest(admin(), { method: 'GET', path })).status === 200 ? true : undefined), explain);
        await approveInstallPlan(admin(), '3scale', HEAD_2_16);
        await walk.afterTicks(2);
      }
      // AND exactly one Kustomization of the migration exists, pointing at that folder
      await onlyPointerAt(folder);
      // AND status agrees: the phase is applied and the folder in sync
      await statusAgrees(walk, id, 'flux');
      // AND nothing flips across three reconciliations
      await nothingFlips(id);
    }
    // AND the new Redis claims were never what held a phase: they bound when load-redis started their pods
    const claims = await listObjects(admin(), 'v1', 'PersistentVolumeClaim', '3scale-db');
    expect(claims.map((c) => c.status?.phase)).toEqual(['Bound', 'Bound', 'Bound']);
  }, 3_600_000);

  test('GIVEN the last phase applied WHEN the rollback folders are promoted from there down THEN each is applied alone, nothing is pruned, and 3scale ends as the operator runs it', async () => {
    const claimsBefore = (await listObjects(admin(), 'v1', 'PersistentVolumeClaim', '3scale-db')).map((c) => c.metadata.name).sort();
    for (const [i, id] of ROLLBACK.entries()) {
      // WHEN the pointer moves to the next rollback folder down (never held back) and it is committed
      const target = `rollback/${id}`;
      const artifact = await promote(target);

      // THEN Flux reports it Ready, and it is the only folder the migration points at
      await readyAt(artifact, folderOf(target));
      await settle();
      await onlyPointerAt(folderOf(target));
      // AND status, reading the target from the committed pointer, says it is in sync and advises the next
      // folder down that the walk takes (none after prepare's)
      const down = ROLLBACK[i + 1] ? folderOf(`rollback/${ROLLBACK[i + 1]}`) : undefined;
      expect(await rollbackAdvice(), target).toBe(`next: ${folderOf(target)} is in sync: the cluster is back at the state before ${folderOf(id)}${down ? `; to roll back further, target ${down}` : ''}; once the cause is fixed, target ${id} again`);
      // AND nothing flips across three reconciliations (no second phase is there to fight it)
      await nothingFlips(target);
    }
    // AND 3scale is back as the operator runs it: the operator started, every component at its captured count
    const replicas = planReplicas();
    const live = await replicasLive();
    expect(live['threescale-operator-controller-manager-v2']).toBe(1);
    for (const [name, count] of Object.entries(replicas)) expect(live[name], name).toBe(count);
    // AND the old databases run again
    for (const name of ['system-postgresql', 'backend-redis', 'system-redis']) expect(live[name], name).toBe(1);
    // AND the pointer prunes nothing: objects of the folders it left are still there
    expect((await listObjects(admin(), 'v1', 'PersistentVolumeClaim', '3scale-db')).map((c) => c.metadata.name).sort()).toEqual(claimsBefore);
  }, 3_600_000);

  test('GIVEN every folder walked forward and back WHEN the order of creations is read from the API server\'s watch THEN each Job was created after the ServiceAccount, script ConfigMaps and RoleBindings of its folder it uses', () => {
    // GIVEN / WHEN (Flux applies a folder in one pass: fluxcd/pkg ssa sorts ServiceAccount, Role,
    // RoleBinding, ConfigMap before kinds it does not list, Jobs among them, and applies one at a time)
    const jobs = creations!.jobsCreated();

    // THEN every Job of the walk (preflight's, prepare's, the copies', cutover's, verify's, the rollbacks') had them
    expect(jobs.length).toBeGreaterThanOrEqual(10);
    expect(creations!.missingAtJobCreation()).toEqual([]);
  });
});
