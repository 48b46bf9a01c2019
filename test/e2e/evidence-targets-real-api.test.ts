/**
 * End to end on the real API server of the tests: a copy Job's evidence speaks of the objects it filled (the
 * `<step>.targets` uids charts/scripts/lib/evidence.sh records from the Job's EVIDENCE_TARGETS), so when one of
 * them is deleted and created again after the copy (a new uid, empty), `diff` calls the Job `job-stale` and
 * `status` says the data is gone, instead of counting the copy as done. The PostgreSQL install walked through
 * load-redis as Argo CD applies it; then the new PostgreSQL's and the new backend Redis's claims recreated,
 * and, after the cut-over, the connection Secret the kubectl Job rewrote (kube/lib.sh records its uid too).
 */
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { adminEndpoint, apiRequestOk, deleteObject, resourcePath, settleWorkloads } from '../support/real-api/index.js';
import { cli, diffJson, leakedInTranscript, statuses } from './harness.js';
import { useRealMigration } from './real-api-flow.js';

const THROUGH_LOAD_REDIS = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis'];
const NAMESPACES = ['3scale', '3scale-db'];

describe('evidence targets on the real API server: a filled object recreated after its copy', () => {
  const m = useRealMigration({ fixture: 'postgresql', engine: 'argocd-controller', namespaces: NAMESPACES, tempPrefix: 'e2e-real-evidence-targets' });
  const diff = () => diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'load-redis']);

  /** Deletes the claim (its protection finalizer let go, as no pod uses it) and lets the engine create it again. */
  async function recreateClaim(name: string): Promise<void> {
    const admin = adminEndpoint(m.server());
    const claim = m.result().forward.flatMap((s) => s.own).find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === name) as KubeObject;
    const path = await resourcePath(admin, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name });
    await deleteObject(admin, path);
    await apiRequestOk(admin, { method: 'PATCH', path: `${path}?fieldManager=argocd-controller&force=true`, body: JSON.stringify(claim), contentType: 'application/apply-patch+yaml' });
    await settleWorkloads(admin, NAMESPACES);
  }

  test('GIVEN the copies done and recorded with the uids of what they filled WHEN diff reads them THEN every copy Job succeeded and records its targets', async () => {
    // GIVEN
    await m.applyForward(THROUGH_LOAD_REDIS);

    // WHEN
    const { run, report } = await diff();

    // THEN
    expect({ code: run.code, loadRedis: statuses(report)['load-redis'], copyData: statuses(report)['copy-data'] }).toEqual({ code: 0, loadRedis: 'applied', copyData: 'applied' });
    const evidence = (await apiRequestOk(adminEndpoint(m.server()), { method: 'GET', path: '/api/v1/namespaces/3scale-db/configmaps/threescale-migrate-evidence' })) as { data: Record<string, string> };
    expect(evidence.data['copy-backend-redis.targets']).toMatch(/^PersistentVolumeClaim\/3scale-db\/backend-redis-storage-external=[0-9a-f-]+,Deployment\/3scale-db\/backend-redis-external=[0-9a-f-]+$/);
    expect(evidence.data['copy-system-database.targets']).toMatch(/^PersistentVolumeClaim\/3scale-db\/postgresql-data-external=[0-9a-f-]+,Deployment\/3scale-db\/system-postgresql-external=[0-9a-f-]+$/);
  }, 300_000);

  test('GIVEN the new backend Redis claim recreated after its copy WHEN diff and status read the install THEN the copy and the load check are stale, the cut-over stays blocked, and status sends the user back to copy-data', async () => {
    // GIVEN
    await recreateClaim('backend-redis-storage-external');

    // WHEN
    const { run, report } = await diff();
    const copyData = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'copy-data']);
    const status = await cli(['status', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'load-redis']);

    // THEN the load check of that Redis no longer holds, the other one does
    expect(run.code).toBe(1);
    expect(report.objects.filter((o) => o.ref.kind === 'Job').map((o) => `${o.ref.name} ${o.verdict}`)).toEqual(['retire-rollback-jobs-load-redis job-succeeded', 'check-load-backend-redis job-stale', 'check-load-system-redis job-succeeded']);
    // AND copy-data and load-redis are drifted, the cut-over is not offered
    expect(statuses(report)).toMatchObject({ 'copy-data': 'drifted', 'load-redis': 'drifted', cutover: 'blocked' });
    // AND the copy Job names the claim and its two uids
    expect(copyData.report.objects.find((o) => o.ref.kind === 'Job' && o.ref.name === 'copy-backend-redis')).toMatchObject({
      verdict: 'job-stale',
      reason: expect.stringMatching(/PersistentVolumeClaim 3scale-db\/backend-redis-storage-external was recreated after it ran \(it filled uid [0-9a-f-]+, the live one is uid [0-9a-f-]+, created [0-9TZ:-]+\): its data is gone; apply the phase again/),
    });
    expect(copyData.report.objects.find((o) => o.ref.name === 'copy-system-redis')?.verdict).toBe('job-succeeded');
    // AND status says so and sends the user back to copy-data
    expect(status.code).not.toBe(2);
    expect(status.stdout).toMatch(/^03-copy-data +drifted +Job copy-backend-redis job-stale/m);
    expect(status.stdout.trimEnd().split('\n').at(-1)).toContain('03-copy-data differs from the cluster');
  });

  test('GIVEN the new PostgreSQL claim recreated after copy-data WHEN diff reads copy-data THEN copy-system-database is stale', async () => {
    // GIVEN
    await recreateClaim('postgresql-data-external');

    // WHEN
    const { run, report } = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'copy-data']);

    // THEN
    expect(run.code).toBe(1);
    expect(report.objects.find((o) => o.ref.kind === 'Job' && o.ref.name === 'copy-system-database')).toMatchObject({ verdict: 'job-stale', reason: expect.stringContaining('PersistentVolumeClaim 3scale-db/postgresql-data-external was recreated after it ran') });
    expect(statuses(report)['copy-data']).toBe('drifted');
    expect(leakedInTranscript()).toEqual([]);
  });

  test('GIVEN the cut-over applied WHEN Secret system-database is deleted and created again by hand with the old URL THEN the Secret rewrite is stale, naming the Secret', async () => {
    // GIVEN
    await m.applyForward(['cutover']);
    const admin = adminEndpoint(m.server());
    const path = await resourcePath(admin, { apiVersion: 'v1', kind: 'Secret', namespace: '3scale', name: 'system-database' });
    const live = (await apiRequestOk(admin, { method: 'GET', path })) as KubeObject;
    expect(((await apiRequestOk(admin, { method: 'GET', path: '/api/v1/namespaces/3scale/configmaps/threescale-migrate-evidence' })) as { data: Record<string, string> }).data['rewrite-connection-secrets.targets']).toContain(
      `Secret/3scale/system-database=${live.metadata.uid as string}`,
    );

    // WHEN
    await deleteObject(admin, path);
    await apiRequestOk(admin, { method: 'POST', path: '/api/v1/namespaces/3scale/secrets', body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'system-database', namespace: '3scale' }, type: live.type, data: live.data } });
    const { run, report } = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'cutover']);

    // THEN
    expect(run.code).toBe(1);
    expect(report.objects.find((o) => o.ref.kind === 'Job' && o.ref.name === 'rewrite-connection-secrets')).toMatchObject({
      verdict: 'job-stale',
      reason: expect.stringContaining('Secret 3scale/system-database was recreated after it ran'),
    });
    expect(statuses(report).cutover).toBe('drifted');
    expect(leakedInTranscript()).toEqual([]);
  });
});
