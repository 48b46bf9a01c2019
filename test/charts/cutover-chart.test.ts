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

const jobs = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name);
const env = (job: KubeObject, name: string) => ((job as any).spec.template.spec.containers[0].env as { name: string; value?: string }[]).find((e) => e.name === name)?.value;
const wave = (o: KubeObject) => o.metadata.annotations?.['argocd.argoproj.io/sync-wave'];

describe('cutover chart', () => {
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
