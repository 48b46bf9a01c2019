/**
 * The end-to-end flow on the real API server of the tests: the live fixture seeded onto kube-apiserver, the
 * plan written by the real `discover` and the folders by `synth`, and what a cluster does with a phase folder:
 * the GitOps engine applies it with the built kubectl (forced server-side apply under its field manager), the
 * controllers catch up (the stand-in of test/support/real-api), the Jobs end as their scripts would (evidence
 * written under the Job's field manager, then Complete).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { loadPlanFile } from '../../src/plan/load-plan.js';
import { TARGET_API_VERSIONS } from '../../src/status/evidence.js';
import type { DiffReport } from '../../src/status/diff-report.js';
import type { FolderState, SynthResult } from '../../src/synth/synthesize.js';
import { IN_CI } from '../support/db-servers.js';
import { loadLiveFixture, type LIVE_FIXTURES } from '../support/live-fixtures.js';
import {
  adminEndpoint,
  apiRequest,
  apiRequestOk,
  applyFolder,
  checkEnvtestBinaries,
  completeJob,
  deleteObject,
  resourcePath,
  seedObjects,
  settleWorkloads,
  untaintReadyNodes,
  useRealApiServer,
  type RealApiServer,
} from '../support/real-api/index.js';
import { cli, type CliRun, diffJson, evidenceRecord, forwardState, jobsOf, rollbackState, statuses, synthesized, tempDir } from './harness.js';

/** One migration on its own real API server. */
export interface RealMigration {
  readonly server: () => RealApiServer;
  /** The admin's kubeconfig, namespace 3scale. */
  readonly kubeconfig: () => string;
  readonly planPath: () => string;
  readonly dist: () => string;
  readonly result: () => SynthResult;
  /** The engine applies the folder of `state`, then the controllers catch up. */
  applyState(state: FolderState): Promise<void>;
  /** What a Job's script writes: its evidence record, under the Job's own field manager. */
  recordEvidence(job: KubeObject, phase: 'Succeeded' | 'Running' | 'Failed', result: string): Promise<void>;
  /** The Jobs end as their scripts would: evidence, then the Job controller's Complete. */
  runJobs(jobs: readonly KubeObject[]): Promise<void>;
  /** RFC 6902 patch of one live object, as `kubectl patch --type json` (rejects with the server's answer). */
  jsonPatch(ref: { readonly apiVersion: string; readonly kind: string; readonly namespace: string; readonly name: string }, operations: readonly unknown[]): Promise<KubeObject>;
  /** Applies the forward phases `ids` in order, running their Jobs to success. */
  applyForward(ids: readonly string[]): Promise<void>;
  /** `discover` run again on the server as the test began it (same arguments), into a file of its own, `--force`. */
  rediscover(step: string): Promise<{ readonly run: CliRun; readonly plan?: PlanLike }>;
  /** Applies the rollback folder of `id` (its Jobs start, none ends yet); returns the folder's state. */
  applyRollbackFolder(id: string): Promise<FolderState>;
  /**
   * Applies the rollback folder of `id` and runs its Jobs; for `remove-new-databases` also deletes what prepare
   * created, as that Job does. Returns the folder's state.
   */
  applyRollback(id: string): Promise<FolderState>;
}

/** A plan as loaded, for what a test compares. */
export interface PlanLike {
  readonly spec: Record<string, unknown>;
}

/**
 * `discover` run again at `step` of a migration is safe: either it writes a plan whose `unchanged` part (the
 * replica counts to bring 3scale back at, the objects a template upgrade patches) is what it read before the
 * migration began, so a person who discovers again mid-way loses nothing, or it refuses in one sentence (exit 2).
 */
export async function expectDiscoverSafe(m: RealMigration, step: string, unchanged: (plan: PlanLike) => unknown): Promise<void> {
  const { run, plan } = await m.rediscover(step);
  if (plan) expect({ step, unchanged: unchanged(plan) }).toEqual({ step, unchanged: unchanged(loadPlanFile(m.planPath()).plan as PlanLike) });
  else expect({ step, code: run.code, stderr: run.stderr }).toEqual({ step, code: 2, stderr: expect.stringMatching(/^error: [^\n]*\.\n$/) });
}

/** `status` of the folder of `phase` (forward id or `rollback/<id>`) exits 0 with nothing on stderr, as diff does once it is applied. */
export async function expectStatusApplied(m: RealMigration, phase: string): Promise<CliRun> {
  const run = await cli(['status', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', phase]);
  expect({ phase, code: run.code, stderr: run.stderr }).toEqual({ phase, code: 0, stderr: '' });
  return run;
}

/** The replica counts a re-run of discover must keep: what 3scale is brought back at. */
export const replicaCounts = (plan: PlanLike): unknown => plan.spec.replicas;

/**
 * What charts/scripts/lib/evidence.sh records under `<step>.targets`: `Kind/namespace/name=uid` of each object
 * the Job's EVIDENCE_TARGETS names, as the server holds it now (an object that cannot be read is left out).
 */
async function filledTargets(admin: ReturnType<typeof adminEndpoint>, job: KubeObject): Promise<string> {
  const env = ((job.spec as { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } }).template.spec.containers[0]!.env ?? []);
  const entries = (env.find((e) => e.name === 'EVIDENCE_TARGETS')?.value ?? '').split(' ').filter(Boolean);
  const out: string[] = [];
  for (const entry of entries) {
    const [kind, namespace, name] = entry.split('/') as [string, string, string];
    const answer = await apiRequest(admin, { method: 'GET', path: await resourcePath(admin, { apiVersion: TARGET_API_VERSIONS[kind]!, kind, namespace, name }) });
    if (answer.status === 200) out.push(`${entry}=${(answer.body as KubeObject).metadata.uid as string}`);
  }
  return out.join(',');
}

/** `diff --phase <phase> -o json` of the migration's plan against its server. */
export function diffPhase(m: RealMigration, phase: string): ReturnType<typeof diffJson> {
  return diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', phase]);
}

/**
 * The engine applies the forward folder of `id`; while its Jobs run (when it has any) diff says the phase is in
 * progress; then the Jobs succeed. Returns the state, diff of the folder after, and its objects not in sync.
 */
export async function applyPhaseWatchingDiff(m: RealMigration, id: string): Promise<{ state: FolderState; run: CliRun; report: DiffReport; notInSync: string[] }> {
  const state = forwardState(m.result(), id);
  await m.applyState(state);
  if (jobsOf(state).length > 0) {
    const running = await diffPhase(m, id);
    expect({ id, code: running.run.code, status: statuses(running.report)[id] }).toEqual({ id, code: 1, status: 'in-progress' });
  }
  await m.runJobs(jobsOf(state));
  const { run, report } = await diffPhase(m, id);
  const notInSync = report.objects.filter((o) => !['in-sync', 'job-succeeded'].includes(o.verdict)).map((o) => `${o.ref.kind}/${o.ref.name}: ${o.verdict}`);
  return { state, run, report, notInSync };
}

/** What one migration starts from. */
export interface RealMigrationOptions {
  /** The exported install seeded onto the server; none for a cluster without 3scale (a fresh install). */
  readonly fixture?: keyof typeof LIVE_FIXTURES;
  /** Objects seeded beside the fixture (e.g. the operator's Subscription, a fresh install's nodes). */
  readonly extraObjects?: readonly KubeObject[];
  /** A plan file to use as it is (copied); otherwise `discover` writes one from the server. */
  readonly plan?: string;
  /** More arguments of `discover` (e.g. `--procedure template-2.5-to-2.6`). */
  readonly discoverArgs?: readonly string[];
  /** What the user changes in the discovered plan before synth. */
  readonly editPlan?: (planPath: string) => void;
  readonly tempPrefix: string;
  /** The field manager of the GitOps engine (`argocd-controller`, `kustomize-controller`). */
  readonly engine: string;
  /** Where the controllers' stand-in settles the workloads. */
  readonly namespaces: readonly string[];
}

/**
 * Registers the hooks of one migration: a server per describe block, the fixture seeded, the plan discovered
 * (and edited as the user would) or the given one copied, synth run.
 */
export function useRealMigration(options: RealMigrationOptions): RealMigration {
  const server = useRealApiServer();
  const tmp = tempDir(options.tempPrefix);
  const ctx = { kubeconfig: '', planPath: join(tmp.dir, 'migration.yaml'), dist: join(tmp.dir, 'dist'), result: undefined as SynthResult | undefined };

  beforeAll(async () => {
    if (!checkEnvtestBinaries().ok && !IN_CI) return; // skipped with a warning by useRealApiServer
    const fixture = options.fixture ? await loadLiveFixture(options.fixture) : [];
    await seedObjects(adminEndpoint(server()), [...fixture, ...(options.extraObjects ?? [])]);
    await untaintReadyNodes(adminEndpoint(server()));
    ctx.kubeconfig = await server().kubeconfig({ namespace: '3scale' });
    if (options.plan) copyFileSync(options.plan, ctx.planPath);
    else {
      const discovered = await cli(['discover', '--kubeconfig', ctx.kubeconfig, '-n', '3scale', ...(options.discoverArgs ?? []), '--out', ctx.planPath]);
      if (discovered.code !== 0) throw new Error(`discover failed: ${discovered.stderr}`);
    }
    options.editPlan?.(ctx.planPath);
    const synth = await cli(['synth', '-c', ctx.planPath, '--out', ctx.dist]);
    if (synth.code !== 0) throw new Error(`synth failed: ${synth.stderr}`);
    ctx.result = (await synthesized(ctx.planPath)).result;
  });

  afterAll(() => tmp.remove());

  const flow: RealMigration = {
    server,
    kubeconfig: () => ctx.kubeconfig,
    planPath: () => ctx.planPath,
    dist: () => ctx.dist,
    result: () => ctx.result!,
    async applyState(state) {
      await applyFolder(server(), join(ctx.dist, state.folder), options.engine);
      await settleWorkloads(adminEndpoint(server()), options.namespaces);
    },
    async recordEvidence(job, phase, result) {
      const admin = adminEndpoint(server());
      const { object, fieldManager } = evidenceRecord(job, phase, result, 'e2e', await filledTargets(admin, job));
      const path = `${await resourcePath(admin, { apiVersion: 'v1', kind: 'ConfigMap', namespace: object.metadata.namespace, name: object.metadata.name })}?fieldManager=${fieldManager}&force=true`;
      await apiRequestOk(admin, { method: 'PATCH', path, body: JSON.stringify(object), contentType: 'application/apply-patch+yaml' });
    },
    async runJobs(jobs) {
      for (const job of jobs) {
        await flow.recordEvidence(job, 'Succeeded', `${job.metadata.name} done`);
        await completeJob(adminEndpoint(server()), job.metadata.namespace!, job.metadata.name);
      }
    },
    async jsonPatch(ref, operations) {
      const admin = adminEndpoint(server());
      const path = `${await resourcePath(admin, ref)}?fieldManager=kubectl-patch`;
      return (await apiRequestOk(admin, { method: 'PATCH', path, body: operations, contentType: 'application/json-patch+json' })) as KubeObject;
    },
    async applyForward(ids) {
      for (const id of ids) {
        const state = forwardState(ctx.result!, id);
        await flow.applyState(state);
        await flow.runJobs(jobsOf(state));
      }
    },
    async rediscover(step) {
      const out = join(tmp.dir, `rediscovered-${step.replace(/\W+/g, '-')}.yaml`);
      const run = await cli(['discover', '--kubeconfig', ctx.kubeconfig, '-n', '3scale', ...(options.discoverArgs ?? []), '--out', out, '--force']);
      return run.code === 0 ? { run, plan: loadPlanFile(out).plan as PlanLike } : { run };
    },
    async applyRollbackFolder(id) {
      const state = rollbackState(ctx.result!, id);
      await flow.applyState(state);
      return state;
    },
    async applyRollback(id) {
      const state = await flow.applyRollbackFolder(id);
      await flow.runJobs(jobsOf(state));
      if (jobsOf(state).some((j) => j.metadata.name === 'remove-new-databases')) {
        const admin = adminEndpoint(server());
        const prepared = forwardState(ctx.result!, 'prepare').own.filter((o) => o.kind !== 'Job' && o.metadata.annotations?.['threescale-migrate.3scale.net/scope'] !== 'phase');
        // Namespaced objects first, then the namespaces that held them.
        for (const o of [...prepared.filter((p) => p.kind !== 'Namespace'), ...prepared.filter((p) => p.kind === 'Namespace')]) {
          await deleteObject(admin, await resourcePath(admin, { apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }));
        }
      }
      return state;
    },
  };
  return flow;
}
