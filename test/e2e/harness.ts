/**
 * Helpers of the end-to-end suites: run the real CLI in-process, and play the parts a cluster plays
 * around it (a GitOps engine applying a phase folder, the controllers making Deployments ready, the
 * Jobs writing their evidence) against the loopback fake API server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';
import { main } from '../../src/cli/index.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { type LoadedPlan, loadPlanFile } from '../../src/plan/load-plan.js';
import type { DiffReport, PhaseStatus } from '../../src/status/diff-report.js';
import { jobDigestOf } from '../../src/status/evidence.js';
import { type FolderState, type SynthResult, synthesize } from '../../src/synth/synthesize.js';
import type { FakeApiSelection } from '../support/fake-api-resources.js';
import { startFakeApiServer, type FakeApiServer } from '../support/fake-api-server.js';
import { leakedSecrets, loadLiveFixture, type LIVE_FIXTURES } from '../support/live-fixtures.js';

/** What one CLI run printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Everything any CLI run of this test file printed since the last {@link takeTranscript}. */
const transcript: string[] = [];

/** Drops terminal colors, so assertions read plain text whatever the terminal. */
export function plain(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/**
 * Runs `threescale-migrate <args>` in this process: stdout and stderr are captured, the exit code is
 * what `main` returns (a thrown error is a bug and fails the test with its stack), and
 * `process.exitCode` is reset afterwards so nothing leaks into the test runner.
 */
export async function cli(args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const capture = (sink: (s: string) => void) =>
    ((chunk: unknown, encodingOrCallback?: unknown, callback?: unknown) => {
      sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (typeof done === 'function') (done as () => void)();
      return true;
    }) as typeof process.stdout.write;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture((s) => (stdout += s)));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture((s) => (stderr += s)));
  process.exitCode = undefined;
  try {
    const code = await main(args);
    return { code, stdout: plain(stdout), stderr: plain(stderr) };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
    transcript.push(stdout, stderr);
  }
}

/** Returns (and forgets) everything printed since the last call. */
export function takeTranscript(): string {
  return transcript.splice(0).join('\n');
}

/** The fake secret values (FAKE-SECRETS.md, and their base64 forms) found in what the CLI printed. */
export function leakedInTranscript(): string[] {
  return leakedSecrets(takeTranscript());
}

/** `diff -o json` parsed. */
export async function diffJson(args: readonly string[]): Promise<{ run: CliRun; report: DiffReport }> {
  const run = await cli(['diff', ...args, '-o', 'json']);
  if (run.code === 2) throw new Error(`diff failed: ${run.stderr}`);
  return { run, report: JSON.parse(run.stdout) as DiffReport };
}

/** `{ phase id: status }` of a report. */
export function statuses(report: DiffReport): Record<string, PhaseStatus> {
  return Object.fromEntries(report.phases.map((p) => [p.id, p.status]));
}

/**
 * What a report says after the forward phases up to `forward[i]` are applied in order: that phase and every
 * earlier one applied (scale-down too once scale-up changed its overlays again: its queue check is done), the
 * next pending and the rest blocked.
 */
export function expectPhasesAfter(report: DiffReport, forward: readonly string[], i: number): void {
  const id = forward[i]!;
  const phases = statuses(report);
  expect({ id, status: phases[id] }).toEqual({ id, status: 'applied' });
  for (const earlier of forward.slice(0, i)) {
    // scale-down is superseded once scale-up changes its replica overlays again (its queue check Job being done
    // says its work ran, not that its state is live).
    const superseded = earlier === 'scale-down' && forward.indexOf('scale-up') >= 0 && forward.indexOf('scale-up') <= i;
    expect({ id, earlier, status: phases[earlier] }).toEqual({ id, earlier, status: superseded ? 'superseded' : 'applied' });
  }
  for (const later of forward.slice(i + 1)) expect({ id, later, status: phases[later] }).toEqual({ id, later, status: later === forward[i + 1] ? 'pending' : 'blocked' });
}

/** A temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The plan and its synthesized states, as the CLI computes them. */
export async function synthesized(planPath: string): Promise<{ loaded: LoadedPlan; result: SynthResult }> {
  const loaded = loadPlanFile(planPath);
  return { loaded, result: await synthesize(loaded) };
}

/** A forward state by phase id. */
export function forwardState(result: SynthResult, id: string): FolderState {
  const s = result.forward.find((f) => f.phase.definition.id === id);
  if (!s) throw new Error(`no forward folder ${id}`);
  return s;
}

/** A rollback state by phase id. */
export function rollbackState(result: SynthResult, id: string): FolderState {
  const s = result.rollbacks.find((f) => f.phase.definition.id === id);
  if (!s) throw new Error(`no rollback folder ${id}`);
  return s;
}

/** The field manager the CLI's dry-run uses by default (`--field-manager ours`). */
export const FIELD_MANAGER = 'threescale-migrate';
/** Where the Jobs record what they did. */
export const EVIDENCE = 'threescale-migrate-evidence';

/**
 * The cluster side of the fake API server: a GitOps engine that server-side-applies folders, the
 * controllers that make workloads ready, and Jobs that write evidence. Every write goes through the
 * server's HTTP API (as the real actors do), except the controllers' status updates, which are put
 * into the store directly.
 */
export class FakeCluster {
  public constructor(
    public readonly api: FakeApiServer,
    private readonly token = 'fake-token',
  ) {}

  /** REST path of one object. */
  public path(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
    const rt = this.api.registry.byKind(apiVersion, kind);
    if (!rt) throw new Error(`fake API server does not serve ${apiVersion} ${kind}`);
    const prefix = rt.group ? `/apis/${rt.group}/${rt.version}` : `/api/${rt.version}`;
    const ns = rt.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
    return `${prefix}${ns}/${rt.plural}/${encodeURIComponent(name)}`;
  }

  private async request(method: string, path: string, contentType: string, body: string, query: Record<string, string> = {}): Promise<unknown> {
    const qs = new URLSearchParams(query).toString();
    const res = await fetch(`${this.api.url}${path}${qs ? `?${qs}` : ''}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': contentType, Accept: 'application/json' },
      body,
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status}: ${text.slice(0, 400)}`);
    return JSON.parse(text);
  }

  /** Server-side apply (forced, like Argo CD and Flux) of one object under a field manager. */
  public async apply(obj: KubeObject, fieldManager = FIELD_MANAGER): Promise<KubeObject> {
    const path = this.path(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name);
    return (await this.request('PATCH', path, 'application/apply-patch+yaml', JSON.stringify(obj), { fieldManager, force: 'true' })) as KubeObject;
  }

  /**
   * What a GitOps engine does with a phase folder: server-side-apply every object except the Jobs (their
   * run is simulated by {@link runJobs}; with `jobs: true` the Job objects are created too, and stay
   * running until evidence is written), then the controllers make the workloads ready.
   */
  public async applyState(state: FolderState, options: { readonly jobs?: boolean; readonly fieldManager?: string } = {}): Promise<void> {
    for (const o of state.objects) if (o.kind !== 'Job' || options.jobs) await this.apply(o, options.fieldManager ?? FIELD_MANAGER);
    this.settle();
  }

  /** RFC 6902 patch of one live object (`kubectl patch --type json`). */
  public async jsonPatch(apiVersion: string, kind: string, namespace: string, name: string, operations: readonly unknown[]): Promise<KubeObject> {
    return (await this.request('PATCH', this.path(apiVersion, kind, namespace, name), 'application/json-patch+json', JSON.stringify(operations), {
      fieldManager: 'kubectl-patch',
    })) as KubeObject;
  }

  /** JSON merge patch of one live object (`kubectl patch --type merge`), as a person at a terminal would. */
  public async mergePatch(apiVersion: string, kind: string, namespace: string, name: string, patch: unknown, fieldManager = 'kubectl-patch'): Promise<KubeObject> {
    return (await this.request('PATCH', this.path(apiVersion, kind, namespace, name), 'application/merge-patch+json', JSON.stringify(patch), { fieldManager })) as KubeObject;
  }

  /** DELETE of one object (what the rollback Job of prepare does to the new databases). */
  public async delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<void> {
    await this.request('DELETE', this.path(apiVersion, kind, namespace, name), 'application/json', '');
  }

  /** The live object, read from the store. */
  public get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.api.store.get(apiVersion, kind, namespace, name);
  }

  /**
   * The controllers: every Deployment (and DeploymentConfig, when the server serves them) gets the pods it
   * asks for, all ready (or none, at 0 replicas); every PersistentVolumeClaim is Bound.
   */
  public settle(): void {
    const dcs = this.api.registry.byKind('apps.openshift.io/v1', 'DeploymentConfig') ? this.api.store.list('apps.openshift.io/v1', 'DeploymentConfig') : [];
    for (const d of [...this.api.store.list('apps/v1', 'Deployment'), ...dcs]) {
      const replicas = ((d.spec as { replicas?: number } | undefined)?.replicas ?? 1) as number;
      const status = (d.status ?? {}) as Record<string, unknown>;
      if (status.replicas === replicas && status.readyReplicas === replicas && status.observedGeneration === d.metadata.generation) continue;
      const { readyReplicas: _r, availableReplicas: _a, updatedReplicas: _u, ...rest } = status;
      const counts = replicas > 0 ? { readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas } : {};
      this.api.store.put({ ...d, status: { ...rest, observedGeneration: d.metadata.generation, replicas, ...counts } });
    }
    for (const pvc of this.api.store.list('v1', 'PersistentVolumeClaim')) {
      const status = (pvc.status ?? {}) as Record<string, unknown>;
      if (status.phase === 'Bound') continue;
      const storage = (pvc.spec as { resources?: { requests?: { storage?: string } } } | undefined)?.resources?.requests?.storage ?? '1Gi';
      const accessModes = (pvc.spec as { accessModes?: string[] } | undefined)?.accessModes ?? ['ReadWriteOnce'];
      this.api.store.put({ ...pvc, status: { phase: 'Bound', accessModes, capacity: { storage } } });
    }
  }

  /**
   * What a Job's script writes when it ends: its evidence record, by server-side apply under its own
   * field manager `threescale-migrate-job.<step>` (charts/scripts/lib/evidence.sh).
   */
  public async recordEvidence(job: KubeObject, phase: 'Succeeded' | 'Running' | 'Failed', result: string, inputsChecksum = 'e2e'): Promise<void> {
    const { object, fieldManager } = evidenceRecord(job, phase, result, inputsChecksum);
    await this.apply(object, fieldManager);
  }

  /** Every Job of a folder (those the phase itself renders) runs to the given end. */
  public async runJobs(state: FolderState, phase: 'Succeeded' | 'Failed' = 'Succeeded'): Promise<KubeObject[]> {
    const jobs = state.own.filter((o) => o.kind === 'Job');
    for (const job of jobs) await this.recordEvidence(job, phase, phase === 'Succeeded' ? `${job.metadata.name} done` : `${job.metadata.name} failed (exit 1)`);
    return jobs;
  }
}

/**
 * The evidence record a Job's script writes when it ends (charts/scripts/lib/evidence.sh): its keys in the
 * evidence ConfigMap of its namespace, with the plan digest the Job carries (and `targets`, the
 * `Kind/namespace/name=uid` list of what it filled, when given), and the field manager it applies as.
 */
export function evidenceRecord(job: KubeObject, phase: 'Succeeded' | 'Running' | 'Failed', result: string, inputsChecksum = 'e2e', targets = ''): { object: KubeObject; fieldManager: string } {
  const step = job.metadata.name;
  const finishedAt = phase === 'Running' ? '' : '2025-01-01T00:00:00Z';
  // The Job's digest, as the script records it from its JOB_SHA256.
  const jobSha256 = jobDigestOf(job) ?? '';
  return {
    object: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: EVIDENCE, namespace: job.metadata.namespace },
      data: {
        [`${step}.phase`]: phase,
        [`${step}.inputsChecksum`]: inputsChecksum,
        [`${step}.jobSha256`]: jobSha256,
        [`${step}.finishedAt`]: finishedAt,
        [`${step}.result`]: result,
        ...(targets ? { [`${step}.targets`]: targets } : {}),
      },
    },
    fieldManager: `threescale-migrate-job.${step}`,
  };
}

/** The Jobs a folder renders itself. */
export function jobsOf(state: FolderState): KubeObject[] {
  return state.own.filter((o) => o.kind === 'Job');
}

/** What the tests of an end-to-end file share: the plan discover wrote from the fixture, its synth, fresh clusters. */
export interface DiscoveredPlanSuite {
  /** The suite's temporary folder. */
  readonly tmp: { readonly dir: string; readonly remove: () => void };
  /** The plan discover wrote from a cluster holding the fixture (shared, read-only). */
  readonly planPath: string;
  /** Its synthesized states. */
  readonly result: SynthResult;
  /** A fresh fake cluster holding the fixture (and the extra objects); closed after the test. */
  freshCluster(): Promise<{ cluster: FakeCluster; kubeconfig: string }>;
  /** Applies the forward phases `ids` in order, running their Jobs to success. */
  applyForward(cluster: FakeCluster, ids: readonly string[]): Promise<void>;
  /**
   * Applies the rollback folder of phase `id` and runs its Jobs to success, doing what the prepare rollback's
   * `remove-new-databases` Job does: delete what prepare created. Returns the folder's state.
   */
  applyRollback(cluster: FakeCluster, id: string): Promise<FolderState>;
}

/**
 * Registers the flow the end-to-end files share, to call at their top level: in beforeAll, load the live
 * fixture, write the shared plan with the real `discover` from a fresh cluster holding it (plus
 * `extraObjects`), let `editPlan` change that file (as a user would after review) and synthesize it; after
 * each test, close the clusters it started and check that no fake secret reached stdout or stderr; in
 * afterAll, remove the temporary folder.
 */
export function useDiscoveredPlan(options: {
  readonly fixture: keyof typeof LIVE_FIXTURES;
  readonly tempPrefix: string;
  readonly extraObjects?: readonly KubeObject[];
  readonly editPlan?: (planPath: string) => void;
  /** More arguments of `discover` (e.g. `--procedure template-2.5-to-2.6`). @default none */
  readonly discoverArgs?: readonly string[];
  /** Optional APIs the fake clusters serve (the OpenShift ones for a template install). @default the fake's default */
  readonly apis?: FakeApiSelection;
}): DiscoveredPlanSuite {
  let fixture: KubeObject[];
  const servers: FakeApiServer[] = [];
  // Filled in by beforeAll, like the suite-level variables it replaces.
  const suite = { freshCluster, applyForward, applyRollback } as { -readonly [K in keyof DiscoveredPlanSuite]: DiscoveredPlanSuite[K] };

  async function freshCluster(): Promise<{ cluster: FakeCluster; kubeconfig: string }> {
    const api = await startFakeApiServer({ objects: [...fixture, ...(options.extraObjects ?? [])], apis: options.apis });
    servers.push(api);
    return { cluster: new FakeCluster(api), kubeconfig: api.kubeconfigPath('3scale') };
  }

  async function applyForward(cluster: FakeCluster, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const state = forwardState(suite.result, id);
      await cluster.applyState(state);
      await cluster.runJobs(state);
    }
  }

  async function applyRollback(cluster: FakeCluster, id: string): Promise<FolderState> {
    const state = rollbackState(suite.result, id);
    await cluster.applyState(state);
    for (const job of await cluster.runJobs(state)) {
      if (job.metadata.name !== 'remove-new-databases') continue;
      const prepared = forwardState(suite.result, 'prepare').own.filter((o) => o.kind !== 'Job' && o.metadata.annotations?.['threescale-migrate.3scale.net/scope'] !== 'phase');
      for (const o of prepared) if (cluster.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name)) await cluster.delete(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
    }
    return state;
  }

  beforeAll(async () => {
    fixture = await loadLiveFixture(options.fixture);
    const tmp = (suite.tmp = tempDir(options.tempPrefix));
    const { kubeconfig } = await freshCluster();
    const planPath = (suite.planPath = join(tmp.dir, 'migration.yaml'));
    const run = await cli(['discover', '--kubeconfig', kubeconfig, '-n', '3scale', ...(options.discoverArgs ?? []), '--out', planPath]);
    if (run.code !== 0) throw new Error(`discover failed: ${run.stderr}`);
    options.editPlan?.(planPath);
    suite.result = (await synthesized(planPath)).result;
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    // No fake secret of the fixture ever reaches stdout or stderr.
    expect(leakedInTranscript()).toEqual([]);
  });

  afterAll(() => {
    suite.tmp?.remove();
  });

  return suite;
}
