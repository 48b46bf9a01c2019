/**
 * End to end, PostgreSQL 2.15 install: discover → synth, and the failure and drift cases of diff and status (a
 * failed Job, a held scale-down, a plan changed after copy-data, out of order, the JSON shape), driven through the
 * real CLI against the loopback API server, with a GitOps engine, the controllers and the Jobs simulated
 * around it (see harness.ts).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { loadMigrationPlan } from '../support/plans.js';
import { cli, diffJson, FakeCluster, forwardState, jobsOf, statuses, useDiscoveredPlan } from './harness.js';

const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];

const e2e = useDiscoveredPlan({ fixture: 'postgresql', tempPrefix: 'e2e-postgresql' });

/** Applies the forward phases up to and including `last`, running their Jobs to success. */
async function advanceTo(cluster: FakeCluster, last: string): Promise<void> {
  await e2e.applyForward(cluster, FORWARD.slice(0, FORWARD.indexOf(last) + 1));
}

describe('discover and synth', () => {
  test('discover writes a plan that loads; synth writes every phase and rollback folder', async () => {
    // GIVEN a cluster holding the 2.15 PostgreSQL install
    const { kubeconfig } = await e2e.freshCluster();
    const plan = join(e2e.tmp.dir, 'discovered.yaml');
    const dist = join(e2e.tmp.dir, 'dist');

    // WHEN discover reads it and synth renders the plan
    const discovered = await cli(['discover', '--kubeconfig', kubeconfig, '-n', '3scale', '--out', plan]);
    const synth = await cli(['synth', '-c', plan, '--out', dist]);

    // THEN discover wrote a plan the loader accepts, with what the install really has
    expect(discovered).toMatchObject({ code: 0, stderr: '' });
    expect(discovered.stdout).toMatch(/^wrote .*discovered\.yaml: 3scale 2\.15\.5/);
    const { plan: loaded } = loadMigrationPlan(plan);
    expect(loaded.spec.threescale).toMatchObject({ namespace: '3scale', apiManagerName: 'apimanager', version: '2.15.5' });
    expect(loaded.spec.systemDatabase).toMatchObject({ kind: 'postgresql', strategy: 'upgrade-on-cluster', storage: { size: '10Gi' } });
    expect(loaded.spec.replicas).toMatchObject({ 'apicast-production': 3, 'backend-listener': 2, 'system-app': 2, zync: 1 });
    expect(loaded.spec.targets).toMatchObject({ namespace: '3scale-db', createNamespace: true });
    // AND synth wrote every folder, each a kustomization, and the files are what synthesize() renders
    expect(synth).toMatchObject({ code: 0, stderr: '' });
    expect(readdirSync(dist).filter((f) => /^\d\d-/.test(f))).toEqual(e2e.result.forward.map((s) => s.folder));
    expect(readdirSync(join(dist, 'rollback'))).toEqual(e2e.result.rollbacks.map((s) => s.folder.slice('rollback/'.length)));
    for (const s of [...e2e.result.forward, ...e2e.result.rollbacks]) expect(existsSync(join(dist, s.folder, 'kustomization.yaml'))).toBe(true);
    for (const f of e2e.result.files) expect(readFileSync(join(dist, f.path), 'utf8')).toBe(f.content);
    expect(readFileSync(join(dist, '06-scale-up', '3scale_deployment_apicast-production.yaml'), 'utf8')).toMatch(/replicas: 3\n/);
  });
});

describe('diff and status through the migration', () => {
  test('GIVEN background jobs still queued when scale-down starts on Argo CD (its wave -2 check failed, nothing scaled) WHEN status reads it THEN the figure is shown and the scale-down is held, without rollback advice', async () => {
    // GIVEN prepare applied, and of scale-down only what Argo CD syncs before the scaling: the queue check
    // (wave -2) with its helpers, whose record says jobs were still waiting at its deadline
    const { cluster, kubeconfig } = await e2e.freshCluster();
    await advanceTo(cluster, 'prepare');
    const down = forwardState(e2e.result, 'scale-down');
    for (const o of down.own.filter((o) => o.metadata.name.startsWith('check-queues'))) await cluster.apply(o);
    cluster.settle();
    const check = jobsOf(down).find((j) => j.metadata.name === 'check-queues')!;
    const figure = 'queued sidekiq=4 backend=2; later scheduled=1 retry=0 failed=0; not drained after 300s while the workers run [sidekiq default=4] [backend priority=2]';
    await cluster.recordEvidence(check, 'Failed', figure);

    // WHEN
    const status = await cli(['status', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'scale-down']);

    // THEN the phase is failed with the queue lengths, 3scale still runs, and the next step holds the scale-down
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(new RegExp(`^02-scale-down +failed +Job check-queues job-failed: ${figure.replace(/[[\]()]/g, '\\$&')}`, 'm'));
    expect(cluster.get('apps/v1', 'Deployment', '3scale', 'system-sidekiq')?.spec).toMatchObject({ replicas: 1 });
    expect(status.stdout).toMatch(/^next: 02-scale-down is held by its queue check \(.*queued sidekiq=4 backend=2.*\): do not roll back, 3scale is still running; let system-sidekiq and backend-worker process the waiting jobs/m);
    expect(status.stdout).not.toContain('rollback/02-scale-down');
  });

  test('a failed Job makes its phase failed, and status says so', async () => {
    // GIVEN a cluster scaled down, with the copy-data folder applied
    const { cluster, kubeconfig } = await e2e.freshCluster();
    await advanceTo(cluster, 'scale-down');
    const copy = forwardState(e2e.result, 'copy-data');
    await cluster.applyState(copy);

    // WHEN the database copy fails and the Redis copies succeed
    for (const job of jobsOf(copy)) {
      if (job.metadata.name === 'copy-system-database') await cluster.recordEvidence(job, 'Failed', 'failed (exit 3): row counts differ for 2 tables');
      else await cluster.recordEvidence(job, 'Succeeded', 'copied');
    }
    const { run, report } = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'copy-data']);
    const status = await cli(['status', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'copy-data']);

    // THEN diff exits 1 and the phase is failed, with the Job's own summary
    expect(run.code).toBe(1);
    expect(statuses(report)['copy-data']).toBe('failed');
    expect(report.phases.find((p) => p.id === 'copy-data')?.reason).toContain('Job copy-system-database job-failed: failed (exit 3): row counts differ for 2 tables');
    expect(report.objects.find((o) => o.ref.name === 'copy-system-database')).toMatchObject({ verdict: 'job-failed' });
    expect(report.currentPhase).toBe('scale-down');
    // AND status prints the failure and what to do next, and exits 1
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^03-copy-data +failed +Job copy-system-database job-failed/m);
    expect(status.stdout).toMatch(/^next: 03-copy-data failed \(.*\); fix the cause and let the Job rerun; 03-copy-data has nothing to undo; to go back further, apply rollback\/02-scale-down$/m);
  });

  test('GIVEN prepare applied and its Job done WHEN the new database Deployment rollout passes its progress deadline THEN diff and status say prepare failed, naming the Deployment and the reason, and exit 1', async () => {
    // GIVEN
    const { cluster, kubeconfig } = await e2e.freshCluster();
    await advanceTo(cluster, 'prepare');
    const deployment = forwardState(e2e.result, 'prepare').own.find((o) => o.kind === 'Deployment')!;
    const live = cluster.get('apps/v1', 'Deployment', deployment.metadata.namespace, deployment.metadata.name)!;

    // WHEN the Deployment controller gives up on the rollout
    const message = `ReplicaSet "${deployment.metadata.name}-6f7" has timed out progressing.`;
    cluster.api.store.put({ ...live, status: { ...(live.status as object), readyReplicas: 0, availableReplicas: 0, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message }] } });
    const { run, report } = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'prepare']);
    const status = await cli(['status', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'prepare']);

    // THEN
    const why = `Deployment ${deployment.metadata.name} degraded: the rollout stopped: ProgressDeadlineExceeded: ${message}`;
    expect(run.code).toBe(1);
    expect(report.phases.find((p) => p.id === 'prepare')).toMatchObject({ status: 'failed', reason: why });
    expect(report.objects.find((o) => o.ref.name === deployment.metadata.name)).toMatchObject({ verdict: 'degraded' });
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`01-prepare       failed      ${why}`);
    expect(status.stdout).toMatch(/^next: 01-prepare failed \(.*\); fix the cause: waiting will not help, the object is degraded; /m);
  });

  test('the plan changed after copy-data ran: a replica edit concerns no Job; an edit of the Jobs\' limits shows each Job done with other inputs', async () => {
    // GIVEN copy-data done with the discovered plan
    const { cluster, kubeconfig } = await e2e.freshCluster();
    await advanceTo(cluster, 'copy-data');
    const before = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'copy-data']);
    // AND the plan edited afterwards in two ways: more zync replicas once scaled up (no Job reads them), and a
    // longer deadline for every Job (each Job's own inputs)
    const replicas = join(e2e.tmp.dir, 'edited-replicas.yaml');
    writeFileSync(replicas, readFileSync(e2e.planPath, 'utf8').replace(/^( {4}zync): 1$/m, '$1: 2'));
    expect(readFileSync(replicas, 'utf8')).not.toBe(readFileSync(e2e.planPath, 'utf8'));
    const edited = join(e2e.tmp.dir, 'edited.yaml');
    const plan = parseYaml(readFileSync(e2e.planPath, 'utf8')) as { spec: { jobs?: Record<string, unknown> } };
    plan.spec.jobs = { ...plan.spec.jobs, activeDeadlineSeconds: 7777 };
    writeFileSync(edited, stringifyYaml(plan));

    // WHEN diff and status compare copy-data with the edited plans
    const afterReplicas = await diffJson(['-c', replicas, '--kubeconfig', kubeconfig, '--phase', 'copy-data']);
    const after = await diffJson(['-c', edited, '--kubeconfig', kubeconfig, '--phase', 'copy-data']);
    const status = await cli(['status', '-c', edited, '--kubeconfig', kubeconfig, '--phase', 'copy-data']);
    const text = await cli(['diff', '-c', edited, '--kubeconfig', kubeconfig, '--phase', 'copy-data']);

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
  });

  test('out of order: scale-up overlays live while copy-data has no evidence', async () => {
    // GIVEN a cluster with preflight and prepare applied
    const { cluster, kubeconfig } = await e2e.freshCluster();
    await advanceTo(cluster, 'prepare');

    // WHEN someone applies the scale-up overlays directly, skipping the copy
    for (const o of forwardState(e2e.result, 'scale-up').own) await cluster.apply(o);
    cluster.settle();
    const { run, report } = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'prepare']);
    const status = await cli(['status', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'prepare']);

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
  });
});

describe('diff -o json', () => {
  test('has the documented shape, and Secret-like values are masked', async () => {
    // GIVEN a cluster migrated up to prepare, where someone pasted a database URL with its password into a probe
    const { cluster, kubeconfig } = await e2e.freshCluster();
    await advanceTo(cluster, 'prepare');
    const live = cluster.get('apps/v1', 'Deployment', '3scale-db', 'system-postgresql-external')!;
    const containers = (live.spec as { template: { spec: { containers: { readinessProbe: { exec: { command: string[] } } }[] } } }).template.spec.containers;
    const command = [...containers[0]!.readinessProbe.exec.command];
    command[3] = "psql postgresql://system:FakePgAppPw-7Qx2@127.0.0.1:5432/system -q -c 'SELECT 1'";
    await cluster.jsonPatch('apps/v1', 'Deployment', '3scale-db', 'system-postgresql-external', [
      { op: 'replace', path: '/spec/template/spec/containers/0/readinessProbe/exec/command', value: command },
    ]);

    // WHEN diff prints JSON
    const { run, report } = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'prepare', '--field-manager', 'argocd']);

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
      source: `cluster ${cluster.api.url}`,
      mode: 'live',
      approximate: false,
      fieldManager: 'argocd-controller',
      target: '01-prepare',
      inSync: false,
    });
    expect(report.phases.map((p) => [p.order, p.id, p.folder])).toEqual(e2e.result.forward.map((s) => [s.phase.order, s.phase.definition.id, s.folder]));
    for (const p of report.phases) {
      expect(Object.keys(p)).toEqual(['order', 'id', 'folder', 'status', 'reason', 'checks', 'rollback']);
      expect(Object.keys(p.checks)).toEqual(['total', 'satisfied', 'superseded']);
    }
    for (const o of report.objects) {
      expect(Object.keys(o).filter((k) => k !== 'reason')).toEqual(['ref', 'verdict', 'partial', 'changes']);
      expect(Object.keys(o.ref).filter((k) => k !== 'namespace')).toEqual(['apiVersion', 'kind', 'name']);
    }
    expect(report.objects.map((o) => `${o.ref.kind} ${o.ref.name}`)).toEqual(
      forwardState(e2e.result, 'prepare').objects.filter((o) => o.kind === 'Job' || o.metadata.annotations?.['threescale-migrate.3scale.net/scope'] !== 'phase').map((o) => `${o.kind} ${o.metadata.name}`),
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
  });
});
