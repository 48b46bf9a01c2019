/**
 * Specification of charts/cutover-chart.ts: per plan, which connection Secrets the cut-over rewrites, which
 * APIManager flags it sets, whether it stops the old PostgreSQL, and whether it detaches MySQL.
 */
import { describe, expect, test } from 'vitest';
import * as cutover from '../../charts/cutover-chart.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { examplePlanWith, find, loadExample } from '../support/plans.js';
import { renderChart } from '../support/charts.js';

/** The Jobs of the cut-over itself, without the verify-copy Jobs before it (specified in their own test below). */
const jobs = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'Job' && !o.metadata.name.startsWith('verify-copy-')).map((o) => o.metadata.name);
const verifyJobs = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('verify-copy-'));
const envOf = (job: KubeObject): Record<string, unknown> =>
  Object.fromEntries(((job as any).spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.value ?? e.valueFrom]));
const scriptsOf = (objects: KubeObject[], job: KubeObject): string[] => {
  const volume = ((job as any).spec.template.spec.volumes as { configMap?: { name: string } }[]).find((v) => v.configMap)!;
  return Object.keys((objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap!.name) as any).data).sort();
};
const env = (job: KubeObject, name: string) => ((job as any).spec.template.spec.containers[0].env as { name: string; value?: string }[]).find((e) => e.name === name)?.value;
const wave = (o: KubeObject) => o.metadata.annotations?.['argocd.argoproj.io/sync-wave'];

describe('cutover chart', () => {
  test('GIVEN a PostgreSQL and Redis move WHEN the cut-over renders THEN before anything else (wave -1) a read-only Job per copy proves it again with the connections and evidence step of the copy', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(cutover, loaded, 'cutover');

    // THEN
    const verify = verifyJobs(objects);
    expect(verify.map((j) => `${j.metadata.namespace}/${j.metadata.name}`).sort()).toEqual(['3scale-db/verify-copy-backend-redis', '3scale-db/verify-copy-system-database', '3scale-db/verify-copy-system-redis']);
    expect(verify.map(wave)).toEqual(['-1', '-1', '-1']);
    const pg = find(objects, 'Job', 'verify-copy-system-database');
    expect((pg as any).spec.template.spec.containers[0].command).toEqual(['bash', '/opt/threescale-migrate/pg-verify-copy.sh']);
    expect(envOf(pg)).toMatchObject({ COPY_STEP: 'copy-system-database', SOURCE_PGHOST: 'system-postgresql.3scale.svc.cluster.local', TARGET_PGHOST: 'system-postgresql-service.3scale-db.svc.cluster.local' });
    expect(envOf(pg).TARGET_RESET).toBeUndefined();
    expect(scriptsOf(objects, pg)).toEqual(['lib.common.sh', 'lib.copy-manifest.sh', 'lib.evidence.sh', 'lib.pg-clients.sh', 'lib.pg-state.sh', 'pg-verify-copy.sh']);
    const redis = find(objects, 'Job', 'verify-copy-backend-redis');
    expect(envOf(redis)).toMatchObject({ COPY_STEP: 'copy-backend-redis', TARGET_REDIS_HOST: 'backend-redis-service.3scale-db.svc.cluster.local', SOURCE_REDIS_HOST: 'backend-redis.3scale.svc.cluster.local' });
    expect(scriptsOf(objects, redis)).toEqual(['lib.common.sh', 'lib.copy-manifest.sh', 'lib.evidence.sh', 'lib.redis-write-state.sh', 'redis-verify-copy.sh']);
    for (const job of verify) expect(validateManifest(job)).toEqual([]);
  });

  test('GIVEN MySQL kept in place and both Redis already external (nothing copied) WHEN the cut-over renders THEN no verify-copy Job', () => {
    // GIVEN
    const inPlace = examplePlanWith('mysql-in-place-and-redis', (p) => {
      p.spec.backendRedis = { strategy: 'already-external' };
      p.spec.systemRedis = { strategy: 'already-external' };
    });

    // WHEN
    const { objects } = renderChart(cutover, inPlace, 'cutover');

    // THEN
    expect(verifyJobs(objects)).toEqual([]);
  });

  test('for a PostgreSQL move: rewrites three Secrets, flags three components external and stops the old PostgreSQL', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects, files } = renderChart(cutover, loaded, 'cutover');

    // THEN
    expect(jobs(objects)).toEqual(['rewrite-connection-secrets']);
    const job = find(objects, 'Job', 'rewrite-connection-secrets');
    expect(wave(job)).toBe('0');
    expect(env(job, 'REWRITES')!.split('\n')).toEqual([
      'system-database URL postgresql://{DB_USER}:{DB_PASSWORD}@system-postgresql-service.3scale-db.svc.cluster.local/system',
      'backend-redis REDIS_STORAGE_URL redis://backend-redis-service.3scale-db.svc.cluster.local:6379/0',
      'backend-redis REDIS_QUEUES_URL redis://backend-redis-service.3scale-db.svc.cluster.local:6379/1',
      'system-redis URL redis://system-redis-service.3scale-db.svc.cluster.local:6379/1',
    ]);
    expect(find(objects, 'APIManager', 'apimanager').spec).toEqual({ externalComponents: { system: { database: true, redis: true }, backend: { redis: true } } });
    expect((find(objects, 'Deployment', 'system-postgresql', '3scale') as any).spec).toEqual({ replicas: 0, selector: { matchLabels: { deployment: 'system-postgresql' } } });
    expect(objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'detach-system-mysql-patches')).toEqual([]);
    expect(files).toEqual([]);
  });

  test('for MySQL kept in place: flags the database external, detaches MySQL with guarded patches, and leaves system-database alone', () => {
    // GIVEN
    const loaded = loadExample('mysql-in-place-and-redis');

    // WHEN
    const { objects, files } = renderChart(cutover, loaded, 'cutover');

    // THEN
    expect(jobs(objects).sort()).toEqual(['detach-system-mysql', 'rewrite-connection-secrets']);
    expect(wave(find(objects, 'Job', 'detach-system-mysql'))).toBe('2');
    expect(env(find(objects, 'Job', 'rewrite-connection-secrets'), 'REWRITES')).not.toContain('system-database');
    expect(find(objects, 'APIManager', '3scale').spec).toEqual({ externalComponents: { system: { database: true, redis: true }, backend: { redis: true } } });
    expect(objects.filter((o) => o.kind === 'Deployment')).toEqual([]);
    const patches = find(objects, 'ConfigMap', 'detach-system-mysql-patches') as any;
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(f.path.startsWith('patches/')).toBe(true);
      expect(patches.data[f.path.slice('patches/'.length)]).toBe(f.content);
    }
    expect(Object.keys(patches.data)).toHaveLength(files.length + 1);
  });

  test('for a redis-only plan: rewrites only the Redis Secrets and flags only the two Redis', () => {
    // GIVEN
    const loaded = loadExample('redis-only');

    // WHEN
    const { objects } = renderChart(cutover, loaded, 'cutover');

    // THEN
    expect(jobs(objects)).toEqual(['rewrite-connection-secrets']);
    expect(env(find(objects, 'Job', 'rewrite-connection-secrets'), 'REWRITES')!.split('\n').map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'backend-redis REDIS_STORAGE_URL',
      'backend-redis REDIS_QUEUES_URL',
      'system-redis URL',
    ]);
    expect(find(objects, 'APIManager', 'apimanager').spec).toEqual({ externalComponents: { system: { redis: true }, backend: { redis: true } } });
    expect(objects.filter((o) => o.kind === 'Deployment')).toEqual([]);
  });

  test('for MySQL kept in place with both Redis already external: no Secret rewrite, only the detach', () => {
    // GIVEN
    const loaded = examplePlanWith('mysql-in-place-and-redis', (raw) => {
      raw.spec.backendRedis = { strategy: 'already-external' };
      raw.spec.systemRedis = { strategy: 'already-external' };
    });

    // WHEN
    const { objects } = renderChart(cutover, loaded, 'cutover');

    // THEN
    expect(jobs(objects)).toEqual(['detach-system-mysql']);
    expect(find(objects, 'APIManager', '3scale').spec).toEqual({ externalComponents: { system: { database: true } } });
  });

  test('grants the rewrite Job rights on the rewritten Secrets and their backups only', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(cutover, loaded, 'cutover');

    // THEN
    const role = find(objects, 'Role', 'rewrite-connection-secrets') as any;
    expect(role.rules.slice(2)).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['backend-redis', 'system-database', 'system-redis', 'backend-redis-pre-migration', 'system-database-pre-migration', 'system-redis-pre-migration'],
        verbs: ['get', 'patch'],
      },
    ]);
  });

  test.each(['postgresql-and-redis', 'mysql-in-place-and-redis', 'redis-only'] as const)('renders objects that validate against their schemas (%s)', (name) => {
    // GIVEN
    const loaded = loadExample(name);

    // WHEN
    const { objects } = renderChart(cutover, loaded, 'cutover');

    // THEN
    const issues = objects.flatMap((o) => validateManifest(o, { partial: o.metadata.annotations?.['threescale-migrate.3scale.net/partial'] === 'true' }));
    expect(issues).toEqual([]);
  });
});

describe('externalFlags', () => {
  test('sets exactly the flags of the components the plan moves', () => {
    // GIVEN
    const pg = loadExample('postgresql-and-redis').plan;
    const redis = loadExample('redis-only').plan;

    // WHEN / THEN
    expect(cutover.externalFlags(pg, true)).toEqual({ systemDatabase: true, backendRedis: true, systemRedis: true });
    expect(cutover.externalFlags(redis, false)).toEqual({ systemDatabase: undefined, backendRedis: false, systemRedis: false });
  });
});
