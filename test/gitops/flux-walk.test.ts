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
import { applyObject, listObjects } from '../support/gitops-walk/cluster-actors.js';
import { kustomizationState, publishArtifact, requestReconcile, startKustomizeController, type KustomizationState } from '../support/gitops-walk/flux-engine.js';
import type { SourceArtifact } from '../support/gitops-walk/git-source.js';
import { statusAgrees, useWalkSuite, waitFor as waitForState, WALK_PLAN as PLAN } from '../support/gitops-walk/walk-suite.js';
import { createNamespace } from '../support/real-api/index.js';
import type { ServerProcess } from '../support/real-api/process-group.js';

/**
 * The phases Flux walks today. From scale-down on, the folders carry partial Deployments (only spec.replicas)
 * of objects the operator and OLM own, and kustomize-controller cannot apply those: see the last test.
 */
const FORWARD = ['preflight', 'prepare'];
const FLUX_NS = 'flux-system';
const POINTER = 'prod-3scale-migration';
/** Bound on how long the engine may take to report a promotion Ready (a real cluster's is the Kustomization timeout). */
const READY_WITHIN_MS = 120_000;

const flux = checkEngine('kustomize-controller', kustomizeControllerBinary());
/** The running kustomize-controller (a wait fails at once when it has exited). */
let controller: ServerProcess | undefined;

/** Polls until `probe` returns a value; fails at once when kustomize-controller has exited. */
function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>, describeState: () => Promise<string>): Promise<T> {
  return waitForState(what, ms, async () => {
    if (controller?.hasExited()) throw new Error(`${what}: kustomize-controller exited; ${await describeState()}`);
    return probe();
  }, describeState);
}

describe.skipIf(flux.skip)('Flux walks the PostgreSQL migration on the real API server', () => {
  const walk = useWalkSuite('flux-walk-', fluxCrdFiles());
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
      const at = await requestReconcile(admin(), FLUX_NS, POINTER);
      await waitFor(`reconciliation ${i + 1} handled`, READY_WITHIN_MS, async () => {
        const s = await pointer();
        return s.lastHandledReconcileAt === at && s.ready === 'True' ? s : undefined;
      }, explain);
      seen.push(await walk.generations());
    }
    return seen;
  }

  beforeAll(async () => {
    const binary = flux.require();
    await createNamespace(admin(), FLUX_NS);
    controller = await startKustomizeController(binary, kubeconfig(), walk.tmp());
  }, 60_000);

  afterAll(async () => {
    await controller?.stop();
  });

  test('GIVEN the wiring committed once WHEN preflight and prepare are promoted in turn THEN Flux reports each Ready, one phase is pointed at, status agrees, nothing flips', async () => {
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

    for (const [i, id] of FORWARD.entries()) {
      const folder = `${String(i).padStart(2, '0')}-${id}`;
      if (i > 0) {
        // WHEN the one command of a promotion runs and its output is committed
        const promoted = await runCli(['promote', '-c', PLAN, '--kubeconfig', kubeconfig(), '--field-manager', 'flux', '--to', id, '--gitops', 'flux', '--out', out()]);
        expect(promoted.code, `${id}: ${promoted.stdout}${promoted.stderr}`).toBe(0);
        artifact = await commit(`3scale migration: ${id}`);
      }

      // THEN Flux reports the pointer Ready at that commit and folder
      await readyAt(artifact, folder);
      if (id === 'prepare') {
        // (with the new Redis claims still Pending: their first pod comes two phases later)
        const claims = await listObjects(admin(), 'v1', 'PersistentVolumeClaim', '3scale-db');
        const pending = claims.filter((c) => c.status?.phase === 'Pending').map((c) => c.metadata.name).sort();
        expect(pending).toEqual(['backend-redis-storage-external', 'system-redis-storage-external']);
      }
      // AND exactly one Kustomization of the migration exists, pointing at that folder
      const pointers = (await listObjects(admin(), 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', FLUX_NS)).filter((k) => k.metadata.labels?.['threescale-migrate.3scale.net/migration'] === 'prod-3scale');
      expect(pointers.map((k) => (k.spec as { path: string }).path), id).toEqual([`./clusters/prod/3scale-migration/${folder}`]);
      // AND status agrees: the phase is applied and the folder in sync
      await statusAgrees(walk, id, 'flux');
      // AND nothing flips across three reconciliations
      const before = await walk.generations();
      const after = await threeReconciliations();
      for (const g of after) expect(g, id).toEqual(before);
    }
  }, 1_800_000);

  test('GIVEN prepare done WHEN an early promotion to copy-data is asked THEN promote refuses: scale-down is not applied', async () => {
    // WHEN
    const run = await runCli(['promote', '-c', PLAN, '--kubeconfig', kubeconfig(), '--field-manager', 'flux', '--to', 'copy-data', '--gitops', 'flux', '--out', out()]);

    // THEN
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^refused: not moving to copy-data: 02-scale-down is pending \(/);
    expect((await pointer()).path).toBe('./clusters/prod/3scale-migration/01-prepare');
  }, 120_000);

  test('KNOWN DEFECT: GIVEN scale-down promoted WHEN kustomize-controller applies its partial Deployments THEN it refuses them (its typed normalization turns the missing selector into null)', async () => {
    // GIVEN
    const promoted = await runCli(['promote', '-c', PLAN, '--kubeconfig', kubeconfig(), '--field-manager', 'flux', '--to', 'scale-down', '--gitops', 'flux', '--out', out()]);
    expect(promoted.code, promoted.stdout).toBe(0);

    // WHEN
    await commit('3scale migration: scale-down');

    // THEN the engine reports the folder failed, naming a partial Deployment and the null selector
    const failed = await waitFor('Kustomization reports the scale-down apply failure', READY_WITHIN_MS, async () => {
      const s = await pointer();
      return s.path.endsWith('/02-scale-down') && s.ready === 'False' && s.message?.includes('dry-run failed') ? s : undefined;
    }, explain);
    expect(failed.reason).toBe('ReconciliationFailed');
    expect(failed.message).toMatch(/Deployment\/3scale\/[a-z-]+ dry-run failed \(Invalid\).*spec\.selector: Invalid value: null: field is immutable/);
    // AND nothing of 3scale was scaled down
    const apicast = (await listObjects(admin(), 'apps/v1', 'Deployment', '3scale')).find((d) => d.metadata.name === 'apicast-production');
    expect((apicast?.spec as { replicas: number }).replicas).toBeGreaterThan(0);
  }, 300_000);
});
