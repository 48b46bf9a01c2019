/**
 * End to end on the real API server of the tests (test/support/real-api), PostgreSQL 2.15 install: the live
 * fixture seeded onto kube-apiserver, discover → synth → each phase folder applied with the built kubectl as
 * Argo CD applies it (`kubectl apply --server-side --force-conflicts --field-manager=argocd-controller -k`),
 * the Jobs completed and their evidence written (as their scripts would), the controllers' status written by the
 * stand-in, and diff and status run against the real server after every step.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { IN_CI } from '../support/db-servers.js';
import { loadLiveFixture } from '../support/live-fixtures.js';
import { adminEndpoint, apiRequestOk, applyFolder, checkEnvtestBinaries, completeJob, operatorRestoresReplicas, seedObjects, settleWorkloads, useRealApiServer } from '../support/real-api/index.js';
import { cli, diffJson, evidenceRecord, forwardState, jobsOf, leakedInTranscript, statuses, synthesized, tempDir } from './harness.js';

const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'persist', 'cutover', 'scale-up', 'verify'];
const ENGINE = 'argocd-controller';
const NAMESPACES = ['3scale', '3scale-db'];

describe('PostgreSQL migration on the real API server', () => {
  const server = useRealApiServer();
  const ready = (): boolean => checkEnvtestBinaries().ok || IN_CI;
  const tmp = tempDir('e2e-real-postgresql');
  let kubeconfig = '';
  let planPath = '';
  let dist = '';
  let result: Awaited<ReturnType<typeof synthesized>>['result'];

  beforeAll(async () => {
    if (!ready()) return;
    await seedObjects(adminEndpoint(server()), await loadLiveFixture('postgresql'));
    kubeconfig = await server().kubeconfig({ namespace: '3scale' });
    planPath = join(tmp.dir, 'migration.yaml');
    const discovered = await cli(['discover', '--kubeconfig', kubeconfig, '-n', '3scale', '-o', planPath]);
    if (discovered.code !== 0) throw new Error(`discover failed: ${discovered.stderr}`);
    dist = join(tmp.dir, 'dist');
    const synth = await cli(['synth', '-c', planPath, '--out', dist]);
    if (synth.code !== 0) throw new Error(`synth failed: ${synth.stderr}`);
    result = (await synthesized(planPath)).result;
  });

  afterAll(() => {
    tmp.remove();
  });

  /** The Jobs of a phase end as their scripts would: evidence written, then the Job controller's Complete. */
  async function runJobs(jobs: readonly KubeObject[]): Promise<void> {
    const admin = adminEndpoint(server());
    for (const job of jobs) {
      const { object, fieldManager } = evidenceRecord(job, 'Succeeded', `${job.metadata.name} done`);
      const path = `/api/v1/namespaces/${object.metadata.namespace}/configmaps/${object.metadata.name}?fieldManager=${fieldManager}&force=true`;
      await apiRequestOk(admin, { method: 'PATCH', path, body: JSON.stringify(object), contentType: 'application/apply-patch+yaml' });
      await completeJob(admin, job.metadata.namespace!, job.metadata.name);
    }
  }

  test('GIVEN the untouched install WHEN diff reads it THEN preflight is pending and every later phase blocked', async () => {
    const { run, report } = await diffJson(['-c', planPath, '--kubeconfig', kubeconfig, '--phase', 'preflight']);
    expect(run.code).toBe(1);
    expect(statuses(report)).toEqual(Object.fromEntries(FORWARD.map((id) => [id, id === 'preflight' ? 'pending' : 'blocked'])));
    expect(report).toMatchObject({ currentPhase: null, outOfOrder: [], target: '00-preflight', inSync: false, mode: 'live' });
  });

  test('GIVEN each phase applied in order by the engine WHEN its Jobs end THEN diff --phase exits 0, earlier phases stay applied or superseded, status names the next', async () => {
    for (const [i, id] of FORWARD.entries()) {
      const state = forwardState(result, id);
      // WHEN the engine applies the folder (its Jobs start; the controllers catch up)
      await applyFolder(server(), join(dist, state.folder), ENGINE);
      await settleWorkloads(adminEndpoint(server()), NAMESPACES);
      if (jobsOf(state).length > 0) {
        // THEN, while they run, the phase is in progress
        const running = await diffJson(['-c', planPath, '--kubeconfig', kubeconfig, '--phase', id]);
        expect({ id, code: running.run.code, status: statuses(running.report)[id] }).toEqual({ id, code: 1, status: 'in-progress' });
      }
      // WHEN its Jobs succeed
      await runJobs(jobsOf(state));
      // THEN the folder is in sync (exit 0) and the phase applied
      const { run, report } = await diffJson(['-c', planPath, '--kubeconfig', kubeconfig, '--phase', id]);
      const notInSync = report.objects.filter((o) => !['in-sync', 'job-succeeded'].includes(o.verdict)).map((o) => `${o.ref.kind}/${o.ref.name}: ${o.verdict}`);
      expect({ id, code: run.code, stderr: run.stderr, notInSync }).toEqual({ id, code: 0, stderr: '', notInSync: [] });
      const phases = statuses(report);
      expect({ id, status: phases[id] }).toEqual({ id, status: 'applied' });
      for (const earlier of FORWARD.slice(0, i)) {
        const expected = earlier === 'scale-down' && FORWARD.indexOf('scale-up') <= i ? 'superseded' : 'applied';
        expect({ id, earlier, status: phases[earlier] }).toEqual({ id, earlier, status: expected });
      }
      for (const later of FORWARD.slice(i + 1)) expect({ id, later, status: phases[later] }).toEqual({ id, later, status: later === FORWARD[i + 1] ? 'pending' : 'blocked' });
      // AND status agrees and names the promotion
      const status = await cli(['status', '-c', planPath, '--kubeconfig', kubeconfig, '--phase', id]);
      expect({ id, code: status.code }).toEqual({ id, code: 0 });
      const next = FORWARD[i + 1];
      expect(status.stdout.trimEnd().split('\n').at(-1)).toBe(
        next ? `next: ${state.folder} is in sync; promote to ${next}: set spec.gitops.targetPhase: ${next}, run synth and commit dist/` : `next: ${state.folder} is in sync; nothing left to apply`,
      );
    }
    // AND no fake secret of the fixture was printed on the way
    expect(leakedInTranscript()).toEqual([]);
  });

  test('GIVEN the migrated install WHEN someone scales apicast-production by hand and removes a label THEN diff names both, and the operator\'s reconcile puts the replicas back (and a person the label)', async () => {
    // GIVEN every phase applied (the test before)
    const admin = adminEndpoint(server());
    expect((await diffJson(['-c', planPath, '--kubeconfig', kubeconfig, '--phase', 'verify'])).run.code).toBe(0);
    // WHEN a person scales apicast-production to 5 and removes the managed-by label of the new database
    await apiRequestOk(admin, { method: 'PATCH', path: '/apis/apps/v1/namespaces/3scale/deployments/apicast-production?fieldManager=kubectl', body: { spec: { replicas: 5 } }, contentType: 'application/merge-patch+json' });
    await apiRequestOk(admin, {
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/3scale-db/deployments/system-postgresql-external?fieldManager=kubectl-patch',
      body: [{ op: 'remove', path: '/metadata/labels/app.kubernetes.io~1managed-by' }],
      contentType: 'application/json-patch+json',
    });
    await settleWorkloads(admin, NAMESPACES);
    const { run, report } = await diffJson(['-c', planPath, '--kubeconfig', kubeconfig, '--phase', 'verify']);
    // THEN diff exits 1: scale-up (the replicas) and prepare (the label) are drifted
    expect(run.code).toBe(1);
    expect(statuses(report)['scale-up']).toBe('drifted');
    expect(statuses(report).prepare).toBe('drifted');
    expect(report.objects.find((o) => o.ref.name === 'apicast-production')).toMatchObject({ verdict: 'changed', changes: [{ path: 'spec.replicas', op: 'replace', live: 5, desired: 3 }] });
    // WHEN the 3scale operator reconciles (its APIManager sets apicast-production to 3) and the label is put back
    expect(await operatorRestoresReplicas(admin, '3scale')).toEqual(['apicast-production']);
    await apiRequestOk(admin, {
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/3scale-db/deployments/system-postgresql-external?fieldManager=kubectl-patch',
      body: [{ op: 'add', path: '/metadata/labels/app.kubernetes.io~1managed-by', value: 'threescale-migrate' }],
      contentType: 'application/json-patch+json',
    });
    await settleWorkloads(admin, NAMESPACES);
    // THEN the install is in sync again
    const after = await diffJson(['-c', planPath, '--kubeconfig', kubeconfig, '--phase', 'verify']);
    expect(after.report.objects.filter((o) => o.verdict === 'changed').map((o) => o.ref.name)).toEqual([]);
    expect({ code: after.run.code, scaleUp: statuses(after.report)['scale-up'], prepare: statuses(after.report).prepare }).toEqual({ code: 0, scaleUp: 'applied', prepare: 'applied' });
  });
});
