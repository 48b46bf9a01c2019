/**
 * The PostgreSQL migration walked by Argo CD's engine for real: gitops-engine (pinned in test/envtest/argo/go.mod)
 * syncs the folder the one Application points at, against the real kube-apiserver, with the Application's sync
 * options (server-side apply as argocd-controller, no prune), sync waves and Sync hooks, and the rendered Lua
 * health checks run in gopher-lua; the Application's sync status is computed as Argo CD's controller computes it
 * (gitops-engine's diff: server-side, as the Application selects, and the default). A default StorageClass binds
 * on first use; the controllers, the Jobs and the 3scale operator are played by the harness. Every step is one
 * `promote` and one commit (test/support/gitops-walk/argo-walk.ts). The walk goes forward to cutover, rolls back
 * through the rollback folders to prepare, retries (an edit no Job reads, then spec.jobs.resetTarget: which Jobs
 * the engine runs again, told by their uids) and goes forward to the upgrade, with OLM played for the operator's
 * Subscription until the administrator approves its InstallPlan. Fails with CI set when the harness is not built.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { jobDigestOf } from '../../src/status/evidence.js';
import { argoHarnessBinary, checkEngine } from '../support/gitops-engines.js';
import { operatorSubscription } from '../support/fake-api-olm.js';
import { argoWalk } from '../support/gitops-walk/argo-walk.js';
import { approveInstallPlan, HEAD_2_15, HEAD_2_16, installPlanName, THREESCALE_CATALOG } from '../support/gitops-walk/olm-actor.js';
import { EVIDENCE, listObjects } from '../support/gitops-walk/cluster-actors.js';
import { statusAgrees, useWalkSuite, waitFor, WALK_NAMESPACES, WALK_PLAN, type WalkSuite } from '../support/gitops-walk/walk-suite.js';

const PHASES = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify', 'upgrade'];
const TO_CUTOVER = PHASES.slice(0, PHASES.indexOf('cutover') + 1);
/** From cutover down to prepare: the phases whose rollback folders exist, latest first. */
const ROLLBACK = ['cutover', 'load-redis', 'scale-down', 'prepare'];
/** The retry after the rollback, with an edited plan: from preflight (drifted by any edit) to copy-data. */
const RETRY = PHASES.slice(0, PHASES.indexOf('copy-data') + 1);
const FORWARD_AGAIN = PHASES.slice(PHASES.indexOf('load-redis'));
/** The Jobs of preflight and copy-data (`<namespace>/<name>`). */
const PREFLIGHT_JOBS = ['3scale/check-versions-redis', '3scale/check-versions-system-database'];
const COPY_JOBS = ['3scale-db/copy-backend-redis', '3scale-db/copy-system-database', '3scale-db/copy-system-redis'];
/** The replica counts the plan captured. */
const CAPTURED = (parse(readFileSync(WALK_PLAN, 'utf8')) as { spec: { replicas: Record<string, number> } }).spec.replicas;


const folderOf = (id: string) => `${String(PHASES.indexOf(id)).padStart(2, '0')}-${id}`;

const argo = checkEngine('argo-harness (gitops-engine + gopher-lua)', argoHarnessBinary());

async function replicas(walk: WalkSuite, ns: string): Promise<Record<string, number>> {
  return Object.fromEntries((await listObjects(walk.admin(), 'apps/v1', 'Deployment', ns)).map((d) => [d.metadata.name, d.spec?.replicas as number]));
}

/** Every Job of the migration's namespaces (`<namespace>/<name>`) with its uid: a Job the engine ran again is a new object. */
async function jobUids(walk: WalkSuite): Promise<Record<string, string>> {
  const all: Record<string, string> = {};
  for (const ns of WALK_NAMESPACES) for (const j of await listObjects(walk.admin(), 'batch/v1', 'Job', ns)) all[`${ns}/${j.metadata.name}`] = String(j.metadata.uid);
  return all;
}

/** The Jobs created or created again since `before`, sorted. */
function rerun(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(after).filter((k) => after[k] !== before[k]).sort();
}

/** The `jobSha256` each copy recorded in its evidence, by step. */
async function copyEvidence(walk: WalkSuite): Promise<Record<string, string | undefined>> {
  const [evidence] = (await listObjects(walk.admin(), 'v1', 'ConfigMap', '3scale-db')).filter((c) => c.metadata.name === EVIDENCE);
  const data = ((evidence as { data?: Record<string, string> } | undefined)?.data ?? {});
  return Object.fromEntries(COPY_JOBS.map((j) => j.split('/')[1]!).map((step) => [step, data[`${step}.jobSha256`]]));
}

/** The 3scale operator's Subscription, live. */
async function subscription(walk: WalkSuite): Promise<Awaited<ReturnType<typeof listObjects>>[number]> {
  const [sub] = (await listObjects(walk.admin(), 'operators.coreos.com/v1alpha1', 'Subscription', '3scale')).filter((s) => s.metadata.name === '3scale-operator');
  if (!sub) throw new Error('Subscription 3scale/3scale-operator does not exist');
  return sub;
}

/** Edits the walk's own copy of the plan, as a user edits migration.yaml. */
function editPlan(walk: WalkSuite, edit: (spec: Record<string, any>) => void): void {
  const plan = parse(readFileSync(walk.plan(), 'utf8')) as { spec: Record<string, any> };
  edit(plan.spec);
  writeFileSync(walk.plan(), stringify(plan));
}

/** A copy of the example plan in the suite's folder, to be edited for the retry. */
function planCopy(ctx: { tmp: string }): Promise<string> {
  mkdirSync(join(ctx.tmp, 'plan'));
  const path = join(ctx.tmp, 'plan', 'migration.yaml');
  copyFileSync(WALK_PLAN, path);
  return Promise.resolve(path);
}

/** Whether the object of a file of the committed output exists in the cluster. */
async function liveExists(walk: WalkSuite, file: string): Promise<boolean> {
  const path = join(walk.out(), file);
  if (!existsSync(path)) return false;
  const o = parse(readFileSync(path, 'utf8')) as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
  return (await listObjects(walk.admin(), o.apiVersion, o.kind, o.metadata.namespace ?? '')).some((x) => x.metadata.name === o.metadata.name);
}

/** The object files a committed folder lists. */
function filesOf(walk: WalkSuite, folder: string): string[] {
  return (parse(readFileSync(join(walk.out(), folder, 'kustomization.yaml'), 'utf8')) as { resources: string[] }).resources;
}

/** Whether the object of a file is one Argo CD never applies (`argocd.argoproj.io/hook: Skip`: the retire Jobs Flux needs, and their helpers). */
function argoSkips(walk: WalkSuite, file: string): boolean {
  const o = parse(readFileSync(join(walk.out(), file), 'utf8')) as { metadata: { annotations?: Record<string, string> } };
  return o.metadata.annotations?.['argocd.argoproj.io/hook'] === 'Skip';
}

describe.skipIf(argo.skip)('Argo CD (gitops-engine) walks the PostgreSQL migration on the real API server, back and forth', () => {
  const walk = useWalkSuite('argo-walk-', [], { writePlan: planCopy, extraObjects: [operatorSubscription()], olm: THREESCALE_CATALOG });
  const steps = argoWalk(walk, () => argo.require(), WALK_NAMESPACES);

  test('GIVEN the Application committed once WHEN every phase up to cutover is promoted in turn THEN each sync succeeds Healthy and Synced, one folder is pointed at, status agrees, nothing flips', async () => {
    for (const id of TO_CUTOVER) await steps.step(id, folderOf(id));
  }, 3_600_000);

  test('GIVEN the migration at cutover WHEN the pointer moves down the rollback folders to prepare THEN each is Healthy and Synced, nothing is pruned, nothing flips, and 3scale is back with the operator', async () => {
    const cutoverOnly = filesOf(walk, folderOf('cutover')).filter((f) => !filesOf(walk, `rollback/${folderOf('cutover')}`).includes(f));
    // (cut-over's retire-rollback-jobs-cutover and its helpers were never applied: hook Skip)
    const skipped = cutoverOnly.filter((f) => argoSkips(walk, join(folderOf('cutover'), f)));
    expect(skipped.length).toBeGreaterThan(0);
    for (const f of skipped) expect(await liveExists(walk, join(folderOf('cutover'), f)), f).toBe(false);
    for (const id of ROLLBACK) await steps.step(`rollback/${id}`, `rollback/${folderOf(id)}`);
    // THEN what cutover had and its rollback folder does not is still there (the engine never prunes; the
    // compare option IgnoreExtraneous keeps it out of the sync status)
    const applied = cutoverOnly.filter((f) => !skipped.includes(f));
    expect(applied.length).toBeGreaterThan(0);
    for (const f of applied) expect(await liveExists(walk, join(folderOf('cutover'), f)), f).toBe(true);
    // AND the cluster is as the operator runs it: components internal, operator and 3scale at the captured counts,
    // the old databases running, the new Redis stopped
    const [apiManager] = await listObjects(walk.admin(), 'apps.3scale.net/v1alpha1', 'APIManager', '3scale');
    expect(apiManager?.spec).toMatchObject({ externalComponents: { system: { database: false, redis: false }, backend: { redis: false } }, system: { database: { postgresql: {} } } });
    expect(await replicas(walk, '3scale')).toMatchObject({ ...CAPTURED, 'threescale-operator-controller-manager-v2': 1, 'system-postgresql': 1, 'backend-redis': 1, 'system-redis': 1 });
    expect(await replicas(walk, '3scale-db')).toMatchObject({ 'backend-redis-external': 0, 'system-redis-external': 0 });
  }, 3_600_000);

  test('GIVEN the migration rolled back to prepare WHEN it is retried up to copy-data with an edit no Job reads (a captured replica count) THEN the engine runs again only the Jobs of folders that differ for other reasons (preflight: the plan digest; scale-down: 3scale runs again) and none of prepare or copy-data', async () => {
    const before = await jobUids(walk);
    editPlan(walk, (spec) => (spec.replicas['system-memcache'] = 2));
    for (const id of RETRY) await steps.step(id, folderOf(id));
    // THEN preflight's checks ran again (any edit changes its plan digest) and so did the queue check of
    // scale-down (after the rollback 3scale runs again, so its folder stops it again and its hook runs with the
    // sync), but not the credentials copy of prepare or the copies, whose folders the edit left in sync
    expect(rerun(before, await jobUids(walk))).toEqual(['3scale/check-queues', ...PREFLIGHT_JOBS]);
  }, 3_600_000);

  test('GIVEN the retry at copy-data WHEN spec.jobs.resetTarget is set and the pointer goes to preflight and then straight to copy-data THEN the engine runs the three copy Jobs again, each recording the digest of its new inputs, and no Job of prepare or scale-down', async () => {
    const before = await jobUids(walk);
    const recordedBefore = await copyEvidence(walk);
    editPlan(walk, (spec) => (spec.jobs = { ...spec.jobs, resetTarget: true }));
    for (const id of ['preflight', 'copy-data']) await steps.step(id, folderOf(id));
    expect(rerun(before, await jobUids(walk))).toEqual([...COPY_JOBS, ...PREFLIGHT_JOBS]);
    // THEN each copy's evidence is that of the new Job (its JOB_SHA256, which resetTarget changed)
    const recorded = await copyEvidence(walk);
    for (const job of COPY_JOBS) {
      const name = job.split('/')[1]!;
      const committed = jobDigestOf(parse(readFileSync(join(walk.out(), folderOf('copy-data'), `3scale-db_job_${name}.yaml`), 'utf8')) as KubeObject);
      expect({ job, recorded: recorded[name] }).toEqual({ job, recorded: committed });
      expect(recorded[name], job).not.toEqual(recordedBefore[name]);
    }
  }, 3_600_000);

  test('GIVEN the retry at copy-data WHEN it is promoted on to verify and to the upgrade THEN each sync succeeds Healthy and Synced, the new Redis claims are bound, OLM has the 2.16 InstallPlan waiting for approval, and status says the upgrade in progress', async () => {
    // (status says the upgrade in progress while its InstallPlan waits: the Subscription is not AtLatestKnown on 2.16)
    for (const id of FORWARD_AGAIN) await steps.step(id, folderOf(id), id === 'upgrade');
    const claims = await listObjects(walk.admin(), 'v1', 'PersistentVolumeClaim', '3scale-db');
    expect(claims.map((c) => c.status?.phase)).toEqual(['Bound', 'Bound', 'Bound']);
    // THEN the Subscription follows 2.16 and OLM waits for the administrator (Manual approval, as discover found it)
    const waiting = await subscription(walk);
    expect({ channel: waiting.spec?.channel, approval: waiting.spec?.installPlanApproval, state: waiting.status?.state, installed: waiting.status?.installedCSV, current: waiting.status?.currentCSV }).toEqual({
      channel: 'threescale-2.16',
      approval: 'Manual',
      state: 'UpgradePending',
      installed: HEAD_2_15,
      current: HEAD_2_16,
    });
    const [plan] = await listObjects(walk.admin(), 'operators.coreos.com/v1alpha1', 'InstallPlan', '3scale');
    expect({ name: plan?.metadata.name, approved: plan?.spec?.approved, phase: plan?.status?.phase }).toEqual({ name: installPlanName(HEAD_2_16), approved: false, phase: 'RequiresApproval' });
  }, 3_600_000);

  test('GIVEN the upgrade synced and its InstallPlan waiting WHEN the administrator approves it THEN OLM installs 2.16, the Subscription is AtLatestKnown on it, status still says upgrade applied, and three more syncs stay Synced without touching the Subscription', async () => {
    const specBefore = (await subscription(walk)).spec;
    // WHEN the InstallPlan is approved, as `oc patch installplan --type merge -p '{"spec":{"approved":true}}'` does
    await approveInstallPlan(walk.admin(), '3scale', HEAD_2_16);
    // THEN OLM installs the 2.16 CSV
    const installed = await waitFor('Subscription AtLatestKnown on 2.16', 30_000, async () => {
      const s = await subscription(walk);
      return s.status?.state === 'AtLatestKnown' && s.status?.installedCSV === HEAD_2_16 ? s : undefined;
    }, async () => JSON.stringify((await subscription(walk)).status));
    expect(installed.spec).toEqual(specBefore);
    // AND the upgrade stays applied and in sync, and the engine's syncs leave the Subscription as it is
    await statusAgrees(walk, 'upgrade', 'argocd');
    await steps.nothingFlips(folderOf('upgrade'));
    expect((await subscription(walk)).status?.installedCSV).toBe(HEAD_2_16);
  }, 3_600_000);
});
