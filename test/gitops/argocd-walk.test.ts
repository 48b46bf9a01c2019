/**
 * The PostgreSQL migration walked by Argo CD's engine for real: gitops-engine (pinned in test/envtest/argo/go.mod)
 * syncs the folder the one Application points at, against the real kube-apiserver, with the Application's sync
 * options (server-side apply as argocd-controller, no prune), sync waves and Sync hooks, and the rendered Lua
 * health checks run in gopher-lua; the Application's sync status is computed as Argo CD's controller computes it
 * (gitops-engine's diff: server-side, as the Application selects, and the default). A default StorageClass binds
 * on first use; the controllers, the Jobs and the 3scale operator are played by the harness. Every step is one
 * `promote` and one commit (test/support/gitops-walk/argo-walk.ts). The walk goes forward to cutover, rolls back
 * through the rollback folders to prepare, and goes forward again to verify. Fails with CI set when the harness is
 * not built.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { argoHarnessBinary, checkEngine } from '../support/gitops-engines.js';
import { argoWalk } from '../support/gitops-walk/argo-walk.js';
import { listObjects } from '../support/gitops-walk/cluster-actors.js';
import { useWalkSuite, WALK_NAMESPACES, WALK_PLAN, type WalkSuite } from '../support/gitops-walk/walk-suite.js';

const PHASES = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];
const TO_CUTOVER = PHASES.slice(0, PHASES.indexOf('cutover') + 1);
/** From cutover down to prepare: the phases whose rollback folders exist, latest first. */
const ROLLBACK = ['cutover', 'load-redis', 'scale-down', 'prepare'];
const FORWARD_AGAIN = PHASES.slice(PHASES.indexOf('prepare'));
/** The replica counts the plan captured. */
const CAPTURED = (parse(readFileSync(WALK_PLAN, 'utf8')) as { spec: { replicas: Record<string, number> } }).spec.replicas;

const folderOf = (id: string) => `${String(PHASES.indexOf(id)).padStart(2, '0')}-${id}`;

const argo = checkEngine('argo-harness (gitops-engine + gopher-lua)', argoHarnessBinary());

async function replicas(walk: WalkSuite, ns: string): Promise<Record<string, number>> {
  return Object.fromEntries((await listObjects(walk.admin(), 'apps/v1', 'Deployment', ns)).map((d) => [d.metadata.name, d.spec?.replicas as number]));
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

describe.skipIf(argo.skip)('Argo CD (gitops-engine) walks the PostgreSQL migration on the real API server, back and forth', () => {
  const walk = useWalkSuite('argo-walk-', []);
  const steps = argoWalk(walk, () => argo.require(), WALK_NAMESPACES);

  test('GIVEN the Application committed once WHEN every phase up to cutover is promoted in turn THEN each sync succeeds Healthy and Synced, one folder is pointed at, status agrees, nothing flips', async () => {
    for (const id of TO_CUTOVER) await steps.step(id, folderOf(id));
  }, 3_600_000);

  test('GIVEN the migration at cutover WHEN the pointer moves down the rollback folders to prepare THEN each is Healthy and Synced, nothing is pruned, nothing flips, and 3scale is back with the operator', async () => {
    const cutoverOnly = filesOf(walk, folderOf('cutover')).filter((f) => !filesOf(walk, `rollback/${folderOf('cutover')}`).includes(f));
    for (const id of ROLLBACK) await steps.step(`rollback/${id}`, `rollback/${folderOf(id)}`);
    // THEN what cutover had and its rollback folder does not is still there (the engine never prunes; the
    // compare option IgnoreExtraneous keeps it out of the sync status)
    expect(cutoverOnly.length).toBeGreaterThan(0);
    for (const f of cutoverOnly) expect(await liveExists(walk, join(folderOf('cutover'), f)), f).toBe(true);
    // AND the cluster is as the operator runs it: components internal, operator and 3scale at the captured counts,
    // the old databases running, the new Redis stopped
    const [apiManager] = await listObjects(walk.admin(), 'apps.3scale.net/v1alpha1', 'APIManager', '3scale');
    expect(apiManager?.spec).toMatchObject({ externalComponents: { system: { database: false, redis: false }, backend: { redis: false } }, system: { database: { postgresql: {} } } });
    expect(await replicas(walk, '3scale')).toMatchObject({ ...CAPTURED, 'threescale-operator-controller-manager-v2': 1, 'system-postgresql': 1, 'backend-redis': 1, 'system-redis': 1 });
    expect(await replicas(walk, '3scale-db')).toMatchObject({ 'backend-redis-external': 0, 'system-redis-external': 0 });
  }, 3_600_000);

  test('GIVEN the migration rolled back to prepare WHEN it is promoted forward again to verify THEN each sync succeeds Healthy and Synced, and the new Redis claims are bound', async () => {
    for (const id of FORWARD_AGAIN) await steps.step(id, folderOf(id));
    const claims = await listObjects(walk.admin(), 'v1', 'PersistentVolumeClaim', '3scale-db');
    expect(claims.map((c) => c.status?.phase)).toEqual(['Bound', 'Bound', 'Bound']);
  }, 3_600_000);
});
