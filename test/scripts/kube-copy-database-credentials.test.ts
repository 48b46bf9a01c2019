/**
 * Specification of charts/scripts/kube/copy-database-credentials.sh, run with bash and the built kubectl
 * against the real API server of the tests holding the 3scale 2.15 PostgreSQL install, with the environment the
 * prepare phase renders for its Job (examples/postgresql-and-redis: 3scale → 3scale-db), under a token of the
 * ServiceAccount its chart renders: the server's RBAC decides every request as on a cluster.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { EXAMPLE_PLANS, renderedKubeJob, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { leakedSecrets } from '../support/live-fixtures.js';
import { useRealKubeScriptSuite } from '../support/real-api/index.js';

describe('kube/copy-database-credentials.sh on the real API server, under the Job\'s ServiceAccount', () => {
  let job: RenderedKubeJob;
  const cluster = useRealKubeScriptSuite('postgresql', ['3scale', '3scale-db'], () => [job], {
    setup: async () => {
      job = await renderedKubeJob(EXAMPLE_PLANS.postgresql, 'copy-database-credentials');
    },
  });

  const source = async (): Promise<KubeObject> => (await cluster().get('v1', 'Secret', '3scale', 'system-database'))!;
  const target = (): Promise<KubeObject | undefined> => cluster().get('v1', 'Secret', '3scale-db', 'system-database');
  /** The source Secret without `key`, as a person or another tool would leave it. */
  const dropSourceKey = async (key: string): Promise<void> => {
    const src = structuredClone(await source());
    delete (src.data as Record<string, string>)[key];
    await cluster().put(src);
  };

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
    expect(await target()).toBeUndefined();
    const before = (await source()).metadata.resourceVersion;
    // WHEN the Job runs
    const r = await cluster().run();
    // THEN it succeeds and the target holds the two keys with the source's values, nothing else
    expect(r.stderr).toContain('copied keys DB_USER DB_PASSWORD of Secret 3scale/system-database to 3scale-db/system-database');
    expect(r.code).toBe(0);
    const src = (await source()).data as Record<string, string>;
    const dst = (await target())!;
    expect(dst.data).toEqual({ DB_USER: src.DB_USER, DB_PASSWORD: src.DB_PASSWORD });
    expect(dst).toMatchObject({ type: 'Opaque', metadata: { labels: { 'app.kubernetes.io/managed-by': 'threescale-migrate' } } });
    // AND the source is untouched
    expect((await source()).metadata.resourceVersion).toBe(before);
    // AND the write was a server-side apply by the threescale-migrate field manager
    const managers = (dst.metadata.managedFields as { manager: string; operation: string }[]).map((f) => `${f.manager} ${f.operation}`);
    expect(managers).toEqual(['threescale-migrate Apply']);
  });

  it('records evidence in the Job namespace', async () => {
    // GIVEN a fresh cluster
    // WHEN the Job runs
    const r = await cluster().run();
    // THEN the evidence ConfigMap in 3scale has the step's four keys
    expect(r.code).toBe(0);
    const evidence = await cluster().evidence('3scale', 'copy-database-credentials');
    expect(evidence).toEqual({
      'copy-database-credentials.phase': 'Succeeded',
      'copy-database-credentials.inputsChecksum': expect.stringMatching(/^[0-9a-f]{64}$/),
      'copy-database-credentials.finishedAt': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      'copy-database-credentials.result': 'copied DB_USER DB_PASSWORD of system-database to 3scale-db',
    });
  });

  it('is harmless to rerun: the target Secret is not changed and the run succeeds again', async () => {
    // GIVEN a first successful run
    expect((await cluster().run()).code).toBe(0);
    const first = (await target())!;
    // WHEN the Job runs again
    const again = await cluster().run();
    // THEN it succeeds and the target is the same object, not even a new resourceVersion
    expect(again.code).toBe(0);
    expect((await target())!.data).toEqual(first.data);
    expect((await target())!.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
  });

  it('fails with a clear message when the source Secret lacks a key, and creates nothing', async () => {
    // GIVEN a system-database without DB_PASSWORD
    await dropSourceKey('DB_PASSWORD');
    // WHEN the Job runs
    const r = await cluster().run();
    // THEN it fails naming the Secret and the key, and writes no target Secret
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ERROR: Secret 3scale/system-database has no key DB_PASSWORD');
    expect(await target()).toBeUndefined();
  });

  it('fails with a clear message when the source Secret does not exist', async () => {
    // GIVEN no system-database in 3scale
    await cluster().remove('v1', 'Secret', '3scale', 'system-database');
    // WHEN the Job runs
    const r = await cluster().run();
    // THEN it fails naming the Secret
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ERROR: cannot read Secret 3scale/system-database');
    expect(await target()).toBeUndefined();
  });

  it('prints no secret value, plain or base64, on stdout or stderr', async () => {
    // GIVEN the fixture's fake credentials
    // WHEN the Job runs twice and once more with a missing key
    const outputs = [await cluster().run(), await cluster().run()];
    await dropSourceKey('DB_USER');
    outputs.push(await cluster().run());
    // THEN none of the fixture's secret values appears in any output
    const text = outputs.map((o) => o.stdout + o.stderr).join('\n');
    expect(leakedSecrets(text)).toEqual([]);
    expect(outputs.map((o) => o.stdout)).toEqual(['', '', '']);
  });

  it('fails where the server refuses what its Role lacks (writing Secrets in the target namespace), and creates nothing', async () => {
    // GIVEN the Job's Role in 3scale-db without its rules
    const role = structuredClone(job.access.find((o) => o.kind === 'Role' && o.metadata.namespace === '3scale-db')!) as KubeObject & { rules: unknown[] };
    await cluster().remove(role.apiVersion, 'Role', '3scale-db', role.metadata.name);
    // WHEN the Job runs
    const r = await cluster().run();
    // THEN the server refuses the write and the script fails without claiming success
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/forbidden/i);
    expect(await target()).toBeUndefined();
    expect(await cluster().evidence('3scale', 'copy-database-credentials')).toEqual({});
  });
});
