/**
 * End to end on the real API server of the tests: the PostgreSQL 2.15 install moved to managed targets (RDS,
 * ElastiCache) and back from the cut-over, and the upgrade to 2.16 after the migration (the operator's
 * Subscription moved to the 2.16 channel by a partial server-side apply, and back). Plans are discovered from
 * the real server and edited as a user would.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { isRetireJobName } from '../../charts/jobs/retire-jobs-job.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { operatorSubscription } from '../support/fake-api-olm.js';
import { adminEndpoint, apiRequestOk } from '../support/real-api/index.js';
import { setCsvPhase, setSubscriptionStatus } from '../support/real-api/controller-stand-in.js';
import { cli, diffJson, forwardState, jobsOf, leakedInTranscript, rollbackState, statuses } from './harness.js';
import { expectDiscoverSafe, expectStatusApplied, replicaCounts, useRealMigration } from './real-api-flow.js';

const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];
const NAMESPACES = ['3scale', '3scale-db'];
const FLOW_TIMEOUT_MS = 300_000;

/** The replicas of a Deployment of 3scale, as the server stores them. */
async function replicasOf(m: ReturnType<typeof useRealMigration>, name: string): Promise<unknown> {
  return ((await apiRequestOk(adminEndpoint(m.server()), { method: 'GET', path: `/apis/apps/v1/namespaces/3scale/deployments/${name}` })) as { spec: { replicas?: number } }).spec.replicas;
}

async function apiManagerSpec(m: ReturnType<typeof useRealMigration>): Promise<unknown> {
  return ((await apiRequestOk(adminEndpoint(m.server()), { method: 'GET', path: '/apis/apps.3scale.net/v1alpha1/namespaces/3scale/apimanagers/apimanager' })) as { spec: unknown }).spec;
}

describe('managed targets on the real API server: RDS PostgreSQL, ElastiCache backend Redis', () => {
  const RDS = 'threescale-system.c9akciq32.eu-west-1.rds.amazonaws.com';
  const CACHE = 'threescale-backend.x1y2z3.ng.0001.euw1.cache.amazonaws.com';
  // The user's namespace holding the managed database's credentials: it exists before the plan names it (a
  // real server refuses the prepare folder's Role in a namespace that does not).
  const credentials: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'aws-credentials' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'rds-system-credentials', namespace: 'aws-credentials' }, type: 'Opaque', data: { username: Buffer.from('rdsadmin').toString('base64'), password: Buffer.from('FakeRdsPw-test-only').toString('base64') } },
  ];
  const m = useRealMigration({
    fixture: 'postgresql',
    extraObjects: credentials,
    tempPrefix: 'e2e-real-managed',
    engine: 'argocd-controller',
    namespaces: NAMESPACES,
    editPlan: (path) => {
      const plan = parse(readFileSync(path, 'utf8'));
      plan.spec.systemDatabase = { kind: 'postgresql', strategy: 'managed', managed: { host: RDS, credentials: { secretName: 'rds-system-credentials', namespace: 'aws-credentials' } } };
      plan.spec.backendRedis = { strategy: 'managed', managed: { host: CACHE } };
      writeFileSync(path, stringify(plan));
    },
  });
  const diff = (phase: string) => diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', phase]);

  test('GIVEN the edited plan WHEN each phase is applied THEN it is pending before and applied after; a rollback from scale-up to the cut-over restores the old databases', async () => {
    for (const id of FORWARD) {
      // WHEN nothing of the phase is applied yet THEN it is the next to apply
      const before = await diff(id);
      expect({ id, code: before.run.code, status: statuses(before.report)[id] }).toEqual({ id, code: 1, status: 'pending' });
      // WHEN the engine applies it and its Jobs succeed THEN it is applied
      await m.applyForward([id]);
      const after = await diff(id);
      expect({ id, code: after.run.code, status: statuses(after.report)[id], current: after.report.currentPhase }).toEqual({ id, code: 0, status: 'applied', current: id });
      // AND status agrees; discover, run again, keeps the counts (or refuses)
      await expectStatusApplied(m, id);
      await expectDiscoverSafe(m, id, replicaCounts);
    }
    expect(await apiManagerSpec(m)).toMatchObject({ externalComponents: { system: { database: true, redis: true }, backend: { redis: true } } });
    for (const name of ['system-postgresql', 'backend-redis', 'system-redis']) expect({ name, replicas: await replicasOf(m, name) }).toEqual({ name, replicas: 0 });
    // WHEN the rollback folders of scale-up and cutover are applied, their Jobs succeeding
    for (const id of ['scale-up', 'cutover']) {
      await m.applyRollback(id);
      const run = await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', `rollback/${id}`]);
      expect({ id, code: run.code, stderr: run.stderr }).toEqual({ id, code: 0, stderr: '' });
      await expectStatusApplied(m, `rollback/${id}`);
      await expectDiscoverSafe(m, `rollback/${id}`, replicaCounts);
    }
    // THEN the components are internal again and the old PostgreSQL and backend Redis run again
    expect(await apiManagerSpec(m)).toMatchObject({ externalComponents: { system: { database: false, redis: false }, backend: { redis: false } }, system: { database: { postgresql: {} } } });
    for (const name of ['system-postgresql', 'backend-redis']) expect({ name, replicas: await replicasOf(m, name) }).toEqual({ name, replicas: 1 });
    // AND the cut-over's rollback ran two Jobs: one puts back the backups of exactly the rewritten Secrets, the
    // other retires the undone cut-over's Jobs
    const restoreJobs = jobsOf(rollbackState(m.result(), 'cutover'));
    expect(restoreJobs.map((j) => j.metadata.name)).toEqual(['restore-connection-secrets', 'retire-undone-jobs-cutover']);
    const env = (restoreJobs.find((j) => !isRetireJobName(j.metadata.name))!.spec as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }).template.spec.containers[0]!.env;
    expect(env.find((e) => e.name === 'SECRETS')?.value).toBe('backend-redis system-database system-redis');
    expect(leakedInTranscript()).toEqual([]);
  }, FLOW_TIMEOUT_MS);
});

describe('upgrade to 2.16 on the real API server', () => {
  const subscription = operatorSubscription();
  const m = useRealMigration({
    fixture: 'postgresql',
    extraObjects: [subscription],
    tempPrefix: 'e2e-real-upgrade',
    engine: 'kustomize-controller',
    namespaces: NAMESPACES,
    editPlan: (path) => {
      const raw = parse(readFileSync(path, 'utf8'));
      raw.spec.upgrade.enabled = true;
      writeFileSync(path, stringify(raw));
    },
  });
  const diff = (phase: string) => diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', phase]);
  const liveSubscription = async (): Promise<{ spec: Record<string, unknown> }> =>
    (await apiRequestOk(adminEndpoint(m.server()), { method: 'GET', path: '/apis/operators.coreos.com/v1alpha1/namespaces/3scale/subscriptions/3scale-operator' })) as { spec: Record<string, unknown> };

  test('GIVEN the install migrated through verify WHEN the upgrade folder is applied THEN only the channel changes and diff exits 0; rollback/upgrade puts 2.15 back', async () => {
    // GIVEN
    await m.applyForward(FORWARD);
    const before = await diff('upgrade');
    expect(before.run.code).toBe(1);
    expect(statuses(before.report)).toMatchObject({ verify: 'applied', upgrade: 'pending' });
    expect(before.report.objects.find((o) => o.ref.kind === 'Subscription')?.changes).toContainEqual({ path: 'spec.channel', op: 'replace', live: 'threescale-2.15', desired: 'threescale-2.16' });
    // WHEN the engine applies the upgrade folder (the partial Subscription, forced server-side apply) and OLM, as the
    // status subresource shows it, first holds the InstallPlan for approval, then installs the 2.16 CSV
    await m.applyState(forwardState(m.result(), 'upgrade'));
    const admin = adminEndpoint(m.server());
    await setSubscriptionStatus(admin, '3scale', '3scale-operator', { state: 'UpgradePending', currentCSV: '3scale-operator.v0.13.1', installedCSV: '3scale-operator.v0.12.5', installPlanRef: { name: 'install-7xk2p', namespace: '3scale' }, conditions: [{ type: 'InstallPlanPending', status: 'True', reason: 'RequiresApproval' }] });
    const approval = await diff('upgrade');
    await setSubscriptionStatus(admin, '3scale', '3scale-operator', { state: 'AtLatestKnown', currentCSV: '3scale-operator.v0.13.1', installedCSV: '3scale-operator.v0.13.1' });
    await setCsvPhase(admin, '3scale', '3scale-operator.v0.13.1', 'Installing');
    const installing = await diff('upgrade');
    // THEN the channel matches at once, but the upgrade is in progress until the new CSV Succeeded
    const subscriptionOf = (r: typeof approval) => ({ code: r.run.code, upgrade: statuses(r.report).upgrade, reason: r.report.objects.find((o) => o.ref.kind === 'Subscription')?.reason });
    expect(subscriptionOf(approval)).toEqual({ code: 1, upgrade: 'in-progress', reason: 'waits for InstallPlan install-7xk2p to complete: it requires approval (installPlanApproval Manual)' });
    expect(subscriptionOf(installing)).toEqual({ code: 1, upgrade: 'in-progress', reason: 'ClusterServiceVersion 3scale-operator.v0.13.1: waits for OLM to install the operator to phase Succeeded (it is Installing: InstallWaiting)' });
    await setCsvPhase(admin, '3scale', '3scale-operator.v0.13.1', 'Succeeded');
    const { run, report } = await diff('upgrade');
    // THEN diff exits 0 and the live Subscription follows 2.16, the rest as the console left it
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(report).toMatchObject({ currentPhase: 'upgrade', inSync: true, target: '08-upgrade' });
    expect((await liveSubscription()).spec).toEqual({ ...(subscription.spec as object), channel: 'threescale-2.16' });
    await expectStatusApplied(m, 'upgrade');
    await expectDiscoverSafe(m, 'upgrade', replicaCounts);
    // AND the report carries what the operator says on the APIManager, as JSON and as text
    expect(report.threescale).toEqual({ version: '2.15.5', operatorVersion: '0.12.5', preflights: { status: 'True', message: 'All requirements for the current version are met' } });
    const text = await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'upgrade']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('APIManager: apps.3scale.net/apimanager-threescale-version 2.15.5, apps.3scale.net/threescale-operator-version 0.12.5\n');
    expect(text.stdout).toContain('APIManager condition Preflights: True: All requirements for the current version are met\n');
    expect(text.stdout).toContain('08-upgrade: in sync');
    // WHEN the operator finishes the upgrade and annotates the APIManager (as its own field manager)
    await apiRequestOk(adminEndpoint(m.server()), {
      method: 'PATCH',
      path: '/apis/apps.3scale.net/v1alpha1/namespaces/3scale/apimanagers/apimanager?fieldManager=manager',
      body: { metadata: { annotations: { 'apps.3scale.net/apimanager-threescale-version': '2.16.1', 'apps.3scale.net/threescale-operator-version': '0.13.1' } } },
      contentType: 'application/merge-patch+json',
    });
    const upgraded = await diff('upgrade');
    // THEN the report shows 2.16, still in sync
    expect(upgraded.report.threescale).toMatchObject({ version: '2.16.1', operatorVersion: '0.13.1' });
    expect(upgraded.run.code).toBe(0);
    // WHEN the rollback folder is applied
    await m.applyState(rollbackState(m.result(), 'upgrade'));
    const back = await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'rollback/upgrade']);
    // THEN it is in sync and the channel is 2.15 again
    expect({ code: back.code, stderr: back.stderr }).toEqual({ code: 0, stderr: '' });
    expect(back.stdout).toContain('rollback/08-upgrade: in sync');
    expect((await liveSubscription()).spec.channel).toBe('threescale-2.15');
    expect(leakedInTranscript()).toEqual([]);
  }, FLOW_TIMEOUT_MS);
});
