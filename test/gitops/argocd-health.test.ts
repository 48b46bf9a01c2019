/**
 * Specification of src/gitops/argocd-health.ts: the resource health checks the migration's Application needs,
 * run in gopher-lua (the Lua 5.1 interpreter inside Argo CD) through test/envtest/argo's harness, beside
 * gitops-engine's own built-in health of the same objects. Fails with CI set when the harness is not built.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { APIMANAGER_HEALTH_LUA, PVC_HEALTH_LUA, RESOURCE_HEALTH_CHECKS, argocdCmKey } from '../../src/gitops/argocd-health.js';
import { argoHarnessBinary, checkEngine } from '../support/gitops-engines.js';

const harness = checkEngine('argo-harness (gitops-engine + gopher-lua)', argoHarnessBinary());

interface Health {
  status: string;
  message?: string;
}

let bin = '';
let dir = '';
beforeAll(() => {
  bin = harness.require();
  dir = mkdtempSync(join(tmpdir(), 'argo-health-'));
});

/** Runs a health script on an object in gopher-lua, as Argo CD does. */
function luaHealth(script: string, obj: unknown): Health {
  const file = join(dir, 'check.lua');
  writeFileSync(file, script);
  const r = spawnSync(bin, ['lua-health', file], { input: JSON.stringify(obj), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr.trim());
  return JSON.parse(r.stdout) as Health;
}

/** gitops-engine's built-in health of an object (what Argo CD says without the customization). */
function builtinHealth(obj: unknown): Health {
  const r = spawnSync(bin, ['health'], { input: JSON.stringify(obj), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr.trim());
  return JSON.parse(r.stdout) as Health;
}

const pvc = (phase?: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'backend-redis-storage-external', namespace: '3scale-db' }, ...(phase ? { status: { phase } } : {}) });
const apiManager = (status?: unknown) => ({ apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', metadata: { name: 'apimanager', namespace: '3scale' }, ...(status ? { status } : {}) });

describe.skipIf(harness.skip)('resource health checks in gopher-lua', () => {
  test('GIVEN each check WHEN keyed for argocd-cm THEN core kinds have no group prefix and others group_Kind', () => {
    // GIVEN / WHEN
    const keys = RESOURCE_HEALTH_CHECKS.map(argocdCmKey);

    // THEN
    expect(keys).toEqual(['resource.customizations.health.PersistentVolumeClaim', 'resource.customizations.health.apps.3scale.net_APIManager']);
  });

  test('GIVEN a claim of a WaitForFirstConsumer class that no pod uses yet WHEN judged THEN gitops-engine says Progressing and the customization says Healthy', () => {
    // GIVEN
    const pending = pvc('Pending');

    // WHEN
    const builtin = builtinHealth(pending);
    const custom = luaHealth(PVC_HEALTH_LUA, pending);

    // THEN
    expect(builtin.status).toBe('Progressing');
    expect(custom).toEqual({ status: 'Healthy', message: 'Pending: it binds when the first pod that mounts it starts, and that pod\'s workload reports whether it does' });
  });

  test('GIVEN a bound claim, one without status, and a lost claim WHEN judged THEN Healthy, Healthy and Degraded', () => {
    // GIVEN / WHEN / THEN
    expect(luaHealth(PVC_HEALTH_LUA, pvc('Bound'))).toEqual({ status: 'Healthy', message: 'Bound' });
    expect(luaHealth(PVC_HEALTH_LUA, pvc()).status).toBe('Healthy');
    expect(luaHealth(PVC_HEALTH_LUA, pvc('Lost'))).toEqual({ status: 'Degraded', message: 'the claim lost its volume (phase Lost)' });
  });

  test('GIVEN an APIManager whose stopped operator left a stale status WHEN judged THEN Healthy, the stale condition only in the message', () => {
    // GIVEN: what the operator recorded just before it was scaled to 0
    const stale = apiManager({ conditions: [{ type: 'Available', status: 'False' }], deployments: { starting: ['system-app'], stopped: ['apicast-production', 'backend-listener'] } });

    // WHEN
    const r = luaHealth(APIMANAGER_HEALTH_LUA, stale);

    // THEN
    expect(r).toEqual({ status: 'Healthy', message: 'the operator last reported Available=False (it may be stale while the operator is scaled to 0)' });
  });

  test('GIVEN an APIManager without status or with hostile status shapes WHEN judged THEN Healthy, never a script error', () => {
    // GIVEN
    const shapes = [apiManager(), apiManager({}), apiManager({ conditions: [] }), apiManager({ conditions: [{ type: 'Available' }] }), apiManager({ conditions: [{ status: 'True' }, { type: 'Other', status: 'x' }] })];

    // WHEN
    const results = shapes.map((o) => luaHealth(APIMANAGER_HEALTH_LUA, o));

    // THEN
    for (const r of results) expect(r.status).toBe('Healthy');
    expect(results[3]!.message).toBe('the operator has not reported yet; the 3scale Deployments carry the health');
  });

  test('GIVEN a script that Lua 5.1 cannot run or that returns no valid status WHEN run THEN the harness fails with the reason (so a broken check cannot pass)', () => {
    // GIVEN
    const broken = ['return { status = "Healthy" ', 'return "Healthy"', 'return { status = "Fine" }', 'local x = 1 // 2\nreturn { status = "Healthy" }'];

    // WHEN / THEN
    for (const script of broken) expect(() => luaHealth(script, pvc('Pending')), script).toThrow(/argo-harness: lua/);
  });
});
