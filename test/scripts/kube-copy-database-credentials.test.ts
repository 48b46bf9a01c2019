/**
 * Specification of charts/scripts/kube/copy-database-credentials.sh, run with bash and the real kubectl
 * against the fake API server holding the 3scale 2.15 PostgreSQL install, with the environment the prepare
 * phase renders for its Job (examples/postgresql-and-redis: 3scale → 3scale-db).
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { checkKubectl, EXAMPLE_PLANS, evidenceOf, renderedKubeJob, requestsOutsideRole, skipKubectlSuite, useKubeScriptSuite, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { leakedSecrets } from '../support/live-fixtures.js';

const kubectl = checkKubectl();

describe.skipIf(skipKubectlSuite(kubectl))('kube/copy-database-credentials.sh', () => {
  let job: RenderedKubeJob;
  const kube = useKubeScriptSuite(kubectl, 'postgresql', {
    clusterPerTest: ['3scale', '3scale-db'],
    setup: async () => {
      job = await renderedKubeJob(EXAMPLE_PLANS.postgresql, 'copy-database-credentials');
    },
  });

  const source = (): KubeObject => kube.cluster.api.store.get('v1', 'Secret', '3scale', 'system-database')!;
  const target = (): KubeObject | undefined => kube.cluster.api.store.get('v1', 'Secret', '3scale-db', 'system-database');

  it('is rendered to copy DB_USER and DB_PASSWORD of system-database from 3scale to 3scale-db', () => {
    // GIVEN the PostgreSQL example plan
    // WHEN the prepare phase renders the Job
    // THEN its environment names both namespaces, the Secret and the two keys
    expect(job).toMatchObject({
      namespace: '3scale',
      script: 'kube/copy-database-credentials.sh',
      env: { NAMESPACE: '3scale', SOURCE_NAMESPACE: '3scale', TARGET_NAMESPACE: '3scale-db', SECRET_NAME: 'system-database', KEYS: 'DB_USER DB_PASSWORD', EVIDENCE_STEP: 'copy-database-credentials' },
    });
  });

  it('creates the target Secret with exactly DB_USER and DB_PASSWORD, as the base64 the source holds', async () => {
    // GIVEN system-database in 3scale (DB_USER, DB_PASSWORD, URL) and nothing in 3scale-db
    expect(target()).toBeUndefined();
    // WHEN the Job runs
    const r = await kube.cluster.run(job);
    // THEN it succeeds and the target holds the two keys with the source's values, nothing else
    expect(r.stderr).toContain('copied keys DB_USER DB_PASSWORD of Secret 3scale/system-database to 3scale-db/system-database');
    expect(r.code).toBe(0);
    const src = source().data as Record<string, string>;
    const dst = target()!;
    expect(dst.data).toEqual({ DB_USER: src.DB_USER, DB_PASSWORD: src.DB_PASSWORD });
    expect(dst).toMatchObject({ type: 'Opaque', metadata: { labels: { 'app.kubernetes.io/managed-by': 'threescale-migrate' } } });
    // AND the source is untouched
    expect(source()).toEqual(kube.fixture.find((o) => o.kind === 'Secret' && o.metadata.name === 'system-database'));
    // AND the write was a server-side apply by the threescale-migrate field manager
    const apply = kube.cluster.api.requests.find((q) => q.method === 'PATCH' && q.path === '/api/v1/namespaces/3scale-db/secrets/system-database')!;
    expect(apply.contentType).toBe('application/apply-patch+yaml');
    expect(apply.query).toMatchObject({ fieldManager: 'threescale-migrate', force: 'true' });
  });

  it('records evidence in the Job namespace', async () => {
    // GIVEN a fresh cluster
    // WHEN the Job runs
    const r = await kube.cluster.run(job);
    // THEN the evidence ConfigMap in 3scale has the step's four keys
    expect(r.code).toBe(0);
    const evidence = evidenceOf(kube.cluster.api, '3scale', 'copy-database-credentials');
    expect(evidence).toEqual({
      'copy-database-credentials.phase': 'Succeeded',
      'copy-database-credentials.inputsChecksum': expect.stringMatching(/^[0-9a-f]{64}$/),
      'copy-database-credentials.finishedAt': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      'copy-database-credentials.result': 'copied DB_USER DB_PASSWORD of system-database to 3scale-db',
    });
  });

  it('is harmless to rerun: the target Secret is not changed and the run succeeds again', async () => {
    // GIVEN a first successful run
    expect((await kube.cluster.run(job)).code).toBe(0);
    const first = target()!;
    // WHEN the Job runs again
    const again = await kube.cluster.run(job);
    // THEN it succeeds and the target is the same object, not even a new resourceVersion
    expect(again.code).toBe(0);
    expect(target()!.data).toEqual(first.data);
    expect(target()!.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
  });

  it('fails with a clear message when the source Secret lacks a key, and creates nothing', async () => {
    // GIVEN a system-database without DB_PASSWORD
    const src = source();
    delete (src.data as Record<string, string>).DB_PASSWORD;
    kube.cluster.api.store.put(src);
    // WHEN the Job runs
    const r = await kube.cluster.run(job);
    // THEN it fails naming the Secret and the key, and writes no target Secret
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ERROR: Secret 3scale/system-database has no key DB_PASSWORD');
    expect(target()).toBeUndefined();
  });

  it('fails with a clear message when the source Secret does not exist', async () => {
    // GIVEN no system-database in 3scale
    kube.cluster.api.store.remove('v1', 'Secret', '3scale', 'system-database');
    // WHEN the Job runs
    const r = await kube.cluster.run(job);
    // THEN it fails naming the Secret
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ERROR: cannot read Secret 3scale/system-database');
    expect(target()).toBeUndefined();
  });

  it('prints no secret value, plain or base64, on stdout or stderr', async () => {
    // GIVEN the fixture's fake credentials
    // WHEN the Job runs twice and once more with a missing key
    const outputs = [await kube.cluster.run(job), await kube.cluster.run(job)];
    const src = source();
    delete (src.data as Record<string, string>).DB_USER;
    kube.cluster.api.store.put(src);
    outputs.push(await kube.cluster.run(job));
    // THEN none of the fixture's secret values appears in any output
    const text = outputs.map((o) => o.stdout + o.stderr).join('\n');
    expect(leakedSecrets(text)).toEqual([]);
    expect(outputs.map((o) => o.stdout)).toEqual(['', '', '']);
  });

  it('makes only requests the Role rendered for the Job allows', async () => {
    // GIVEN the Roles the chart binds to the Job's ServiceAccount
    // WHEN the Job runs twice
    expect((await kube.cluster.run(job)).code).toBe(0);
    expect((await kube.cluster.run(job)).code).toBe(0);
    // THEN every resource request was within them
    expect(requestsOutsideRole(kube.cluster.api.requests, job)).toEqual([]);
  });
});
