import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { UserError } from '../../src/errors.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { compareWithLive, FIELD_MANAGERS } from '../../src/status/run-diff.js';
import { startFakeApiServer, type FakeApiServer } from '../support/fake-api-server.js';
import { examplePath } from '../support/plans.js';

const EXAMPLE = examplePath('postgresql-and-redis');
const FORWARD = '00-preflight, 01-prepare, 02-scale-down, 03-copy-data, 04-load-redis, 05-cutover, 06-scale-up, 07-verify, 08-upgrade';
const ROLLBACKS = 'rollback/01-prepare, rollback/02-scale-down, rollback/04-load-redis, rollback/05-cutover, rollback/06-scale-up, rollback/08-upgrade';

/** system-app of a 2.15 install at 2 replicas, as `oc get -o yaml` shows it (trimmed). */
const systemApp: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'system-app', namespace: '3scale', uid: 'f5c1d1de-0000-4000-8000-000000000001', resourceVersion: '1001', generation: 1, labels: { app: '3scale-api-management' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { deployment: 'system-app' } },
    template: { metadata: { labels: { deployment: 'system-app' } }, spec: { containers: [{ name: 'system-master', image: 'registry.redhat.io/3scale-amp2/system-rhel8:2.15' }] } },
  },
  status: { replicas: 2, readyReplicas: 2 },
};

let dir: string;
/** A small export (JSON, as `oc get -o json` writes it): system-app only. */
let smallExport: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'run-diff-test-'));
  smallExport = join(dir, 'export.json');
  writeFileSync(smallExport, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [systemApp], metadata: { resourceVersion: '' } }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example plan with `spec.gitops.targetPhase` set, written to a temporary file. */
function planWithTarget(targetPhase: string): string {
  const raw = parse(readFileSync(EXAMPLE, 'utf8'));
  raw.spec.gitops.targetPhase = targetPhase;
  const path = join(dir, `target-${targetPhase.replace('/', '-')}.yaml`);
  writeFileSync(path, stringify(raw));
  return path;
}

/** The example plan with `spec.gitops.engine` set (or left out), written to a temporary file. */
function planWithEngine(engine: 'none' | 'argocd' | 'flux' | undefined): string {
  const raw = parse(readFileSync(EXAMPLE, 'utf8'));
  if (engine === undefined) delete raw.spec.gitops.engine;
  else raw.spec.gitops.engine = engine;
  const path = join(dir, `engine-${engine ?? 'unset'}.yaml`);
  writeFileSync(path, stringify(raw));
  return path;
}

/** The UserError `promise` rejects with. */
async function userError(promise: Promise<unknown>): Promise<UserError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(UserError.isUserError(err), String(err)).toBe(true);
  expect((err as UserError).message.split('\n')).toHaveLength(1);
  return err as UserError;
}

describe('compareWithLive: the folder to compare', () => {
  test('an unknown --phase is a UserError naming the flag and every forward folder', async () => {
    // GIVEN a kubeconfig that does not exist: the phase is checked before any cluster is contacted
    // WHEN
    const err = await userError(compareWithLive({ planPath: EXAMPLE, phase: 'scale-sideways', kubeconfig: join(dir, 'no-kubeconfig'), fieldManager: 'ours' }));

    // THEN
    expect(err.message).toBe(`--phase: "scale-sideways" is not a folder of this plan; expected one of ${FORWARD}.`);
  });

  test('a --phase the plan does not render (cleanup is off) is unknown too', async () => {
    const err = await userError(compareWithLive({ planPath: EXAMPLE, phase: 'cleanup', liveFile: smallExport, fieldManager: 'ours' }));
    expect(err.message).toBe(`--phase: "cleanup" is not a folder of this plan; expected one of ${FORWARD}.`);
  });

  test('a rollback of a phase without one names the rollback folders', async () => {
    const err = await userError(compareWithLive({ planPath: EXAMPLE, phase: 'rollback/copy-data', liveFile: smallExport, fieldManager: 'ours' }));
    expect(err.message).toBe(`--phase: "rollback/copy-data" is not a rollback folder of this plan; expected one of ${ROLLBACKS}.`);
  });

  test('an unknown spec.gitops.targetPhase is a UserError naming the plan file and the field', async () => {
    // GIVEN a plan whose GitOps target is not one of its folders, and no --phase
    const planPath = planWithTarget('verify-twice');

    // WHEN
    const err = await userError(compareWithLive({ planPath, liveFile: smallExport, fieldManager: 'ours' }));

    // THEN
    expect(err.message).toBe(`${planPath}: spec.gitops.targetPhase: "verify-twice" is not a folder of this plan; expected one of ${FORWARD}.`);
  });

  test('an unknown rollback target in the plan names the rollback folders', async () => {
    const planPath = planWithTarget('rollback/verify');
    const err = await userError(compareWithLive({ planPath, liveFile: smallExport, fieldManager: 'ours' }));
    expect(err.message).toBe(`${planPath}: spec.gitops.targetPhase: "rollback/verify" is not a rollback folder of this plan; expected one of ${ROLLBACKS}.`);
  });

  test('--phase wins over the plan’s target; phase ids and folder names both work', async () => {
    // GIVEN a plan whose GitOps target is unknown
    const planPath = planWithTarget('nowhere');

    // WHEN --phase names a folder, by id, by folder name, and a rollback by folder name
    const byId = await compareWithLive({ planPath, phase: 'copy-data', liveFile: smallExport, fieldManager: 'ours' });
    const byFolder = await compareWithLive({ planPath, phase: '03-copy-data', liveFile: smallExport, fieldManager: 'ours' });
    const rollback = await compareWithLive({ planPath, phase: 'rollback/02-scale-down', liveFile: smallExport, fieldManager: 'ours' });

    // THEN
    expect([byId.target, byFolder.target, rollback.target]).toEqual(['03-copy-data', '03-copy-data', 'rollback/02-scale-down']);
  });
});

describe('compareWithLive: offline, from an export file', () => {
  test('reads the export, compares with the plan’s target folder, says it is approximate', async () => {
    // GIVEN an export holding system-app, and the example plan (target scale-down)
    // WHEN
    const report = await compareWithLive({ planPath: EXAMPLE, liveFile: smallExport, fieldManager: 'argocd' });

    // THEN
    expect(report).toMatchObject({
      migration: 'prod-3scale',
      source: `exported objects in ${smallExport} (offline, approximate)`,
      mode: 'offline',
      approximate: true,
      fieldManager: 'argocd-controller',
      target: '02-scale-down',
      currentPhase: null,
      inSync: false,
    });
    expect(report.phases[0]).toMatchObject({ id: 'preflight', status: 'pending' });
    // AND the Deployment it scales is found in the export (changed, not missing), the others are missing
    const scaled = report.objects.find((o) => o.ref.kind === 'Deployment' && o.ref.name === 'system-app')!;
    expect(scaled).toMatchObject({ verdict: 'changed', partial: true });
    expect(scaled.changes).toContainEqual({ path: 'spec.replicas', op: 'replace', live: 2, desired: 0 });
    expect(report.objects.find((o) => o.ref.name === 'zync')).toMatchObject({ verdict: 'missing' });
  });

  test('an export file that does not exist is a UserError naming it', async () => {
    const missing = join(dir, 'no-such-export.yaml');
    const err = await userError(compareWithLive({ planPath: EXAMPLE, liveFile: missing, fieldManager: 'ours' }));
    expect(err.message).toContain(missing);
  });
});

describe('compareWithLive: the field manager of the dry-run', () => {
  let api: FakeApiServer;
  let kubeconfig: string;
  beforeAll(async () => {
    api = await startFakeApiServer({ objects: [systemApp] });
    kubeconfig = api.kubeconfigPath('3scale');
  });
  afterAll(() => api?.close());

  test('the presets name the engines’ field managers', () => {
    expect(FIELD_MANAGERS).toEqual({ argocd: 'argocd-controller', flux: 'kustomize-controller', kubectl: 'kubectl', ours: 'threescale-migrate' });
  });

  test.each([
    ['argocd', 'argocd-controller'],
    ['flux', 'kustomize-controller'],
    ['none', 'threescale-migrate'],
    [undefined, 'threescale-migrate'],
  ] as const)('GIVEN spec.gitops.engine %s and no --field-manager WHEN diff runs live THEN it dry-runs as %s', async (engine, manager) => {
    api.clearRequests();
    const report = await compareWithLive({ planPath: planWithEngine(engine), kubeconfig });
    expect(report.fieldManager).toBe(manager);
    const dryRuns = api.requests.filter((r) => r.method === 'PATCH' && r.query.dryRun === 'All');
    expect(dryRuns.length).toBeGreaterThan(0);
    expect(new Set(dryRuns.map((r) => r.query.fieldManager))).toEqual(new Set([manager]));
  });

  test('GIVEN spec.gitops.engine flux WHEN --field-manager argocd is given THEN the flag wins', async () => {
    const report = await compareWithLive({ planPath: planWithEngine('flux'), kubeconfig, fieldManager: 'argocd' });
    expect(report.fieldManager).toBe('argocd-controller');
  });

  test.each([
    ['argocd', 'argocd-controller'],
    ['flux', 'kustomize-controller'],
    ['kubectl', 'kubectl'],
    ['ours', 'threescale-migrate'],
    ['helm', 'helm'],
    ['constructor', 'constructor'],
  ])('--field-manager %s dry-runs as %s', async (flag, manager) => {
    // GIVEN a cluster with system-app, which scale-down and scale-up both set
    api.clearRequests();

    // WHEN
    const report = await compareWithLive({ planPath: EXAMPLE, kubeconfig, fieldManager: flag });

    // THEN the report names it, and every dry-run request carried it
    expect(report).toMatchObject({ mode: 'live', approximate: false, fieldManager: manager, source: `cluster ${api.url}` });
    const dryRuns = api.requests.filter((r) => r.method === 'PATCH' && r.query.dryRun === 'All');
    expect(dryRuns.length).toBeGreaterThan(0);
    expect(new Set(dryRuns.map((r) => r.query.fieldManager))).toEqual(new Set([manager]));
    expect(dryRuns.every((r) => r.query.force === 'true')).toBe(true);
  });
});
