/**
 * One step of a walk with Argo CD's engine, as a user takes it: `promote --to <folder>`, one commit, and the one
 * Application's automated syncs of that commit through test/envtest/argo's harness (gitops-engine), checked as
 * Argo CD would show them (sync operation, health, sync status with the Application's server-side diff and with
 * the default diff) and against `status`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { expect } from 'vitest';
import { runCli } from '../cli.js';
import { argoSync, type ArgoSync, luaHealthArgs } from './argo-engine.js';
import { listObjects } from './cluster-actors.js';
import { statusAgrees, waitFor, type WalkSuite } from './walk-suite.js';

/** Bound on one sync operation (Argo CD has none by default; a bound makes a stuck wave fail the test). */
const SYNC_TIMEOUT_S = 40;
const POINTER = join('gitops', 'argocd', 'application.yaml');

/** Every file of the output (recursively) holding an Argo CD Application, relative to it. */
export function applicationsIn(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) return applicationsIn(dir, rel);
    return /^kind: Application$/m.test(readFileSync(join(dir, rel), 'utf8')) ? [rel] : [];
  });
}

/** Spec generation of every Deployment, APIManager and Subscription, and resourceVersion of every ConfigMap of the migration (a flip changes one). */
async function fingerprint(walk: WalkSuite, namespaces: readonly string[]): Promise<Record<string, number | string>> {
  const all: Record<string, number | string> = { ...(await walk.generations()) };
  for (const ns of namespaces) {
    for (const s of await listObjects(walk.admin(), 'operators.coreos.com/v1alpha1', 'Subscription', ns)) all[`Subscription ${ns}/${s.metadata.name}`] = (s.metadata as { generation?: number }).generation ?? 0;
    for (const c of await listObjects(walk.admin(), 'v1', 'ConfigMap', ns)) {
      if (c.metadata.name === 'threescale-migrate-evidence') continue; // the Jobs write it
      all[`ConfigMap ${ns}/${c.metadata.name}`] = (c.metadata as { resourceVersion?: string }).resourceVersion ?? '';
    }
  }
  return all;
}

export interface ArgoWalk {
  /**
   * `promote --to <to>` and one commit, then: the Application points at `folder` and is the only one of the
   * output; its sync succeeds Healthy and Synced (both diff strategies) within the bound; status agrees; three
   * more automated syncs stay Succeeded, Healthy and Synced and change no generation or ConfigMap. With
   * `waitsOutside`, status says the phase still in progress instead: it waits for something outside the engine
   * (an InstallPlan to approve).
   */
  step(to: string, folder: string, waitsOutside?: boolean): Promise<void>;
  /** Three more automated syncs of the last commit (at `folder`) stay Succeeded, Healthy and Synced and change no generation or ConfigMap. */
  nothingFlips(folder: string): Promise<void>;
}

export function argoWalk(walk: WalkSuite, binary: () => string, flipNamespaces: readonly string[]): ArgoWalk {
  let luaArgs: string[] | undefined;
  const committed = () => {
    const app = parse(readFileSync(join(walk.out(), POINTER), 'utf8')) as { metadata: { name: string; annotations: Record<string, string> }; spec: { destination: { namespace: string }; source: { path: string } } };
    return { name: app.metadata.name, folder: app.metadata.annotations['threescale-migrate.3scale.net/phase']!, namespace: app.spec.destination.namespace, path: app.spec.source.path };
  };
  const engine = (folder: string, revision: string, repeat = 1): Promise<ArgoSync> => {
    luaArgs ??= luaHealthArgs(walk.tmp());
    const app = committed();
    return argoSync(binary(), { kubeconfig: walk.kubeconfig(), dir: join(walk.out(), folder), app: app.name, namespace: app.namespace, revision, luaArgs, timeoutSeconds: SYNC_TIMEOUT_S, repeat });
  };
  const brief = (r: ArgoSync) =>
    `${r.phase} ${r.message} health ${r.health} sync ${r.sync.status} ${r.sync.outOfSync.join('; ')}: ${r.resources
      .filter((x) => (x.health && x.health !== 'Healthy') || (x.result && x.result !== 'Synced' && x.result !== 'PruneSkipped') || (x.hookPhase && x.hookPhase !== 'Succeeded'))
      .map((x) => `${x.key} ${x.result ?? ''}${x.health ?? ''} ${x.hookPhase ?? ''} ${x.message ?? ''}`)
      .join('; ')}; tick errors: ${walk.tickErrors.slice(-3).join(' | ')}`;

  async function rollbackStatusAgrees(to: string, folder: string): Promise<void> {
    await waitFor(`status says ${to} in sync`, 60_000, async () => {
      const r = await walk.status(to, 'argocd');
      expect(r.synthesized).toEqual({ dir: walk.out(), engine: 'argocd', folder });
      return r.target === folder && r.inSync ? r : undefined;
    }, async () => JSON.stringify((await walk.status(to, 'argocd')).objects.filter((o) => o.verdict !== 'in-sync')));
  }

  let lastRevision = '';
  async function nothingFlips(folder: string): Promise<void> {
    // (a generation only grows, so equal means no change)
    const before = await fingerprint(walk, flipNamespaces);
    const again = await engine(folder, lastRevision, 3);
    expect(again.runs, brief(again)).toEqual(['Succeeded Healthy Synced', 'Succeeded Healthy Synced', 'Succeeded Healthy Synced']);
    expect(again.sync, folder).toEqual({ status: 'Synced', outOfSync: [] });
    expect(await fingerprint(walk, flipNamespaces), folder).toEqual(before);
  }

  return {
    nothingFlips,
    async step(to, folder, waitsOutside = false) {
      // WHEN the one command of the step runs, its output is committed and Argo CD syncs the commit
      const promoted = await runCli(['promote', '-c', walk.plan(), '--kubeconfig', walk.kubeconfig(), '--field-manager', 'argocd', '--to', to, '--gitops', 'argocd', '--out', walk.out()]);
      expect(promoted.code, `${to}: ${promoted.stdout}${promoted.stderr}`).toBe(0);
      const { revision } = walk.git().commit(`3scale migration: ${to}`);
      lastRevision = revision;
      // THEN the one Application of the output points at that folder: one phase is active, by construction
      expect(applicationsIn(walk.out())).toEqual([POINTER]);
      expect(committed()).toMatchObject({ folder, path: `${(parse(readFileSync(walk.plan(), 'utf8')) as { spec: { gitops: { path: string } } }).spec.gitops.path}/${folder}` });
      // AND the sync succeeds, the Application Healthy and Synced within the bound
      let last: ArgoSync | undefined;
      await waitFor(`${folder} synced Healthy`, SYNC_TIMEOUT_S * 1000, async () => {
        last = await engine(folder, revision);
        return last.phase === 'Succeeded' && last.health === 'Healthy' && last.sync.status === 'Synced' ? last : undefined;
      }, async () => (last ? brief(last) : 'no sync finished'));
      // AND Synced with Argo CD's default diff too (an Application without ServerSideDiff)
      expect(last!.syncDefaultDiff, folder).toEqual({ status: 'Synced', outOfSync: [] });
      // AND status agrees: the folder in sync, the committed pointer read back as that folder
      if (to.startsWith('rollback/')) await rollbackStatusAgrees(to, folder);
      else if (waitsOutside) expect((await walk.status(to, 'argocd')).phases.find((p) => p.id === to)?.status, folder).toBe('in-progress');
      else await statusAgrees(walk, to, 'argocd');
      // AND nothing flips across three more automated syncs
      await nothingFlips(folder);
    },
  };
}
