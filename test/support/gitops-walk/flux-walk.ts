/**
 * One walk with Flux, as a user takes it (test/gitops/flux-walk*.test.ts): kustomize-controller running against
 * the walk's API server, the wiring applied once by hand, then every step one `promote --to <target>` and one
 * commit published as source-controller would, and the checks of every step: the pointer Ready at that commit
 * and folder within a bound, the only Kustomization of the migration, `status` agreeing, nothing flipping across
 * three requested reconciliations. Fails at once when kustomize-controller has exited.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, expect } from 'vitest';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { runCli } from '../cli.js';
import { createNamespace } from '../real-api/index.js';
import type { ServerProcess } from '../real-api/process-group.js';
import { applyObject, listObjects } from './cluster-actors.js';
import { CreationOrder } from './creation-order.js';
import { kustomizationState, publishArtifact, requestReconcile, startKustomizeController, type KustomizationState } from './flux-engine.js';
import type { SourceArtifact } from './git-source.js';
import { statusAgrees, waitFor as waitForState, type WalkSuite } from './walk-suite.js';

const FLUX_NS = 'flux-system';
/** Bound on how long the engine may take to report a promotion Ready (a real cluster's is the Kustomization timeout). */
const READY_WITHIN_MS = 120_000;

export interface FluxWalk {
  /** The API server's record of which object was created when, for the whole walk. */
  readonly creations: () => CreationOrder;
  /** The folder a phase id (or `rollback/<id>`) renders to, as the committed pointer names it. */
  folderOf(target: string): string;
  /** Polls until `probe` returns a value; fails at once when kustomize-controller has exited. */
  waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T>;
  /**
   * The first synth at `firstPhase`, committed, and the wiring applied once by hand: the GitRepository and a
   * parent Kustomization that keeps gitops/flux itself in sync with Git. Returns the commit.
   */
  wire(firstPhase: string): Promise<SourceArtifact>;
  /** One `promote --to <target>` (exit 0) and its commit, published as source-controller would. */
  promote(target: string): Promise<SourceArtifact>;
  /** `promote --to <target>` as a user runs it, not committed. */
  tryPromote(target: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** The engine reports the pointer Ready at this commit and folder, then one requested reconciliation settles it. */
  readyAt(artifact: SourceArtifact, folder: string): Promise<KustomizationState>;
  /** Exactly one Kustomization of the migration exists, and it points at `folder`. */
  onlyPointerAt(folder: string): Promise<void>;
  /** Nothing flips across three requested reconciliations (a generation only grows, so equal means no change). */
  nothingFlips(what: string): Promise<void>;
  /**
   * A forward step after its promotion (or the wiring): Ready at that commit and folder and settled, then
   * `checks` (the step's own), the only pointer, status agreeing, nothing flipping.
   */
  forwardChecks(id: string, artifact: SourceArtifact, checks?: () => Promise<void>): Promise<void>;
  /**
   * `promote --to rollback/<id>`, Ready and settled, the only pointer, `status` in sync with a `next:` line naming
   * `down` (the next rollback folder the walk takes) or none, nothing flipping.
   */
  rollbackStep(id: string, down: string | undefined): Promise<void>;
}

/**
 * Registers kustomize-controller's start and stop on the suite's hooks and returns the walk's steps. `phases`
 * are the plan's phase ids in order (their index is the folder number).
 */
export function fluxWalk(walk: WalkSuite, binary: () => string, phases: readonly string[]): FluxWalk {
  const admin = walk.admin;
  const kubeconfig = () => walk.kubeconfig();
  let controller: ServerProcess | undefined;
  let creations: CreationOrder | undefined;
  const wiring = () => parse(readFileSync(join(walk.out(), 'gitops', 'flux', 'kustomization-pointer.yaml'), 'utf8')) as KubeObject & { spec: { path: string; sourceRef: { name: string } } };
  const pointerName = () => wiring().metadata.name;
  const pointer = () => kustomizationState(admin(), FLUX_NS, pointerName());
  const controllerLog = () => readFileSync(controller!.logFile, 'utf8').split('\n').slice(-15).join('\n');
  const explain = async () => `pointer: ${JSON.stringify(await pointer().catch((e: unknown) => (e as Error).message))}; tick errors: ${walk.tickErrors.slice(-3).join(' | ')}; controller log tail:\n${controllerLog()}`;
  const repoPath = () => `./${(parse(readFileSync(walk.plan(), 'utf8')) as { spec: { gitops: { path: string } } }).spec.gitops.path}`;

  beforeAll(async () => {
    const bin = binary();
    await createNamespace(admin(), FLUX_NS);
    creations = new CreationOrder(admin());
    creations.start();
    controller = await startKustomizeController(bin, kubeconfig(), walk.tmp());
  }, 60_000);

  afterAll(async () => {
    creations?.stop();
    await controller?.stop();
  });

  function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
    return waitForState(what, ms, async () => {
      if (controller?.hasExited()) throw new Error(`${what}: kustomize-controller exited; ${await explain()}`);
      return probe();
    }, explain);
  }

  async function commit(message: string): Promise<SourceArtifact> {
    const artifact = walk.git().commit(message);
    await publishArtifact(admin(), FLUX_NS, wiring().spec.sourceRef.name, artifact);
    return artifact;
  }

  /** Waits until the requested reconciliation `at` is handled and the pointer Ready. */
  function reconciled(at: string, what: string): Promise<KustomizationState> {
    return waitFor(`${what} handled`, READY_WITHIN_MS, async () => {
      const s = await pointer();
      return s.lastHandledReconcileAt === at && s.ready === 'True' ? s : undefined;
    });
  }

  /**
   * One requested reconciliation once the controllers have seen the folder. Flux applies a folder without
   * order, so when a folder stops the operator and its components in one apply, an operator tick that read its
   * own Deployment just before may still put a component's replicas back once, after Flux reported Ready; the
   * next reconciliation (the pointer's `interval`, or `flux reconcile`) applies 0 again (README, GitOps wiring).
   */
  async function settle(): Promise<void> {
    await walk.afterTicks(1);
    await reconciled(await requestReconcile(admin(), FLUX_NS, pointerName()), 'settling reconciliation');
    await walk.afterTicks(1);
  }

  async function readyAt(artifact: SourceArtifact, folder: string): Promise<KustomizationState> {
    const ready = await waitFor(`Kustomization ${pointerName()} Ready at ${folder} (${artifact.revision})`, READY_WITHIN_MS, async () => {
      const s = await pointer().catch(() => undefined);
      return s && s.path.endsWith(`/${folder}`) && s.ready === 'True' && s.lastAppliedRevision === artifact.revision && s.observedGeneration === s.generation ? s : undefined;
    });
    await settle();
    return ready;
  }

  async function onlyPointerAt(folder: string): Promise<void> {
    const migration = wiring().metadata.labels?.['threescale-migrate.3scale.net/migration'];
    const pointers = (await listObjects(admin(), 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', FLUX_NS)).filter((k) => k.metadata.labels?.['threescale-migrate.3scale.net/migration'] === migration);
    expect(pointers.map((k) => (k.spec as { path: string }).path), folder).toEqual([`${repoPath()}/${folder}`]);
  }

  async function nothingFlips(what: string): Promise<void> {
    const before = await walk.generations();
    for (let i = 0; i < 3; i++) {
      await reconciled(await requestReconcile(admin(), FLUX_NS, pointerName()), `reconciliation ${i + 1}`);
      await walk.afterTicks(1);
      expect(await walk.generations(), what).toEqual(before);
    }
  }

  /**
   * `status` as a user runs it during a rollback (the target read from the committed pointer in --out): waits
   * until its JSON says the target in sync, then returns the `next:` line of its text output.
   */
  async function rollbackAdvice(): Promise<string> {
    const args = ['status', '-c', walk.plan(), '--kubeconfig', kubeconfig(), '--dir', walk.out(), '--field-manager', 'flux'];
    await waitForState('status says the rollback folder in sync', 60_000, async () => {
      const run = await runCli([...args, '-o', 'json']);
      return run.code === 0 && (JSON.parse(run.stdout) as { inSync: boolean }).inSync ? true : undefined;
    }, async () => (await runCli(args)).stdout);
    const run = await runCli(args);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    return run.stdout.split('\n').find((l) => l.startsWith('next: ')) ?? run.stdout;
  }

  const folderOf = (target: string): string => {
    const id = target.replace(/^rollback\//, '');
    const folder = `${String(phases.indexOf(id)).padStart(2, '0')}-${id}`;
    return target.startsWith('rollback/') ? `rollback/${folder}` : folder;
  };
  const tryPromote = (target: string) => runCli(['promote', '-c', walk.plan(), '--kubeconfig', kubeconfig(), '--field-manager', 'flux', '--to', target, '--gitops', 'flux', '--out', walk.out()]);

  async function promote(target: string): Promise<SourceArtifact> {
    const promoted = await tryPromote(target);
    expect(promoted.code, `${target}: ${promoted.stdout}${promoted.stderr}`).toBe(0);
    return commit(`3scale migration: ${target}`);
  }

  return {
    creations: () => creations!,
    folderOf,
    waitFor,
    tryPromote,
    promote,
    readyAt,
    onlyPointerAt,
    nothingFlips,
    async wire(firstPhase) {
      const first = await runCli(['synth', '-c', walk.plan(), '--out', walk.out(), '--gitops', 'flux', '--target-phase', firstPhase]);
      expect(first.code, first.stderr).toBe(0);
      const repoObject = parse(readFileSync(join(walk.out(), 'gitops', 'flux', 'gitrepository.yaml'), 'utf8')) as KubeObject;
      await applyObject(admin(), repoObject, 'kubectl');
      const artifact = await commit(`3scale migration: ${firstPhase}`);
      await applyObject(
        admin(),
        {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name: '3scale-migration-wiring', namespace: FLUX_NS },
          spec: { interval: '5m', path: `${repoPath()}/gitops/flux`, prune: false, sourceRef: { kind: 'GitRepository', name: repoObject.metadata.name } },
        } as KubeObject,
        'flux-client-side-apply',
      );
      return artifact;
    },
    async forwardChecks(id, artifact, checks) {
      const folder = folderOf(id);
      // THEN Flux reports the pointer Ready at that commit and folder (and one more reconciliation settles it)
      await readyAt(artifact, folder);
      await checks?.();
      // AND exactly one Kustomization of the migration exists, pointing at that folder
      await onlyPointerAt(folder);
      // AND status agrees: the phase is applied and the folder in sync
      await statusAgrees(walk, id, 'flux');
      // AND nothing flips across three reconciliations
      await nothingFlips(id);
    },
    async rollbackStep(id, down) {
      // WHEN the pointer moves to the next rollback folder down (never held back) and it is committed
      const target = `rollback/${id}`;
      const artifact = await promote(target);
      // THEN Flux reports it Ready, and it is the only folder the migration points at
      await readyAt(artifact, folderOf(target));
      await onlyPointerAt(folderOf(target));
      // AND status, reading the target from the committed pointer, says it is in sync and advises the next
      // folder down that the walk takes (none after the last)
      const next = down ? folderOf(`rollback/${down}`) : undefined;
      expect(await rollbackAdvice(), target).toBe(`next: ${folderOf(target)} is in sync: the cluster is back at the state before ${folderOf(id)}${next ? `; to roll back further, target ${next}` : ''}; once the cause is fixed, target ${id} again`);
      // AND nothing flips across three reconciliations (no second phase is there to fight it)
      await nothingFlips(target);
    },
  };
}
