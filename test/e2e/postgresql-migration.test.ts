/**
 * End to end, PostgreSQL 2.15 install: discover → synth → diff/status after every phase, driven through the
 * real CLI against the loopback API server, with a GitOps engine, the controllers and the Jobs simulated
 * around it (see harness.ts).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { loadMigrationPlan } from '../support/plans.js';
import { cli, diffJson, expectPhasesAfter, FakeCluster, forwardState, jobsOf, statuses, useDiscoveredPlan } from './harness.js';

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
  test('before any phase: exit 1, preflight pending, every later phase blocked', async () => {
    // GIVEN the untouched install
    const { kubeconfig } = await e2e.freshCluster();

    // WHEN diff compares the preflight folder, as text and as JSON
    const text = await cli(['diff', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'preflight']);
    const { run, report } = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'preflight']);

    // THEN it exits 1: preflight is the next phase to apply, everything after it waits
    expect(text.code).toBe(1);
    expect(text.stderr).toBe('');
    expect(text.stdout).toMatch(/^ {2}00-preflight +pending +nothing of it is live yet \(ConfigMap threescale-migrate-state missing, Job check-versions-system-database job-not-run, Job check-versions-redis job-not-run\)$/m);
    expect(text.stdout).toMatch(/^ {2}01-prepare +blocked +waits for an earlier phase/m);
    expect(text.stdout).toContain('current phase: none (preflight not applied)');
    expect(text.stdout).toContain('+ ConfigMap 3scale/threescale-migrate-state: missing');
    expect(run.code).toBe(1);
    expect(statuses(report)).toEqual(Object.fromEntries(FORWARD.map((id) => [id, id === 'preflight' ? 'pending' : 'blocked'])));
    expect(report).toMatchObject({ currentPhase: null, outOfOrder: [], target: '00-preflight', inSync: false, mode: 'live', approximate: false });
  });

  test('each phase applied in order: diff --phase <it> exits 0, earlier phases applied or superseded, status names the next phase', async () => {
    // GIVEN the untouched install
    const { cluster, kubeconfig } = await e2e.freshCluster();

    for (const [i, id] of FORWARD.entries()) {
      const state = forwardState(e2e.result, id);
      // WHEN the GitOps engine applies the phase folder (its Jobs start)
      await cluster.applyState(state, { jobs: true });
      if (jobsOf(state).length > 0) {
        // THEN, while they run, the phase is in progress and diff exits 1
        const running = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', id]);
        expect({ id, code: running.run.code, status: statuses(running.report)[id] }).toEqual({ id, code: 1, status: 'in-progress' });
        expect(running.report.objects.filter((o) => o.ref.kind === 'Job').map((o) => o.verdict)).toEqual(jobsOf(state).map(() => 'job-running'));
      }
      // WHEN its Jobs succeed
      const jobs = await cluster.runJobs(state);

      // THEN diff of that folder is in sync (exit 0)
      const { run, report } = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', id]);
      expect({ id, code: run.code, stderr: run.stderr }).toEqual({ id, code: 0, stderr: '' });
      // AND it is applied, every earlier phase applied or superseded (scale-down once scale-up is live), the
      // next one pending and the rest waiting for it
      expectPhasesAfter(report, FORWARD, i);
      expect(report).toMatchObject({ currentPhase: id, outOfOrder: [], target: state.folder, inSync: true });
      // AND every Job of the phase is judged by its evidence
      for (const job of jobs) {
        expect(report.objects.find((o) => o.ref.kind === 'Job' && o.ref.name === job.metadata.name)).toMatchObject({ verdict: 'job-succeeded' });
      }

      // AND status prints one line per phase and the promotion to the next one
      const status = await cli(['status', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', id]);
      expect(status.code).toBe(0);
      const lines = status.stdout.trimEnd().split('\n');
      for (const s of e2e.result.forward) expect(lines.filter((l) => l.startsWith(`${s.folder} `))).toHaveLength(1);
      expect(lines.find((l) => l.startsWith(`${state.folder} `))).toMatch(/ applied /);
      const next = FORWARD[i + 1];
      expect(lines.at(-1)).toBe(
        next
          ? `next: ${state.folder} is in sync; promote to ${next}: threescale-migrate promote -c ${e2e.planPath} --to ${next} --out dist --gitops <argocd|flux> and commit dist/`
          : `next: ${state.folder} is in sync; every phase is applied, nothing left to apply`,
      );
    }
    // AND the text report of the last phase names it as the current one
    const text = await cli(['diff', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'verify']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('current phase: verify');
    expect(text.stdout).toMatch(/^ {2}02-scale-down +superseded +its Jobs are done and every object it sets was changed again by a later phase$/m);
    expect(text.stdout).toContain('07-verify: in sync');
  });

  test('drift after scale-up: a replica count changed by hand, a label removed', async () => {
    // GIVEN a cluster migrated up to scale-up
    const { cluster, kubeconfig } = await e2e.freshCluster();
    await advanceTo(cluster, 'scale-up');
    expect((await cli(['diff', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'scale-up'])).code).toBe(0);

    // WHEN someone scales apicast-production to 5 with `oc scale` and removes a label of the new database
    await cluster.mergePatch('apps/v1', 'Deployment', '3scale', 'apicast-production', { spec: { replicas: 5 } }, 'kubectl');
    await cluster.jsonPatch('apps/v1', 'Deployment', '3scale-db', 'system-postgresql-external', [
      { op: 'remove', path: '/metadata/labels/app.kubernetes.io~1managed-by' },
    ]);
    cluster.settle();
    const text = await cli(['diff', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'scale-up']);
    const { report } = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'scale-up']);

    // THEN diff exits 1, scale-up is drifted and the structural diff names the keyed paths, live → desired
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^ {2}06-scale-up +drifted +Deployment apicast-production changed/m);
    expect(text.stdout).toContain('~ Deployment 3scale/apicast-production (partial): changed');
    expect(text.stdout).toContain('    ~ spec.replicas: 5 → 3');
    expect(text.stdout).toContain('~ Deployment 3scale-db/system-postgresql-external: changed');
    expect(text.stdout).toContain('    + metadata.labels["app.kubernetes.io/managed-by"]: "threescale-migrate"');
    expect(statuses(report)['scale-up']).toBe('drifted');
    // AND prepare, which set that label, is drifted too; the current phase stops before it
    expect(statuses(report).prepare).toBe('drifted');
    expect(report.currentPhase).toBe('preflight');
    expect(report.objects.find((o) => o.ref.name === 'apicast-production')).toMatchObject({
      verdict: 'changed',
      partial: true,
      changes: [{ path: 'spec.replicas', op: 'replace', live: 5, desired: 3 }],
    });
    // AND status says the first phase that differs is prepare (its label), and exits 1
    const status = await cli(['status', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'scale-up']);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^06-scale-up +drifted /m);
    expect(status.stdout).toContain('next: 01-prepare differs from the cluster: run `threescale-migrate diff --phase prepare` and let the GitOps engine sync it');
  });

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

  test('rollback from cutover: each rollback folder applied in reverse order is in sync', async () => {
    // GIVEN a cluster migrated up to the cut-over
    const { cluster, kubeconfig } = await e2e.freshCluster();
    await advanceTo(cluster, 'cutover');
    expect((await cli(['diff', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'cutover'])).code).toBe(0);
    const order = e2e.result.rollbacks.map((s) => s.phase.definition.id).filter((id) => FORWARD.indexOf(id) <= FORWARD.indexOf('cutover')).reverse();
    expect(order).toEqual(['cutover', 'load-redis', 'scale-down', 'prepare']);
    for (const id of order) {
      // WHEN the rollback folder is applied and its Jobs succeed (the one of prepare deletes what prepare created)
      const state = await e2e.applyRollback(cluster, id);

      // THEN diff of that rollback folder exits 0
      const run = await cli(['diff', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', `rollback/${id}`]);
      expect({ id, code: run.code, stderr: run.stderr }).toEqual({ id, code: 0, stderr: '' });
      expect(run.stdout).toContain(`rollback/${state.phase.folder}: in sync`);
      // AND status says where the cluster is and the next rollback down, never "nothing left to apply"
      const status = await cli(['status', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', `rollback/${id}`]);
      expect({ id, code: status.code }).toEqual({ id, code: 0 });
      expect(status.stdout).toContain(`next: rollback/${state.phase.folder} is in sync: the cluster is back at the state before ${state.phase.folder}`);
      if (id === 'prepare') expect(status.stdout).not.toContain('to roll back further');
      else expect(status.stdout).toMatch(/to roll back further, target rollback\/\d\d-[a-z-]+; once the cause is fixed/);
    }
    // AND the install runs as before: every 3scale Deployment at its captured count, the old databases running
    const plan = loadMigrationPlan(e2e.planPath).plan;
    for (const [name, replicas] of Object.entries(plan.spec.replicas)) {
      expect({ name, replicas: (cluster.get('apps/v1', 'Deployment', '3scale', name)?.spec as { replicas?: number }).replicas }).toEqual({ name, replicas });
    }
    for (const name of ['system-postgresql', 'backend-redis', 'system-redis']) {
      expect({ name, replicas: (cluster.get('apps/v1', 'Deployment', '3scale', name)?.spec as { replicas?: number }).replicas }).toEqual({ name, replicas: 1 });
    }
    expect(cluster.get('apps.3scale.net/v1alpha1', 'APIManager', '3scale', 'apimanager')?.spec).toMatchObject({
      system: { database: { postgresql: {} } },
    });
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
