/**
 * What the GitOps walks share: the real API server with the 2.15 PostgreSQL install seeded, the controllers
 * ticking in the background, a Git repository for the rendered output, and the checks made at every step
 * (`status` as JSON, the generations of every Deployment and APIManager, bounded polling).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, expect } from 'vitest';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import type { DiffReport } from '../../../src/status/diff-report.js';
import { runCli } from '../cli.js';
import { loadLiveFixture, type LIVE_FIXTURES } from '../live-fixtures.js';
import { ROOT } from '../plans.js';
import { adminEndpoint, type ApiEndpoint, type RealApiServer, useRealApiServer } from '../real-api/index.js';
import { controllersTick, listObjects, seedInstall } from './cluster-actors.js';
import { GitSource } from './git-source.js';
import { olmTick, type OlmCatalog } from './olm-actor.js';

/** The plan the walks promote. */
export const WALK_PLAN = join(ROOT, 'examples', 'postgresql-and-redis', 'migration.yaml');
/** The namespaces it writes to. */
export const WALK_NAMESPACES = ['3scale', '3scale-db'];

/** Polls `probe` until it returns a value, or fails after `ms` with what `describeState` says. */
export async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>, describeState: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000}s; ${await describeState()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** What a walk migrates; by default the PostgreSQL example on its 2.15 install. */
export interface WalkOptions {
  /** The 2.15 install seeded (test/fixtures/live-2.15-<fixture>.yaml). */
  readonly fixture?: keyof typeof LIVE_FIXTURES;
  /** Objects seeded beside the install. */
  readonly extraObjects?: readonly KubeObject[];
  /** Writes the plan the walk promotes, once the install is seeded, and returns its path (default: WALK_PLAN). */
  readonly writePlan?: (ctx: { tmp: string; kubeconfig: string }) => Promise<string>;
  /** What a Job's script does to the cluster before it records its success (default: nothing). */
  readonly onJob?: (admin: ApiEndpoint, job: KubeObject) => Promise<void>;
  /** OLM played for this Subscription and catalog (default: no OLM). */
  readonly olm?: OlmCatalog;
}

export interface WalkSuite {
  readonly admin: () => ApiEndpoint;
  /** The API server itself (to run a Job's real script under its ServiceAccount, test/support/real-api/run-job-pod.ts). */
  readonly server: () => RealApiServer;
  /** The plan file the walk promotes. */
  readonly plan: () => string;
  /** Temp folder of the suite. */
  readonly tmp: () => string;
  /** The synth output folder inside the repository (spec.gitops.path). */
  readonly out: () => string;
  readonly kubeconfig: () => string;
  readonly git: () => GitSource;
  /** The last errors of the controllers' ticks. */
  readonly tickErrors: string[];
  /** Resolves once `n` more ticks of the controllers have run from start to end (what they saw is acted on). */
  afterTicks(n: number): Promise<void>;
  /** `status -o json --phase <id> --dir <out>` with an engine's field manager (the pointer of --out read too); exit 0 or 1. */
  status(phase: string, fieldManager: string): Promise<DiffReport>;
  /** Generation of every Deployment and APIManager of the migration's namespaces (a spec flip changes one). */
  generations(): Promise<Record<string, number>>;
}

/** Registers the hooks of a walk (server with extra CRDs, seed, repository, controllers) and returns its handles. */
export function useWalkSuite(prefix: string, crdFiles: readonly string[], options: WalkOptions = {}): WalkSuite {
  const server = useRealApiServer({ crdFiles });
  const state = { tmp: '', out: '', kubeconfig: '', plan: WALK_PLAN, git: undefined as GitSource | undefined, ticks: undefined as ControllerTicks | undefined };
  const tickErrors: string[] = [];
  const admin = () => adminEndpoint(server());

  beforeAll(async () => {
    state.tmp = mkdtempSync(join(tmpdir(), prefix));
    state.kubeconfig = await server().kubeconfig();
    await seedInstall(admin(), [...(await loadLiveFixture(options.fixture ?? 'postgresql')), ...(options.extraObjects ?? [])], 'gp3-csi');
    if (options.writePlan) state.plan = await options.writePlan({ tmp: state.tmp, kubeconfig: state.kubeconfig });
    const plan = parse(readFileSync(state.plan, 'utf8')) as { spec: { gitops: { path: string } } };
    const repo = join(state.tmp, 'repo');
    state.out = join(repo, plan.spec.gitops.path);
    state.git = new GitSource(repo);
    await state.git.serve();
    state.ticks = tickControllers(admin, options.onJob, tickErrors, options.olm);
  }, 120_000);

  afterAll(async () => {
    await state.ticks?.stop();
    await state.git?.close();
    if (state.tmp) rmSync(state.tmp, { recursive: true, force: true });
  });

  return {
    admin,
    server,
    plan: () => state.plan,
    tmp: () => state.tmp,
    out: () => state.out,
    kubeconfig: () => state.kubeconfig,
    git: () => state.git!,
    tickErrors,
    afterTicks: (n) => state.ticks!.afterTicks(n),
    async status(phase, fieldManager) {
      const run = await runCli(['status', '-c', state.plan, '--kubeconfig', state.kubeconfig, '--phase', phase, '--dir', state.out, '--field-manager', fieldManager, '-o', 'json']);
      // Exit 1 is a report too (the folder not in sync yet, which statusAgrees waits out); 2 is an error.
      if (run.code !== 0 && run.code !== 1) throw new Error(`status: exit ${run.code}: ${run.stderr}`);
      return JSON.parse(run.stdout) as DiffReport;
    },
    async generations() {
      const all: Record<string, number> = {};
      for (const ns of WALK_NAMESPACES) {
        for (const [apiVersion, kind] of [['apps/v1', 'Deployment'], ['apps.3scale.net/v1alpha1', 'APIManager']] as const) {
          for (const o of await listObjects(admin(), apiVersion, kind, ns)) all[`${kind} ${ns}/${o.metadata.name}`] = (o.metadata as { generation?: number }).generation ?? 0;
        }
      }
      return all;
    },
  };
}

/** The controllers of one cluster ticking in the background, one tick after the other, until stopped. */
export interface ControllerTicks {
  /** The errors of the ticks so far (a tick that failed is retried by the next). */
  readonly errors: string[];
  /** Resolves once `n` more ticks have run from start to end (what they saw is acted on). */
  afterTicks(n: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the controllers of the cluster behind `admin` (the 3scale install's namespaces, its operator). */
export function tickControllers(admin: () => ApiEndpoint, onJob?: WalkOptions['onJob'], errors: string[] = [], olm?: OlmCatalog): ControllerTicks {
  let ticking = true;
  let ticks = 0;
  const ticker = (async () => {
    while (ticking) {
      try {
        await controllersTick(admin(), { namespaces: WALK_NAMESPACES, threescaleNamespace: '3scale', operator: { namespace: '3scale', name: 'threescale-operator-controller-manager-v2' }, onJob });
        if (olm) await olmTick(admin(), olm);
      } catch (err) {
        errors.push((err as Error).message);
      }
      ticks++;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    errors,
    async afterTicks(n) {
      // A tick under way may have read the cluster before now: wait for it to end, then for n whole ones.
      const target = ticks + n + 1;
      while (ticks < target) await new Promise((r) => setTimeout(r, 50));
    },
    async stop() {
      ticking = false;
      await ticker;
    },
  };
}

/** `status` says the phase is applied, the folder in sync, and every phase before it done (bounded wait). */
export async function statusAgrees(walk: WalkSuite, id: string, fieldManager: string): Promise<DiffReport> {
  return waitFor(`status says ${id} applied`, 60_000, async () => {
    const r = await walk.status(id, fieldManager);
    const index = r.phases.findIndex((p) => p.id === id);
    const done = r.phases.slice(0, index + 1).every((p) => p.status === 'applied' || p.status === 'superseded');
    // AND the committed pointer, read back by status --dir, names that phase's folder
    expect(r.synthesized).toEqual({ dir: walk.out(), engine: fieldManager === 'argocd' ? 'argocd' : 'flux', folder: r.phases[index]!.folder });
    return r.inSync && done ? r : undefined;
  }, async () => JSON.stringify((await walk.status(id, fieldManager)).phases.filter((p) => p.status !== 'blocked')));
}
