/**
 * End to end on the real API server of the tests, the template-era upgrade of 3scale 2.5 to 2.6: the exported
 * template install seeded (DeploymentConfigs, ImageStreams and Routes served by the stand-in CRDs, as
 * openshift-apiserver serves them on a cluster), discover reads it, synth renders the nine phases, and each
 * folder is applied as Argo CD applies it. The Jobs' kubectl scripts run for real (`runJobPod`: the script of
 * charts/scripts/kube/ with the Job's environment and volumes, under a token of the ServiceAccount the folder
 * renders, so the server's RBAC decides each request): the backup copies objects into ConfigMaps/Secrets, the
 * patch Jobs apply their guarded JSON patches, the delete Jobs delete, the restore Jobs put the copies back.
 * Two Jobs are only recorded (their evidence written): `set-deployment-options` talks to 3scale's Account
 * Management API and `zync-resync` execs into a pod, which need a running 3scale and a kubelet.
 * `diff`, `status` and `discover` run after every step (a re-run discover must refuse once the backup phase ran).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadPlanFile } from '../../src/plan/load-plan.js';
import type { FolderState } from '../../src/synth/synthesize.js';
import { leakedSecrets, loadLiveFixture } from '../support/live-fixtures.js';
import { adminEndpoint, apiRequest, jobScript, resourcePath, runJobPod, settleWorkloads } from '../support/real-api/index.js';
import { cli, diffJson, forwardState, jobsOf, leakedInTranscript, rollbackState, statuses } from './harness.js';
import { expectDiscoverSafe, type PlanLike, type RealMigration, useRealMigration } from './real-api-flow.js';

const PHASES = ['backup', 'registry-auth', 'new-objects', 'redis-secret', 'redis-env', 'database-imagestreams', 'images', 'routes', 'remove-wildcard-router'];
/** The Jobs that need a running 3scale (its Account Management API) or a kubelet (exec): recorded, not run. */
const RECORDED_ONLY = ['kube/set-deployment-options.sh', 'kube/zync-resync.sh'];
const FLOW_TIMEOUT_MS = 300_000;

const flowOptions = (tempPrefix: string) =>
  ({
    fixture: 'template',
    tempPrefix,
    engine: 'argocd-controller',
    namespaces: ['3scale'],
    discoverArgs: ['--procedure', 'template-2.5-to-2.6', '--name', 'amp-2-6'],
    // After review the user names the service whose deployment option changes, and the token's Secret.
    editPlan: (planPath: string) => {
      const raw = parse(readFileSync(planPath, 'utf8'));
      raw.spec.routes.serviceDeploymentOptions = [{ tenantUrl: 'https://3scale-admin.apps.example.com', serviceId: 2, deploymentOption: 'self_managed' }];
      raw.spec.routes.accessTokenSecret = { name: 'threescale-admin-token', key: 'ACCESS_TOKEN' };
      writeFileSync(planPath, stringify(raw));
    },
  }) as const;

/** The live object, or undefined when the server answers 404. */
async function live(m: RealMigration, apiVersion: string, kind: string, name: string): Promise<any> {
  const admin = adminEndpoint(m.server());
  const answer = await apiRequest(admin, { method: 'GET', path: await resourcePath(admin, { apiVersion, kind, namespace: '3scale', name }) });
  return answer.status === 200 ? answer.body : undefined;
}

/**
 * The Jobs of a folder end: the kubectl scripts run as their pods would (each must exit 0, printing no secret),
 * the two that need a running 3scale or a kubelet record their evidence and complete.
 */
async function playJobs(m: RealMigration, state: FolderState): Promise<void> {
  for (const job of jobsOf(state)) {
    if (RECORDED_ONLY.includes(jobScript(job))) {
      await m.runJobs([job]);
      continue;
    }
    const run = await runJobPod(m.server(), job);
    expect({ job: job.metadata.name, code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ job: job.metadata.name, code: 0, stderr: '' });
    expect(leakedSecrets(run.stdout + run.stderr)).toEqual([]);
  }
  // The controllers catch up with what the scripts changed (a patched DeploymentConfig rolls out again, a new
  // ImageStream tag is imported), as they would after the engine's apply.
  await settleWorkloads(adminEndpoint(m.server()), ['3scale']);
}

async function applyPhase(m: RealMigration, id: string): Promise<void> {
  const state = forwardState(m.result(), id);
  await m.applyState(state);
  await playJobs(m, state);
}

/** What a re-run of discover must not change: the plan except the routes the user filled in after review. */
const discovered = (plan: PlanLike): unknown => ({ ...plan.spec, routes: undefined });

describe('template upgrade on the real API server, forward', () => {
  const m = useRealMigration(flowOptions('e2e-real-template'));

  test('GIVEN the 2.5 template install on the server WHEN discovered THEN the plan is the example plan and synth renders the nine phases with their rollbacks', () => {
    const example = loadPlanFile(new URL('../../examples/template-2.5-to-2.6/migration.yaml', import.meta.url).pathname).plan;
    expect(loadPlanFile(m.planPath()).plan).toEqual(example);
    expect(m.result().forward.map((s) => s.phase.definition.id)).toEqual(PHASES);
    expect(m.result().rollbacks.map((s) => s.phase.definition.id)).toEqual(PHASES.slice(1));
  });

  test('GIVEN the 2.5 install WHEN each phase is applied and its Jobs run THEN diff says pending before and applied after, status agrees, discover never reads a half-upgraded install as 2.5', async () => {
    for (const id of PHASES) {
      // GIVEN the phases before it applied; WHEN diff compares its folder THEN it has not started
      const before = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', id]);
      expect({ id, code: before.run.code, status: statuses(before.report)[id] }).toEqual({ id, code: 1, status: 'pending' });

      // WHEN the folder is applied and its Jobs run
      await applyPhase(m, id);
      const after = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', id]);

      // THEN it is applied, every earlier phase still is, the next is pending and the later ones wait for it
      expect({ id, code: after.run.code, stderr: after.run.stderr, phases: statuses(after.report) }).toEqual({
        id,
        code: 0,
        stderr: '',
        phases: Object.fromEntries(PHASES.map((p, i) => [p, i <= PHASES.indexOf(id) ? 'applied' : i === PHASES.indexOf(id) + 1 ? 'pending' : 'blocked'])),
      });
      // AND status exits 0 naming the folder; discover is safe to run again
      const status = await cli(['status', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', id]);
      expect({ id, code: status.code, stderr: status.stderr }).toEqual({ id, code: 0, stderr: '' });
      await expectDiscoverSafe(m, id, discovered);
    }
    // AND status lists every phase applied; the wildcard router, moved to amp by registry-auth, is gone since
    const status = await cli(['status', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', PHASES.at(-1)!]);
    const lines = status.stdout.split('\n');
    expect(lines.filter((l) => /^\d\d-\S+\s+applied\s/.test(l))).toHaveLength(PHASES.length);
    expect(lines).toContain('01-registry-auth          applied     18 in sync, 1 changed again by later phases');
    expect(await live(m, 'apps.openshift.io/v1', 'DeploymentConfig', 'apicast-wildcard-router')).toBeUndefined();
    // AND the live objects carry the 2.6 changes, made by the Jobs' scripts through the server
    const app = await live(m, 'apps.openshift.io/v1', 'DeploymentConfig', 'system-app');
    expect(app.spec.template.spec.serviceAccountName).toBe('amp');
    expect(app.spec.template.spec.containers[0].env.find((e: any) => e.name === 'AMP_RELEASE').value).toBe('2.6');
    const zyncDb = await live(m, 'apps.openshift.io/v1', 'DeploymentConfig', 'zync-database');
    expect(zyncDb.spec.triggers.filter((t: any) => t.type === 'ImageChange').map((t: any) => t.imageChangeParams.from.name)).toEqual(['zync-database-postgresql:latest']);
    expect(await live(m, 'route.openshift.io/v1', 'Route', 'system-master')).toBeUndefined();
    expect(leakedInTranscript()).toEqual([]);
  }, FLOW_TIMEOUT_MS);

  test('GIVEN the upgrade applied WHEN a person removes a variable a patch Job added THEN diff reports redis-env drifted, naming the DeploymentConfig', async () => {
    // GIVEN every phase applied (the test before)
    const sphinx = await live(m, 'apps.openshift.io/v1', 'DeploymentConfig', 'system-sphinx');
    const at = sphinx.spec.template.spec.containers[0].env.findIndex((e: any) => e.name === 'REDIS_NAMESPACE');
    expect(at).toBeGreaterThanOrEqual(0);

    // WHEN
    await m.jsonPatch({ apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', namespace: '3scale', name: 'system-sphinx' }, [{ op: 'remove', path: `/spec/template/spec/containers/0/env/${at}` }]);
    const { run, report } = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', PHASES.at(-1)!]);

    // THEN
    expect(run.code).toBe(1);
    const phase = report.phases.find((p) => p.id === 'redis-env')!;
    expect(phase.status).toBe('drifted');
    expect(phase.reason).toContain('DeploymentConfig system-sphinx changed');
  });
});

describe('template upgrade on the real API server, deletions and rollback', () => {
  const m = useRealMigration(flowOptions('e2e-real-template-rollback'));

  test('GIVEN the routes folder applied and its delete Job recorded as succeeded without running WHEN diff runs THEN routes drifted, naming a Route; once the Job really runs, applied', async () => {
    // GIVEN
    for (const id of PHASES.slice(0, PHASES.indexOf('images') + 1)) await applyPhase(m, id);
    const state = forwardState(m.result(), 'routes');
    await m.applyState(state);
    const remove = jobsOf(state).find((j) => jobScript(j) === 'kube/delete-objects.sh')!;
    for (const job of jobsOf(state)) if (job !== remove) await m.runJobs([job]);
    await m.recordEvidence(remove, 'Succeeded', `${remove.metadata.name} done`);

    // WHEN
    const { run, report } = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'routes']);

    // THEN
    expect(run.code).toBe(1);
    expect(report.phases.find((p) => p.id === 'routes')).toMatchObject({ status: 'drifted' });
    expect(report.objects.find((o) => o.ref.kind === 'Route' && o.ref.name === 'system-master')).toMatchObject({ verdict: 'changed', reason: 'still present; a Job of the phase deletes it' });

    // WHEN the Job's script really runs under its ServiceAccount
    const deleted = await runJobPod(m.server(), remove);
    await settleWorkloads(adminEndpoint(m.server()), ['3scale']);
    const after = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'routes']);

    // THEN the 2.5 routes are gone and the phase is applied
    expect({ code: deleted.code, stderr: deleted.code === 0 ? '' : deleted.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await live(m, 'route.openshift.io/v1', 'Route', 'system-master')).toBeUndefined();
    expect({ code: after.run.code, routes: statuses(after.report).routes }).toEqual({ code: 0, routes: 'applied' });
  }, FLOW_TIMEOUT_MS);

  test('GIVEN every phase up to routes applied WHEN the rollbacks are applied from the latest down and their restore Jobs run THEN each is in sync and the install is the 2.5 one again', async () => {
    // GIVEN the test before
    const applied = PHASES.slice(0, PHASES.indexOf('routes') + 1);
    for (const id of [...applied].reverse().filter((p) => p !== 'backup')) {
      // WHEN the rollback folder is applied and its Job runs
      const state = rollbackState(m.result(), id);
      await m.applyState(state);
      await playJobs(m, state);
      const run = await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', `rollback/${id}`]);

      // THEN it is in sync, and status agrees
      expect({ id, code: run.code, stderr: run.stderr }).toEqual({ id, code: 0, stderr: '' });
      expect(run.stdout).toContain(`rollback/${state.folder.replace(/^rollback\//, '')}: in sync`);
      const status = await cli(['status', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', `rollback/${id}`]);
      expect({ id, code: status.code, stderr: status.stderr }).toEqual({ id, code: 0, stderr: '' });
    }

    // AND the DeploymentConfigs, ImageStreams and Routes are the 2.5 ones again, the 2.6 objects gone
    const fixture = await loadLiveFixture('template');
    for (const o of fixture.filter((f) => ['DeploymentConfig', 'ImageStream', 'Route'].includes(f.kind) || (f.kind === 'Secret' && f.metadata.name === 'system-redis'))) {
      const now = await live(m, o.apiVersion, o.kind, o.metadata.name);
      expect(now?.spec ?? now?.data, `${o.kind} ${o.metadata.name}`).toEqual((o as any).spec ?? (o as any).data);
    }
    expect(await live(m, 'apps.openshift.io/v1', 'DeploymentConfig', 'zync-que')).toBeUndefined();
    expect(await live(m, 'image.openshift.io/v1', 'ImageStream', 'system-mysql')).toBeUndefined();
    // AND discover reads the 2.5 install again as at the start
    await expectDiscoverSafe(m, 'rolled-back', discovered);
    expect(leakedInTranscript()).toEqual([]);
  }, FLOW_TIMEOUT_MS);
});
