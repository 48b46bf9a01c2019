/**
 * A fleet walked by Flux for real: kustomize-controller runs against a management API server and applies each
 * cluster's phase folders through the `spec.kubeConfig.secretRef` that `synth --fleet --gitops flux` renders,
 * reading the kubeconfig Secrets created as the README says (`kubectl create secret generic <name>
 * --from-file=value=...`). Two real API servers, each with the PostgreSQL 2.15 install seeded and its
 * controllers ticking: the management server is also cluster `prod` (its pointer's kubeconfig names that same
 * server), the second is cluster `dev`. Every move is one `promote --fleet` and one commit; wave prod's
 * `scale-down` is refused by the gate until dev has passed verify. Fails with CI set when a binary is missing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { fleetKubeconfig } from '../e2e/fleet-flow.js';
import { runCli } from '../support/cli.js';
import { checkEngine, fluxCrdFiles, kustomizeControllerBinary } from '../support/gitops-engines.js';
import { applyObject, listObjects, seedInstall } from '../support/gitops-walk/cluster-actors.js';
import { kustomizationState, publishArtifact, requestReconcile, startKustomizeController, type KustomizationState } from '../support/gitops-walk/flux-engine.js';
import { GitSource, type SourceArtifact } from '../support/gitops-walk/git-source.js';
import { tickControllers, waitFor as waitForState, WALK_PLAN, type ControllerTicks } from '../support/gitops-walk/walk-suite.js';
import { loadLiveFixture } from '../support/live-fixtures.js';
import { adminEndpoint, createNamespace, runKubectl, useRealApiServer, type RealApiServer } from '../support/real-api/index.js';
import type { ServerProcess } from '../support/real-api/process-group.js';
import { tempDir } from '../e2e/harness.js';

const FLUX_NS = 'flux-system';
const CLUSTERS = ['dev', 'prod'] as const;
type Cluster = (typeof CLUSTERS)[number];
/** dev walks up to verify (the gate's phase); prod goes to prepare, then into the window. */
const DEV_WALK = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];
const FOLDERS: Record<string, string> = Object.fromEntries([...DEV_WALK, 'upgrade'].map((id, i) => [id, `${String(i).padStart(2, '0')}-${id}`]));
/** The Kustomization at <out>/fleet that keeps every pointer in sync with Git (README: "point one Kustomization at it"). */
const WIRING = 'threescale-fleet';
const READY_WITHIN_MS = 120_000;

const flux = checkEngine('kustomize-controller', kustomizeControllerBinary());

describe.skipIf(flux.skip)('Flux walks a fleet through kubeConfig on two real API servers', () => {
  // The management server (with Flux's CRDs) is also cluster prod; the second server is cluster dev.
  const management = useRealApiServer({ crdFiles: fluxCrdFiles() });
  const dev = useRealApiServer();
  const server = (c: Cluster): RealApiServer => (c === 'prod' ? management() : dev());
  const tmp = tempDir('flux-fleet');
  const repo = join(tmp.dir, 'repo');
  const out = join(repo, 'out');
  const fleetFile = join(repo, 'fleet.yaml');
  const state = { kubeconfig: '', managementKubeconfig: '', git: undefined as GitSource | undefined, controller: undefined as ServerProcess | undefined, ticks: [] as ControllerTicks[] };
  const admin = () => adminEndpoint(management());
  const pointerName = (c: Cluster) => `${c}-3scale-migration`;
  const pointer = (c: Cluster) => kustomizationState(admin(), FLUX_NS, pointerName(c));
  const explain = async () => {
    const pointers = await Promise.all(CLUSTERS.map((c) => pointer(c).catch((e: unknown) => (e as Error).message)));
    const log = readFileSync(state.controller!.logFile, 'utf8').split('\n').slice(-12).join('\n');
    return `pointers: ${JSON.stringify(pointers)}; tick errors: ${state.ticks.flatMap((t) => t.errors.slice(-2)).join(' | ')}; controller log tail:\n${log}`;
  };
  const waitFor = <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> =>
    waitForState(what, READY_WITHIN_MS, async () => {
      if (state.controller?.hasExited()) throw new Error(`${what}: kustomize-controller exited; ${await explain()}`);
      return probe();
    }, explain);

  /** One commit, published for every GitRepository of the management cluster, as source-controller would. */
  async function commit(message: string): Promise<SourceArtifact> {
    const artifact = state.git!.commit(message);
    for (const name of [WIRING, ...CLUSTERS.map(pointerName)]) await publishArtifact(admin(), FLUX_NS, name, artifact);
    return artifact;
  }

  /** Flux reports the cluster's pointer Ready at that commit and folder, then one more reconciliation settles it. */
  async function readyAt(c: Cluster, artifact: SourceArtifact, folder: string): Promise<KustomizationState> {
    const ready = await waitFor(`${pointerName(c)} Ready at ${folder} (${artifact.revision})`, async () => {
      const s = await pointer(c).catch(() => undefined);
      return s && s.path === `./out/${c}/${folder}` && s.ready === 'True' && s.lastAppliedRevision === artifact.revision && s.observedGeneration === s.generation ? s : undefined;
    });
    // (a folder that stops the operator and its components in one apply may see one operator tick put a
    // component back; the next reconciliation applies 0 again: README, GitOps wiring)
    const ticks = state.ticks[CLUSTERS.indexOf(c)]!;
    await ticks.afterTicks(1);
    const at = await requestReconcile(admin(), FLUX_NS, pointerName(c));
    await waitFor(`${pointerName(c)} settling reconciliation`, async () => {
      const s = await pointer(c);
      return s.lastHandledReconcileAt === at && s.ready === 'True' ? s : undefined;
    });
    await ticks.afterTicks(1);
    return ready;
  }

  const fleetArgs = () => ['--kubeconfig', state.kubeconfig, '--field-manager', 'flux'];
  const promote = (c: Cluster, to: string) => runCli(['promote', '--fleet', fleetFile, '--cluster', c, '--to', to, '--out', out, ...fleetArgs()]);
  const fleetStatus = async () => {
    const run = await runCli(['status', '--fleet', fleetFile, '--dir', out, '-o', 'json', ...fleetArgs()]);
    return { code: run.code, status: JSON.parse(run.stdout) as { clusters: { name: string; target?: string; window?: string; phases?: { id: string; status: string }[] }[]; gates: { wave: string; open: boolean; heldBy: string | null }[] } };
  };

  /** status --fleet says the cluster's phase and every one before it applied (or superseded). */
  async function applied(c: Cluster, id: string): Promise<void> {
    let seen = '';
    await waitForState(`status --fleet: ${c} has ${id} applied`, READY_WITHIN_MS, async () => {
      const { code, status } = await fleetStatus();
      const row = status.clusters.find((x) => x.name === c);
      seen = `exit ${code}: ${JSON.stringify(row)}`;
      const phases = row?.phases ?? [];
      const upTo = phases.slice(0, phases.findIndex((p) => p.id === id) + 1);
      return upTo.length > 0 && upTo.every((p) => p.status === 'applied' || p.status === 'superseded') ? true : undefined;
    }, async () => `last status of ${c}: ${seen}; ${await explain()}`);
  }

  /** One promotion of one cluster (exit 0), committed, and applied by Flux on that cluster. */
  async function promoted(c: Cluster, id: string): Promise<void> {
    const run = await promote(c, id);
    expect({ c, id, code: run.code, stderr: run.stderr, first: run.stdout.split('\n')[0] }).toMatchObject({ c, id, code: 0, stderr: '' });
    await readyAt(c, await commit(`3scale ${c}: ${id}`), FOLDERS[id]!);
    await applied(c, id);
  }

  beforeAll(async () => {
    const binary = flux.require();
    for (const c of CLUSTERS) await seedInstall(adminEndpoint(server(c)), await loadLiveFixture('postgresql'), 'gp3-csi');
    state.ticks = CLUSTERS.map((c) => tickControllers(() => adminEndpoint(server(c))));
    // The fleet: one plan per cluster (the PostgreSQL example, named after it, its output at out/<cluster>)
    await mkdir(repo, { recursive: true });
    for (const c of CLUSTERS) {
      const plan = parse(readFileSync(WALK_PLAN, 'utf8'));
      plan.metadata.name = `${c}-3scale`;
      plan.spec.gitops = { ...plan.spec.gitops, path: `out/${c}`, targetPhase: 'preflight' };
      await mkdir(join(repo, 'clusters', c), { recursive: true });
      writeFileSync(join(repo, 'clusters', c, 'migration.yaml'), stringify(plan));
    }
    writeFileSync(fleetFile, stringify({
      apiVersion: 'threescale-migrate.3scale.net/v1alpha1',
      kind: 'Fleet',
      metadata: { name: 'threescale' },
      spec: {
        clusters: CLUSTERS.map((c) => ({ name: c, plan: `clusters/${c}/migration.yaml`, flux: { kubeConfig: { secretRef: { name: `${c}-kubeconfig` } } } })),
        waves: CLUSTERS.map((c) => ({ name: c, clusters: [c] })),
      },
    }));
    // The kubeconfigs: the operator's (one context per cluster) and the management cluster's own
    state.kubeconfig = join(tmp.dir, 'fleet.kubeconfig');
    await writeFile(state.kubeconfig, fleetKubeconfig(CLUSTERS.map((c) => ({ name: c, server: server(c) }))), { mode: 0o600 });
    state.managementKubeconfig = await management().kubeconfig();
    await createNamespace(admin(), FLUX_NS);
    // The Secrets the pointers name, created as the README says, from each cluster's own kubeconfig
    for (const c of CLUSTERS) {
      const created = await runKubectl(management().kubectl, state.managementKubeconfig, ['-n', FLUX_NS, 'create', 'secret', 'generic', `${c}-kubeconfig`, `--from-file=value=${await server(c).kubeconfig()}`]);
      expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
    }
    state.git = new GitSource(repo);
    await state.git.serve();
    state.controller = await startKustomizeController(binary, state.managementKubeconfig, tmp.dir);
  }, 180_000);

  afterAll(async () => {
    for (const t of state.ticks) await t.stop();
    await state.controller?.stop();
    await state.git?.close();
    tmp.remove();
  });

  test('GIVEN synth --fleet --gitops flux committed WHEN the management cluster applies <out>/fleet and a Kustomization keeps it in sync THEN each pointer is Ready at 00-preflight, applied on its own cluster through its kubeconfig', async () => {
    const synth = await runCli(['synth', '--fleet', fleetFile, '--out', out, '--gitops', 'flux']);
    expect({ code: synth.code, stderr: synth.stderr }).toEqual({ code: 0, stderr: '' });
    // (the wiring's own source and the Kustomization at <out>/fleet: `flux create source git` / `flux create kustomization`)
    await applyObject(admin(), { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: WIRING, namespace: FLUX_NS }, spec: { interval: '5m', url: 'https://git.example.com/platform/3scale-migration.git', ref: { branch: 'main' } } } as KubeObject, 'flux-client-side-apply');
    const applied0 = await runKubectl(management().kubectl, state.managementKubeconfig, ['apply', '--server-side', '--field-manager=kubectl', '-k', join(out, 'fleet')]);
    expect({ code: applied0.code, stderr: applied0.stderr }).toEqual({ code: 0, stderr: '' });
    await applyObject(admin(), { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: WIRING, namespace: FLUX_NS }, spec: { interval: '5m', path: './out/fleet', prune: false, sourceRef: { kind: 'GitRepository', name: WIRING } } } as KubeObject, 'flux-client-side-apply');
    const first = await commit('3scale fleet');

    for (const c of CLUSTERS) {
      const ready = await readyAt(c, first, FOLDERS.preflight!);
      expect(ready.message).toMatch(/^Applied revision: main@sha1:/);
      await applied(c, 'preflight');
    }
    // THEN the pointers live in the management cluster only, each aimed at its cluster's Secret
    const pointers = (await listObjects(admin(), 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', FLUX_NS)).filter((k) => k.metadata.name !== WIRING);
    expect(pointers.map((k) => [k.metadata.name, (k.spec as { kubeConfig: unknown }).kubeConfig])).toEqual(CLUSTERS.map((c) => [pointerName(c), { secretRef: { name: `${c}-kubeconfig` } }]));
    expect(await listObjects(adminEndpoint(dev()), 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', FLUX_NS)).toEqual([]);
    // AND dev's preflight Job was created on dev's server by kustomize-controller
    const devJobs = await listObjects(adminEndpoint(dev()), 'batch/v1', 'Job', '3scale');
    const managers = devJobs.map((j) => (j.metadata as { managedFields?: { manager: string }[] }).managedFields?.[0]?.manager);
    expect(devJobs.length).toBeGreaterThan(0);
    expect(new Set(managers)).toEqual(new Set(['kustomize-controller']));
  }, 300_000);

  test('GIVEN wave prod before the window WHEN prod is promoted to prepare THEN Flux applies it; WHEN to scale-down THEN the gate refuses and the pointer stays', async () => {
    await promoted('prod', 'prepare');
    const held = await promote('prod', 'scale-down');
    expect({ code: held.code, stdout: held.stdout }).toEqual({
      code: 1,
      stdout: 'refused: not moving to scale-down: wave prod is held: cluster dev of wave dev has not passed 07-verify (it is blocked), and scale-down opens the maintenance window.\n',
    });
    expect((parse(readFileSync(join(out, 'prod', 'gitops', 'flux', 'kustomization-pointer.yaml'), 'utf8')) as { spec: { path: string } }).spec.path).toBe('./out/prod/01-prepare');
  }, 300_000);

  test('GIVEN wave dev WHEN each phase to verify is promoted and Flux applies it on dev THEN the gate stays shut until verify, then opens, and prod enters its window', async () => {
    for (const id of DEV_WALK.slice(1)) {
      await promoted('dev', id);
      // (prod's scale-down stays refused until dev has passed verify)
      if (id !== 'verify') expect((await promote('prod', 'scale-down')).code, `after dev ${id}`).toBe(1);
    }
    const { status } = await fleetStatus();
    expect(status.gates).toEqual([expect.objectContaining({ wave: 'prod', open: true, heldBy: null })]);
    // WHEN prod is promoted into its window THEN it moves, Flux applies scale-down on the management server
    await promoted('prod', 'scale-down');
    const prodLive = Object.fromEntries((await listObjects(admin(), 'apps/v1', 'Deployment', '3scale')).map((d) => [d.metadata.name, (d.spec as { replicas: number }).replicas]));
    expect(prodLive['threescale-operator-controller-manager-v2']).toBe(0);
    expect(prodLive['apicast-production']).toBe(0);
    const after = await fleetStatus();
    expect(after.status.clusters.map((c) => [c.name, c.target, c.window])).toEqual([
      ['dev', '07-verify', 'closed'],
      ['prod', '02-scale-down', 'open'],
    ]);
    // AND dev's pointer never moved while prod did
    expect((await pointer('dev')).path).toBe('./out/dev/07-verify');
  }, 600_000);
});
