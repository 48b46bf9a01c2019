/**
 * End to end: `status --explain` and `diff --explain -o json` through the CLI, against the loopback API
 * server holding the PostgreSQL 2.15 install, a crash-looping system-app whose log shows the chapter 7
 * pre-hook error with a real (fake) database password in its URL, and a Warning Event.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { DiffReport } from '../../src/status/diff-report.js';
import { startFakeApiServer, type FakeApiServer } from '../support/fake-api-server.js';
import { LIVE_FIXTURES, loadLiveFixture } from '../support/live-fixtures.js';
import { cli, leakedInTranscript, tempDir } from './harness.js';

let tmp: ReturnType<typeof tempDir>;
let api: FakeApiServer;
let kubeconfig: string;
let planPath: string;

const POD = 'system-app-5d8f9c7b6d-x2x9z';

beforeAll(async () => {
  tmp = tempDir('e2e-explain');
  planPath = join(tmp.dir, 'migration.yaml');
  const run = await cli(['discover', '--from-file', LIVE_FIXTURES.postgresql, '--out', planPath]);
  if (run.code !== 0) throw new Error(`discover failed: ${run.stderr}`);
  const crashing: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD, namespace: '3scale', labels: { deployment: 'system-app', 'pod-template-hash': '5d8f9c7b6d' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'system-app-5d8f9c7b6d', uid: 'u1', controller: true }] },
    spec: { containers: [{ name: 'system-master', image: 'i' }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'system-master', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=system-master' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }] },
  };
  const event: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'probe', namespace: '3scale' }, type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 9, involvedObject: { kind: 'Pod', name: POD, namespace: '3scale' } } as KubeObject;
  api = await startFakeApiServer({ objects: [...(await loadLiveFixture('postgresql')), crashing, event] });
  api.setPodLog('3scale', POD, 'system-master', "ActiveRecord::ConnectionNotEstablished: could not translate host name (postgresql://system:FakePgAppPw-7Qx2@system-postgresql-service.3scale-db.svc:5432/system)\n", { previous: true });
  kubeconfig = api.kubeconfigPath('3scale');
});
afterEach(() => {
  expect(leakedInTranscript()).toEqual([]);
});
afterAll(async () => {
  await api?.close();
  tmp?.remove();
});

describe('status --explain', () => {
  test('GIVEN a crash-looping system-app on an unmigrated install WHEN status --explain runs THEN it prints the phases, the masked log line and its remedy, and names the cut-over without offering its rollback (never applied)', async () => {
    // WHEN
    const run = await cli(['status', '-c', planPath, '--kubeconfig', kubeconfig, '--explain']);

    // THEN nothing of the migration is live: exit 1, the next step is the preflight
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('next: 00-preflight is not applied yet: ');
    expect(run.stdout).toContain('! System database unreachable: Pod 3scale/system-app-5d8f9c7b6d-x2x9z container system-master of Deployment system-app');
    expect(run.stdout).toContain('postgresql://system:++++++++@system-postgresql-service.3scale-db.svc:5432/system');
    expect(run.stdout).toContain('phase: 05-cutover; 05-cutover was never applied (blocked): nothing of it to undo, and no rollback folder addresses this');
    expect(run.stdout).not.toContain('rollback/');
    expect(run.stdout).toContain('! Container restarts again and again');
    expect(run.stdout).toContain('! Component not ready (probe failing)');
    expect(api.requests.find((r) => r.path.endsWith('/log'))?.query).toMatchObject({ container: 'system-master', previous: 'true' });
  });

  test('GIVEN status without --explain WHEN it runs THEN no pod, Event or log is read', async () => {
    // GIVEN
    api.clearRequests();
    // WHEN
    const run = await cli(['status', '-c', planPath, '--kubeconfig', kubeconfig]);
    // THEN
    expect(run.stdout).not.toContain('explain');
    expect(api.requests.filter((r) => /\/(pods|events)(\/|$)/.test(r.path))).toEqual([]);
  });
});

describe('diff --explain -o json', () => {
  test('GIVEN the same cluster WHEN diff --explain -o json runs THEN the report carries the explanations array and its notes', async () => {
    // WHEN
    const run = await cli(['diff', '-c', planPath, '--kubeconfig', kubeconfig, '--explain', '-o', 'json']);
    const report = JSON.parse(run.stdout) as DiffReport;

    // THEN
    expect(run.code).toBe(1);
    expect(report.explanations?.map((e) => [e.signature, e.evidence])).toEqual([
      ['probe-failed', 'event'],
      ['crash-loop', 'pod-state'],
      ['database-unreachable', 'log'],
    ]);
    expect(report.explanations?.[2]).toMatchObject({ object: { kind: 'Pod', namespace: '3scale', name: POD, container: 'system-master' }, owner: { kind: 'Deployment', name: 'system-app' }, phase: '05-cutover', rollback: null, source: '7.1.1.2' });
    expect(report.explainNotes).toEqual([]);
  });

  test('GIVEN status -o json without --explain WHEN it runs THEN the report has no explanations key', async () => {
    // WHEN
    const run = await cli(['status', '-c', planPath, '--kubeconfig', kubeconfig, '-o', 'json']);
    // THEN
    expect(JSON.parse(run.stdout)).not.toHaveProperty('explanations');
  });
});
