/**
 * End to end on the real API server of the tests (test/support/real-api), PostgreSQL 2.15 install: the live
 * fixture seeded onto kube-apiserver, discover → synth → each phase folder applied with the built kubectl as
 * Argo CD applies it (`kubectl apply --server-side --force-conflicts --field-manager=argocd-controller -k`),
 * the Jobs completed and their evidence written (as their scripts would), the controllers' status written by
 * the stand-in, and diff, status and discover run against the real server after every step, forward and back.
 */
import { isRetireJobName } from '../../charts/jobs/retire-jobs-job.js';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { loadMigrationPlan } from '../support/plans.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { adminEndpoint, apiRequest, apiRequestOk, operatorRestoresReplicas, resourcePath, setDeploymentStatus, settleWorkloads } from '../support/real-api/index.js';
import { cli, diffJson, expectPhasesAfter, forwardState, jobsOf, leakedInTranscript, statuses } from './harness.js';
import { applyPhaseWatchingDiff, expectDiscoverSafe, expectStatusApplied, type RealMigration, replicaCounts, useRealMigration } from './real-api-flow.js';

const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];
const FLOW = { fixture: 'postgresql', engine: 'argocd-controller', namespaces: ['3scale', '3scale-db'] } as const;
/** A whole flow makes some hundred kubectl and CLI runs: minutes on a loaded 2-core machine, not a timing target. */
const FLOW_TIMEOUT_MS = 300_000;

/** What Argo CD syncs of a folder before a later wave, or a person applies by hand: these objects, server-side applied under the engine's field manager. */
async function applyObjectsAs(m: RealMigration, objects: readonly KubeObject[]): Promise<void> {
  const admin = adminEndpoint(m.server());
  for (const o of objects) {
    const path = `${await resourcePath(admin, { apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name })}?fieldManager=${FLOW.engine}&force=true`;
    await apiRequestOk(admin, { method: 'PATCH', path, body: JSON.stringify(o), contentType: 'application/apply-patch+yaml' });
  }
  await settleWorkloads(admin, FLOW.namespaces);
}

describe('PostgreSQL migration on the real API server, forward', () => {
  const m = useRealMigration({ ...FLOW, tempPrefix: 'e2e-real-postgresql' });
  const diff = (phase: string) => diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', phase]);

  test('GIVEN the untouched install WHEN diff reads it THEN preflight is pending and every later phase blocked', async () => {
    const text = await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'preflight']);
    expect({ code: text.code, stderr: text.stderr }).toEqual({ code: 1, stderr: '' });
    expect(text.stdout).toMatch(/^ {2}00-preflight +pending +nothing of it is live yet \(ConfigMap threescale-migrate-state missing, Job check-versions-system-database job-not-run, Job check-versions-redis job-not-run\)$/m);
    expect(text.stdout).toMatch(/^ {2}01-prepare +blocked +waits for an earlier phase/m);
    expect(text.stdout).toContain('current phase: none (preflight not applied)');
    expect(text.stdout).toContain('+ ConfigMap 3scale/threescale-migrate-state: missing');
    const { run, report } = await diff('preflight');
    expect(run.code).toBe(1);
    expect(statuses(report)).toEqual(Object.fromEntries(FORWARD.map((id) => [id, id === 'preflight' ? 'pending' : 'blocked'])));
    expect(report).toMatchObject({ currentPhase: null, outOfOrder: [], target: '00-preflight', inSync: false, mode: 'live', approximate: false });
  });

  test('GIVEN each phase applied in order by the engine WHEN its Jobs end THEN diff --phase exits 0, earlier phases stay applied or superseded, status names the next', async () => {
    for (const [i, id] of FORWARD.entries()) {
      // WHEN the engine applies the folder (in progress while its Jobs run; the controllers catch up) and its Jobs succeed
      const { state, run, report, notInSync } = await applyPhaseWatchingDiff(m, id);
      // THEN the folder is in sync (exit 0), the phase applied, earlier ones applied or superseded
      expect({ id, code: run.code, stderr: run.stderr, notInSync }).toEqual({ id, code: 0, stderr: '', notInSync: [] });
      expectPhasesAfter(report, FORWARD, i);
      expect(report).toMatchObject({ currentPhase: id, outOfOrder: [], target: state.folder, inSync: true });
      // AND every Job of the phase is judged by its evidence
      for (const job of jobsOf(state)) expect(report.objects.find((o) => o.ref.kind === 'Job' && o.ref.name === job.metadata.name), job.metadata.name).toMatchObject({ verdict: 'job-succeeded' });
      // AND status agrees, prints one line per phase and names the promotion
      const status = await cli(['status', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', id]);
      expect({ id, code: status.code }).toEqual({ id, code: 0 });
      const lines = status.stdout.trimEnd().split('\n');
      for (const s of m.result().forward) expect(lines.filter((l) => l.startsWith(`${s.folder} `)), s.folder).toHaveLength(1);
      expect(lines.find((l) => l.startsWith(`${state.folder} `))).toMatch(/ applied /);
      const next = FORWARD[i + 1];
      expect(status.stdout.trimEnd().split('\n').at(-1)).toBe(
        next ? `next: ${state.folder} is in sync; promote to ${next}: threescale-migrate promote -c ${m.planPath()} --to ${next} --out dist --gitops <argocd|flux> and commit dist/` : `next: ${state.folder} is in sync; every phase is applied, nothing left to apply`,
      );
      // AND discover, run again, keeps the counts 3scale comes back at (or refuses)
      await expectDiscoverSafe(m, id, replicaCounts);
    }
    // AND the text report of the last phase names it as the current one
    const text = await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'verify']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('current phase: verify');
    expect(text.stdout).toMatch(/^ {2}02-scale-down +superseded +its Jobs are done and every object it sets was changed again by a later phase$/m);
    expect(text.stdout).toContain('07-verify: in sync');
    // AND no fake secret of the fixture was printed on the way
    expect(leakedInTranscript()).toEqual([]);
  }, FLOW_TIMEOUT_MS);

  test('GIVEN the migrated install WHEN someone scales apicast-production by hand and removes a label THEN diff names both, and the operator\'s reconcile puts the replicas back (and a person the label)', async () => {
    // GIVEN every phase applied (the test before)
    const admin = adminEndpoint(m.server());
    expect((await diff('verify')).run.code).toBe(0);
    // WHEN a person scales apicast-production to 5 and removes the managed-by label of the new database
    const database = '/apis/apps/v1/namespaces/3scale-db/deployments/system-postgresql-external?fieldManager=kubectl-patch';
    const label = '/metadata/labels/app.kubernetes.io~1managed-by';
    await apiRequestOk(admin, { method: 'PATCH', path: '/apis/apps/v1/namespaces/3scale/deployments/apicast-production?fieldManager=kubectl', body: { spec: { replicas: 5 } }, contentType: 'application/merge-patch+json' });
    await apiRequestOk(admin, { method: 'PATCH', path: database, body: [{ op: 'remove', path: label }], contentType: 'application/json-patch+json' });
    await settleWorkloads(admin, FLOW.namespaces);
    const { run, report } = await diff('verify');
    // THEN diff exits 1: scale-up (the replicas) and prepare (the label) are drifted
    expect(run.code).toBe(1);
    expect(statuses(report)['scale-up']).toBe('drifted');
    expect(statuses(report).prepare).toBe('drifted');
    expect(report.objects.find((o) => o.ref.name === 'apicast-production')).toMatchObject({ verdict: 'changed', partial: true, changes: [{ path: 'spec.replicas', op: 'replace', live: 5, desired: 3 }] });
    expect(report.currentPhase).toBe('preflight');
    // AND the text report names the keyed paths, live → desired, and status sends to prepare first (exit 1)
    const text = await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'scale-up']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^ {2}06-scale-up +drifted +Deployment apicast-production changed/m);
    expect(text.stdout).toContain('~ Deployment 3scale/apicast-production (partial): changed');
    expect(text.stdout).toContain('    ~ spec.replicas: 5 → 3');
    expect(text.stdout).toContain('~ Deployment 3scale-db/system-postgresql-external: changed');
    expect(text.stdout).toContain('    + metadata.labels["app.kubernetes.io/managed-by"]: "threescale-migrate"');
    const status = await cli(['status', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'scale-up']);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^06-scale-up +drifted /m);
    expect(status.stdout).toContain('next: 01-prepare differs from the cluster: run `threescale-migrate diff --phase prepare` and let the GitOps engine sync it');
    // WHEN the 3scale operator reconciles (its APIManager sets apicast-production to 3) and a person puts the label back
    expect(await operatorRestoresReplicas(admin, '3scale')).toEqual(['apicast-production']);
    await apiRequestOk(admin, { method: 'PATCH', path: database, body: [{ op: 'add', path: label, value: 'threescale-migrate' }], contentType: 'application/json-patch+json' });
    await settleWorkloads(admin, FLOW.namespaces);
    // THEN the install is in sync again
    const after = await diff('verify');
    expect(after.report.objects.filter((o) => o.verdict === 'changed').map((o) => o.ref.name)).toEqual([]);
    expect({ code: after.run.code, scaleUp: statuses(after.report)['scale-up'], prepare: statuses(after.report).prepare }).toEqual({ code: 0, scaleUp: 'applied', prepare: 'applied' });
  });
});

describe('PostgreSQL migration on the real API server, rolled back from cutover', () => {
  const m = useRealMigration({ ...FLOW, tempPrefix: 'e2e-real-postgresql-rollback' });

  test('GIVEN the install migrated up to cutover WHEN each rollback folder is applied in reverse order THEN each is in sync and the install runs as before', async () => {
    // GIVEN
    await m.applyForward(FORWARD.slice(0, FORWARD.indexOf('cutover') + 1));
    expect((await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'cutover'])).code).toBe(0);
    const order = m.result().rollbacks.map((s) => s.phase.definition.id).filter((id) => FORWARD.indexOf(id) <= FORWARD.indexOf('cutover')).reverse();
    expect(order).toEqual(['cutover', 'load-redis', 'scale-down', 'prepare']);
    for (const id of order) {
      // WHEN the rollback folder is applied and its Jobs succeed (the one of prepare deletes what prepare created)
      const state = await m.applyRollback(id);
      // THEN diff of that rollback folder exits 0
      const run = await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', `rollback/${id}`]);
      expect({ id, code: run.code, stderr: run.stderr }).toEqual({ id, code: 0, stderr: '' });
      expect(run.stdout).toContain(`rollback/${state.phase.folder}: in sync`);
      // AND status says where the cluster is and the next rollback down, never "nothing left to apply"
      const status = await expectStatusApplied(m, `rollback/${id}`);
      expect(status.stdout).toContain(`next: rollback/${state.phase.folder} is in sync: the cluster is back at the state before ${state.phase.folder}`);
      if (id === 'prepare') expect(status.stdout).not.toContain('to roll back further');
      else expect(status.stdout).toMatch(/to roll back further, target rollback\/\d\d-[a-z-]+; once the cause is fixed/);
      // AND discover, run again, keeps the counts (or refuses)
      await expectDiscoverSafe(m, `rollback/${id}`, replicaCounts);
    }
    // AND the install runs as before: every 3scale Deployment at its captured count, the old databases running
    const admin = adminEndpoint(m.server());
    const replicasOf = async (name: string): Promise<unknown> =>
      ((await apiRequestOk(admin, { method: 'GET', path: `/apis/apps/v1/namespaces/3scale/deployments/${name}` })) as { spec: { replicas?: number } }).spec.replicas;
    for (const [name, replicas] of Object.entries(loadMigrationPlan(m.planPath()).plan.spec.replicas)) expect({ name, replicas: await replicasOf(name) }).toEqual({ name, replicas });
    for (const name of ['system-postgresql', 'backend-redis', 'system-redis']) expect({ name, replicas: await replicasOf(name) }).toEqual({ name, replicas: 1 });
    const apim = (await apiRequestOk(admin, { method: 'GET', path: '/apis/apps.3scale.net/v1alpha1/namespaces/3scale/apimanagers/apimanager' })) as { spec: unknown };
    expect(apim.spec).toMatchObject({ system: { database: { postgresql: {} } } });
    // AND what prepare created is gone, the namespace included
    expect((await apiRequest(admin, { method: 'GET', path: '/api/v1/namespaces/3scale-db' })).status).toBe(404);
    expect(leakedInTranscript()).toEqual([]);
  }, FLOW_TIMEOUT_MS);
});

describe('PostgreSQL migration on the real API server, a held scale-down and a failed copy', () => {
  const m = useRealMigration({ ...FLOW, tempPrefix: 'e2e-real-postgresql-failures' });
  const applyObjects = (objects: readonly KubeObject[]) => applyObjectsAs(m, objects);
  const liveReplicas = async (name: string): Promise<unknown> =>
    ((await apiRequestOk(adminEndpoint(m.server()), { method: 'GET', path: `/apis/apps/v1/namespaces/3scale/deployments/${name}` })) as { spec: { replicas?: number } }).spec.replicas;

  test('GIVEN prepare applied and its Job done WHEN the new database Deployment rollout passes its progress deadline THEN diff and status say prepare failed, naming the Deployment and the reason, and exit 1', async () => {
    // GIVEN
    await m.applyForward(['preflight', 'prepare']);
    const deployment = forwardState(m.result(), 'prepare').own.find((o) => o.kind === 'Deployment')!;
    const admin = adminEndpoint(m.server());
    // WHEN the Deployment controller gives up on the rollout
    const message = `ReplicaSet "${deployment.metadata.name}-6f7" has timed out progressing.`;
    await setDeploymentStatus(admin, deployment.metadata.namespace!, deployment.metadata.name, { ready: 0, stalled: message });
    const { run, report } = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'prepare']);
    const status = await cli(['status', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'prepare']);
    // THEN
    const why = `Deployment ${deployment.metadata.name} degraded: the rollout stopped: ProgressDeadlineExceeded: ${message}`;
    expect(run.code).toBe(1);
    expect(report.phases.find((p) => p.id === 'prepare')).toMatchObject({ status: 'failed', reason: why });
    expect(report.objects.find((o) => o.ref.name === deployment.metadata.name)).toMatchObject({ verdict: 'degraded' });
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`01-prepare       failed      ${why}`);
    expect(status.stdout).toMatch(/^next: 01-prepare failed \(.*\); fix the cause: waiting will not help, the object is degraded; /m);
    // AND once the rollout goes through, prepare is applied again
    await setDeploymentStatus(admin, deployment.metadata.namespace!, deployment.metadata.name);
    expect((await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'prepare'])).run.code).toBe(0);
  }, FLOW_TIMEOUT_MS);

  test('GIVEN background jobs still queued when scale-down starts on Argo CD (its wave -2 check failed, nothing scaled) WHEN status reads it THEN the figure is shown and the scale-down is held, without rollback advice', async () => {
    // GIVEN prepare applied (by the test before), and of scale-down only what Argo CD syncs before the scaling: the queue check
    // (wave -2) with its helpers, whose record says jobs were still waiting at its deadline
    const down = forwardState(m.result(), 'scale-down');
    await applyObjects(down.own.filter((o) => o.metadata.name.startsWith('check-queues')));
    const check = jobsOf(down).find((j) => j.metadata.name === 'check-queues')!;
    const figure = 'queued sidekiq=4 backend=2; later scheduled=1 retry=0 failed=0; not drained after 300s while the workers run [sidekiq default=4] [backend priority=2]';
    await m.recordEvidence(check, 'Failed', figure);
    // WHEN
    const status = await cli(['status', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'scale-down']);
    // THEN the phase is failed with the queue lengths, 3scale still runs, and the next step holds the scale-down
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(new RegExp(`^02-scale-down +failed +Job check-queues job-failed: ${figure.replace(/[[\]()]/g, '\\$&')}`, 'm'));
    expect(await liveReplicas('system-sidekiq')).toBe(1);
    expect(status.stdout).toMatch(/^next: 02-scale-down is held by its queue check \(.*queued sidekiq=4 backend=2.*\): do not roll back, 3scale is still running; let system-sidekiq and backend-worker process the waiting jobs/m);
    expect(status.stdout).not.toContain('rollback/02-scale-down');
  }, FLOW_TIMEOUT_MS);

  test('GIVEN the queues drained and scale-down applied WHEN copy-data\'s database copy fails and the Redis copies succeed THEN diff exits 1 with the phase failed and the Job\'s own summary, and status says what to do', async () => {
    // GIVEN the queue check passes on its next run, and the whole folder is synced
    await m.applyForward(['scale-down']);
    const copy = forwardState(m.result(), 'copy-data');
    await m.applyState(copy);
    // WHEN
    for (const job of jobsOf(copy)) {
      if (job.metadata.name === 'copy-system-database') await m.recordEvidence(job, 'Failed', 'failed (exit 3): row counts differ for 2 tables');
      else await m.recordEvidence(job, 'Succeeded', 'copied');
    }
    const { run, report } = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'copy-data']);
    const status = await cli(['status', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'copy-data']);
    // THEN
    expect(run.code).toBe(1);
    expect(statuses(report)['copy-data']).toBe('failed');
    expect(report.phases.find((p) => p.id === 'copy-data')?.reason).toContain('Job copy-system-database job-failed: failed (exit 3): row counts differ for 2 tables');
    expect(report.objects.find((o) => o.ref.name === 'copy-system-database')).toMatchObject({ verdict: 'job-failed' });
    expect(report.currentPhase).toBe('scale-down');
    // AND status prints the failure and what to do next, and exits 1
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^03-copy-data +failed +Job copy-system-database job-failed/m);
    expect(status.stdout).toMatch(/^next: 03-copy-data failed \(.*\); fix the cause and let the Job rerun; 03-copy-data has nothing to undo; to go back further, apply rollback\/02-scale-down$/m);
    expect(leakedInTranscript()).toEqual([]);
  }, FLOW_TIMEOUT_MS);
});

describe('PostgreSQL migration on the real API server, out of order, then the plan changed after copy-data', () => {
  const m = useRealMigration({ ...FLOW, tempPrefix: 'e2e-real-postgresql-order' });

  test('GIVEN the install on the server WHEN discover reads it and synth renders the plan THEN the plan loads with what the install has, and synth wrote every folder as synthesize() renders it', () => {
    const { plan } = loadMigrationPlan(m.planPath());
    expect(readFileSync(m.planPath(), 'utf8')).toMatch(/^# Written by threescale-migrate discover from cluster https:\/\/127\.0\.0\.1:\d+\.$/m);
    expect(plan.spec.threescale).toMatchObject({ namespace: '3scale', apiManagerName: 'apimanager', version: '2.15.5' });
    expect(plan.spec.systemDatabase).toMatchObject({ kind: 'postgresql', strategy: 'upgrade-on-cluster', storage: { size: '10Gi' } });
    expect(plan.spec.replicas).toMatchObject({ 'apicast-production': 3, 'backend-listener': 2, 'system-app': 2, zync: 1 });
    expect(plan.spec.targets).toMatchObject({ namespace: '3scale-db', createNamespace: true });
    const dist = m.dist();
    expect(readdirSync(dist).filter((f) => /^\d\d-/.test(f))).toEqual(m.result().forward.map((s) => s.folder));
    expect(readdirSync(join(dist, 'rollback'))).toEqual(m.result().rollbacks.map((s) => s.folder.slice('rollback/'.length)));
    for (const f of m.result().files) expect(readFileSync(join(dist, f.path), 'utf8')).toBe(f.content);
    expect(readFileSync(join(dist, '06-scale-up', '3scale_deployment_apicast-production.yaml'), 'utf8')).toMatch(/replicas: 3\n/);
  });

  test('GIVEN preflight and prepare applied WHEN someone applies the scale-up overlays by hand, skipping the copy THEN scale-up is out of order behind scale-down, diff of prepare exits 0, and status says not to promote further', async () => {
    // GIVEN
    await m.applyForward(['preflight', 'prepare']);
    // WHEN
    // (the overlays, not the Job retiring the scale-up rollback's Jobs, which no one applies by hand)
    await applyObjectsAs(m, forwardState(m.result(), 'scale-up').own.filter((o) => !isRetireJobName(o.metadata.name)));
    const { run, report } = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'prepare']);
    const status = await cli(['status', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'prepare']);
    // THEN the report flags scale-up as out of order, behind scale-down, whose queue check never ran, and the copy
    expect(statuses(report)['scale-down']).toBe('in-progress');
    expect(report.phases.find((p) => p.id === 'scale-down')?.reason).toContain('Job check-queues job-not-run');
    expect(statuses(report)['copy-data']).toBe('blocked');
    expect(statuses(report)['scale-up']).toBe('applied');
    expect(report.outOfOrder).toContain('scale-up');
    expect(report.outOfOrder).not.toContain('copy-data');
    // AND the prepare folder itself is live, so diff exits 0, but status points at the problem
    expect(run.code).toBe(0);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^next: phases .*scale-up.* are live before 02-scale-down \(in-progress\); do not promote further: check the GitOps target \(01-prepare\)$/m);
  }, FLOW_TIMEOUT_MS);

  test('GIVEN copy-data done with the discovered plan WHEN the plan is edited afterwards THEN a replica edit concerns no Job, and a longer Job deadline shows each Job done with other inputs', async () => {
    // GIVEN the order put right: scale-down and copy-data applied, their Jobs done
    await m.applyForward(['scale-down', 'copy-data']);
    const before = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'copy-data']);
    // AND the plan edited in two ways: more zync replicas once scaled up (no Job reads them), and a longer deadline for every Job
    const replicas = join(dirname(m.planPath()), 'edited-replicas.yaml');
    writeFileSync(replicas, readFileSync(m.planPath(), 'utf8').replace(/^( {4}zync): 1$/m, '$1: 2'));
    expect(readFileSync(replicas, 'utf8')).not.toBe(readFileSync(m.planPath(), 'utf8'));
    const edited = join(dirname(m.planPath()), 'edited.yaml');
    const plan = parseYaml(readFileSync(m.planPath(), 'utf8')) as { spec: { jobs?: Record<string, unknown> } };
    plan.spec.jobs = { ...plan.spec.jobs, activeDeadlineSeconds: 7777 };
    writeFileSync(edited, stringifyYaml(plan));
    // WHEN
    const afterReplicas = await diffJson(['-c', replicas, '--kubeconfig', m.kubeconfig(), '--phase', 'copy-data']);
    const after = await diffJson(['-c', edited, '--kubeconfig', m.kubeconfig(), '--phase', 'copy-data']);
    const status = await cli(['status', '-c', edited, '--kubeconfig', m.kubeconfig(), '--phase', 'copy-data']);
    const text = await cli(['diff', '-c', edited, '--kubeconfig', m.kubeconfig(), '--phase', 'copy-data']);
    // THEN with the plan it ran for, and with the replica edit, nothing is said
    expect(before.report.objects.filter((o) => o.otherPlan !== undefined)).toEqual([]);
    expect(afterReplicas.report.objects.filter((o) => o.otherPlan !== undefined)).toEqual([]);
    // AND with the deadline edit the phase is still applied, every Job done, each naming the digest it ran with
    expect(statuses(after.report)['copy-data']).toBe('applied');
    const jobs = after.report.objects.filter((o) => o.ref.kind === 'Job');
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(job.verdict).toBe('job-succeeded');
      expect(job.otherPlan).toMatch(/^[0-9a-f]{12}$/);
      expect(job.reason).toMatch(/ran for another version of the plan that changed this Job \(sha256 [0-9a-f]{12}, now [0-9a-f]{12}\)/);
    }
    // AND status exits as diff does; the text report lists those Jobs without --verbose
    expect(status.code).toBe(text.code);
    expect(text.stdout).toMatch(/^= Job 3scale-db\/copy-system-database: job-succeeded: .*ran for another version of the plan that changed this Job/m);
    expect(leakedInTranscript()).toEqual([]);
  }, FLOW_TIMEOUT_MS);

  test('GIVEN the migrated install where someone pasted a database URL with its password into a probe WHEN diff prints JSON THEN it has the documented shape, one keyed change for the probe, and the password masked', async () => {
    // GIVEN (copy-data done, the test before) the readiness probe of the new database edited by hand
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: '3scale-db', name: 'system-postgresql-external' };
    const live = (await apiRequestOk(adminEndpoint(m.server()), { method: 'GET', path: '/apis/apps/v1/namespaces/3scale-db/deployments/system-postgresql-external' })) as KubeObject;
    const containers = (live.spec as { template: { spec: { containers: { readinessProbe: { exec: { command: string[] } } }[] } } }).template.spec.containers;
    const command = [...containers[0]!.readinessProbe.exec.command];
    command[3] = "psql postgresql://system:FakePgAppPw-7Qx2@127.0.0.1:5432/system -q -c 'SELECT 1'";
    await m.jsonPatch(ref, [{ op: 'replace', path: '/spec/template/spec/containers/0/readinessProbe/exec/command', value: command }]);

    // WHEN diff prints JSON
    const { run, report } = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'prepare', '--field-manager', 'argocd']);

    // THEN the report has the documented keys, in order
    expect(run.code).toBe(1);
    expect(Object.keys(report)).toEqual([
      'apiVersion',
      'kind',
      'migration',
      'source',
      'mode',
      'approximate',
      'fieldManager',
      'phases',
      'currentPhase',
      'outOfOrder',
      'target',
      'objects',
      'inSync',
      'preflight',
    ]);
    expect(report).toMatchObject({
      apiVersion: 'threescale-migrate.3scale.net/v1alpha1',
      kind: 'DiffReport',
      migration: '3scale',
      source: `cluster ${m.server().url}`,
      mode: 'live',
      approximate: false,
      fieldManager: 'argocd-controller',
      target: '01-prepare',
      inSync: false,
    });
    expect(report.phases.map((p) => [p.order, p.id, p.folder])).toEqual(m.result().forward.map((s) => [s.phase.order, s.phase.definition.id, s.folder]));
    for (const p of report.phases) {
      expect(Object.keys(p)).toEqual(['order', 'id', 'folder', 'status', 'reason', 'checks', 'rollback']);
      expect(Object.keys(p.checks)).toEqual(['total', 'satisfied', 'superseded']);
    }
    for (const o of report.objects) {
      expect(Object.keys(o).filter((k) => k !== 'reason')).toEqual(['ref', 'verdict', 'partial', 'changes']);
      expect(Object.keys(o.ref).filter((k) => k !== 'namespace')).toEqual(['apiVersion', 'kind', 'name']);
    }
    expect(report.objects.map((o) => `${o.ref.kind} ${o.ref.name}`)).toEqual(
      forwardState(m.result(), 'prepare').objects.filter((o) => o.kind === 'Job' || o.metadata.annotations?.['threescale-migrate.3scale.net/scope'] !== 'phase').map((o) => `${o.kind} ${o.metadata.name}`),
    );
    // AND the drifted probe is one change with a keyed path (command is an atomic list: replaced whole), the
    // password masked on the live side
    const drifted = report.objects.find((o) => o.ref.name === 'system-postgresql-external' && o.ref.kind === 'Deployment');
    expect(drifted).toMatchObject({ verdict: 'changed', partial: false });
    expect(drifted?.changes).toEqual([
      {
        path: 'spec.template.spec.containers[name=system-postgresql-external].readinessProbe.exec.command',
        op: 'replace',
        live: ['/bin/sh', '-i', '-c', "psql postgresql://system:++++++++@127.0.0.1:5432/system -q -c 'SELECT 1'"],
        desired: ['/bin/sh', '-i', '-c', "psql -h 127.0.0.1 -U $POSTGRESQL_USER -q -d $POSTGRESQL_DATABASE -c 'SELECT 1'"],
      },
    ]);
    expect(run.stdout).not.toContain('FakePgAppPw-7Qx2');
    expect(leakedInTranscript()).toEqual([]);
  }, FLOW_TIMEOUT_MS);
});
