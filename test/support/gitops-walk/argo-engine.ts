/**
 * Argo CD on the real API server, as far as its engine goes: each automated sync of the Application's folder
 * is one run of test/envtest/argo's harness, which drives gitops-engine (the sync, diff and health engine inside
 * Argo CD's application controller) with the Application's sync options and the rendered Lua health checks.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { argocdCmKey, RESOURCE_HEALTH_CHECKS } from '../../../src/gitops/argocd-health.js';

/** What one sync reports. */
export interface ArgoSync {
  readonly phase: 'Succeeded' | 'Failed';
  readonly message: string;
  readonly health: string;
  readonly resources: readonly { key: string; result?: string; message?: string; health?: string; hookPhase?: string }[];
  /** `<phase> <health> <sync status>` of each sync of the run, in order (the fields above describe the last). */
  readonly runs: readonly string[];
  /** The Application's sync status after the last sync, with the server-side diff its annotation selects. */
  readonly sync: ArgoComparison;
  /** The same with Argo CD's default diff strategy. */
  readonly syncDefaultDiff: ArgoComparison;
}

/** Sync status as Argo CD's application controller computes it, and the resources that make it OutOfSync. */
export interface ArgoComparison {
  readonly status: 'Synced' | 'OutOfSync';
  readonly outOfSync: readonly string[];
}

/** Writes the Lua checks into `dir` and returns the harness's --lua-health arguments. */
export function luaHealthArgs(dir: string): string[] {
  return RESOURCE_HEALTH_CHECKS.flatMap((c) => {
    const key = argocdCmKey(c).slice('resource.customizations.health.'.length);
    const file = join(dir, `${key}.lua`);
    writeFileSync(file, c.check);
    return ['--lua-health', `${key}=${file}`];
  });
}

/** `repeat` automated syncs of `dir` as Application `app` in a row (1 by default), each bounded by `timeoutSeconds`. */
export function argoSync(binary: string, o: { kubeconfig: string; dir: string; app: string; namespace: string; revision: string; luaArgs: readonly string[]; timeoutSeconds: number; repeat?: number }): Promise<ArgoSync> {
  const args = ['sync', '--kubeconfig', o.kubeconfig, '--dir', o.dir, '--app', o.app, '--namespace', o.namespace, '--revision', o.revision, '--timeout', `${o.timeoutSeconds}s`, '--repeat', String(o.repeat ?? 1), ...o.luaArgs];
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`argo-harness sync exited ${code}: ${stderr.split('\n').slice(-5).join('\n')}`));
      else resolve(JSON.parse(stdout) as ArgoSync);
    });
  });
}
