/**
 * Specification of charts/scripts/kube/create-connection-secrets.sh (the databases phase of a fresh
 * install), run with bash and the built kubectl against the real API server of the tests, empty but for the
 * Job's access, with the SECRETS the databases chart renders for examples/fresh-install-rosa (PostgreSQL and
 * both Redis in 3scale-db, 3scale in 3scale), under a token of the ServiceAccount its chart renders.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { renderedKubeJob, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { freshInstallExamplePath } from '../support/plans.js';
import { useRealKubeScriptSuite } from '../support/real-api/index.js';

const NS = '3scale';
const DB_NS = '3scale-db';
const PG_HOST = 'system-postgresql-service.3scale-db.svc.cluster.local';

const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

describe('kube/create-connection-secrets.sh on the real API server, under the Job\'s ServiceAccount', () => {
  let job: RenderedKubeJob;
  const cluster = useRealKubeScriptSuite(undefined, [NS, DB_NS], () => [job], {
    setup: async () => {
      job = await renderedKubeJob(freshInstallExamplePath('fresh-install-rosa'), 'create-connection-secrets');
    },
  });

  const secret = (ns: string, name: string): Promise<KubeObject | undefined> => cluster().get('v1', 'Secret', ns, name);
  const decoded = async (ns: string, name: string): Promise<Record<string, string>> =>
    Object.fromEntries(Object.entries(((await secret(ns, name))?.data ?? {}) as Record<string, string>).map(([k, v]) => [k, unb64(v)]));
  const result = async (): Promise<string | undefined> => (await cluster().evidence(NS, 'create-connection-secrets'))['create-connection-secrets.result'];

  it('GIVEN the ROSA plan WHEN the databases phase renders the Job THEN it lists every key of the three Secrets and the credentials copy', () => {
    // GIVEN / WHEN / THEN
    expect(job.namespace).toBe(NS);
    expect(job.env.SECRETS!.split('\n')).toEqual([
      '3scale system-database DB_USER system',
      '3scale system-database DB_PASSWORD {PASSWORD}',
      `3scale system-database URL postgresql://system:{PASSWORD}@${PG_HOST}/system`,
      '3scale-db system-database DB_USER system',
      '3scale-db system-database DB_PASSWORD {PASSWORD}',
      '3scale backend-redis REDIS_STORAGE_URL redis://backend-redis-service.3scale-db.svc.cluster.local:6379/0',
      '3scale backend-redis REDIS_QUEUES_URL redis://backend-redis-service.3scale-db.svc.cluster.local:6379/1',
      '3scale system-redis URL redis://system-redis-service.3scale-db.svc.cluster.local:6379/1',
    ]);
  });

  it('GIVEN an empty cluster WHEN the Job runs THEN it creates the Secrets with one generated password shared by the URL and the server\'s copy, within its Role', async () => {
    // GIVEN no Secret
    expect(await secret(NS, 'system-database')).toBeUndefined();

    // WHEN
    const r = await cluster().run();

    // THEN
    expect(r.stderr).toContain('evidence recorded: create-connection-secrets Succeeded');
    expect(r.code).toBe(0);
    const db = await decoded(NS, 'system-database');
    expect(db.DB_USER).toBe('system');
    expect(db.DB_PASSWORD).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(db.URL).toBe(`postgresql://system:${db.DB_PASSWORD}@${PG_HOST}/system`);
    expect(await decoded(DB_NS, 'system-database')).toEqual({ DB_USER: 'system', DB_PASSWORD: db.DB_PASSWORD });
    expect(await decoded(NS, 'backend-redis')).toEqual({ REDIS_STORAGE_URL: 'redis://backend-redis-service.3scale-db.svc.cluster.local:6379/0', REDIS_QUEUES_URL: 'redis://backend-redis-service.3scale-db.svc.cluster.local:6379/1' });
    expect((await secret(NS, 'system-redis'))?.metadata.labels).toEqual({ app: '3scale-api-management', 'app.kubernetes.io/managed-by': 'threescale-migrate' });
    // AND the password never reached the log (the server's RBAC allowed every request of the run)
    expect(r.stderr).not.toContain(db.DB_PASSWORD);
    expect(await result()).toBe('wrote 8 key(s), kept 0 existing');
  });

  it('GIVEN the Job already ran WHEN it runs again THEN every key is kept, the password unchanged', async () => {
    // GIVEN
    expect((await cluster().run()).code).toBe(0);
    const first = await decoded(NS, 'system-database');

    // WHEN
    const r = await cluster().run();

    // THEN
    expect(r.code).toBe(0);
    expect(await decoded(NS, 'system-database')).toEqual(first);
    expect(await result()).toBe('wrote 0 key(s), kept 8 existing');
  });

  it('GIVEN system-database made by hand in 3scale without its copy WHEN the Job runs THEN the copy gets that password, and the given keys are kept', async () => {
    // GIVEN
    const pw = 'HandMadePw-0a7e';
    await cluster().put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'system-database', namespace: NS },
      type: 'Opaque',
      data: { DB_USER: Buffer.from('system').toString('base64'), DB_PASSWORD: Buffer.from(pw).toString('base64'), URL: Buffer.from(`postgresql://system:${pw}@${PG_HOST}/system`).toString('base64') },
    });

    // WHEN
    const r = await cluster().run();

    // THEN
    expect(r.code).toBe(0);
    expect((await decoded(DB_NS, 'system-database')).DB_PASSWORD).toBe(pw);
    expect((await decoded(NS, 'system-database')).URL).toBe(`postgresql://system:${pw}@${PG_HOST}/system`);
    expect(r.stderr).not.toContain(pw);
  });
});
