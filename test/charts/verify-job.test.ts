/**
 * Specification of charts/jobs/verify-job.ts: read-only checks after the scale-up, one Job per client
 * image: the System database 3scale now reads (when the migration touched it) and each new Redis.
 */
import { describe, expect, test } from 'vitest';
import * as verifyChart from '../../charts/verify-chart.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { examplePlanWith, find, loadExample } from '../support/plans.js';
import { renderChart } from '../support/charts.js';

const envOf = (job: KubeObject) =>
  Object.fromEntries(
    ((job as any).spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.value ?? e.valueFrom]),
  );
/** The verify Jobs of the chart (the verify chart also renders the version checks, specified in version-check-jobs.test.ts). */
const jobs = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('verify-')).map((o) => o.metadata.name);

describe('verifyJobs', () => {
  test('checks the new PostgreSQL with the PostgreSQL 15 client and each new Redis with the Redis 7 client', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(verifyChart, loaded, 'verify');

    // THEN
    expect(jobs(objects)).toEqual(['verify-system-database', 'verify-redis']);
    const db = find(objects, 'Job', 'verify-system-database') as any;
    expect(db.metadata.namespace).toBe('3scale');
    expect(db.spec.template.spec.containers[0].image).toBe('registry.redhat.io/rhel9/postgresql-15');
    expect(envOf(db)).toMatchObject({
      DB_KIND: 'postgresql',
      DB_HOST: 'system-postgresql-service.3scale-db.svc.cluster.local',
      DB_NAME: 'system',
      DB_USER: { secretKeyRef: { name: 'system-database', key: 'DB_USER' } },
      DB_PASSWORD: { secretKeyRef: { name: 'system-database', key: 'DB_PASSWORD' } },
    });
    const redis = find(objects, 'Job', 'verify-redis') as any;
    expect(redis.spec.template.spec.containers[0].image).toBe('registry.redhat.io/rhel9/redis-7');
    expect(envOf(redis)).toMatchObject({
      DB_KIND: 'none',
      REDIS_ENDPOINTS: 'backend-redis=backend-redis-service.3scale-db.svc.cluster.local:6379 system-redis=system-redis-service.3scale-db.svc.cluster.local:6379',
    });
  });

  test('checks MySQL kept in place where it is, with the MySQL client', () => {
    // GIVEN
    const loaded = loadExample('mysql-in-place-and-redis');

    // WHEN
    const { objects } = renderChart(verifyChart, loaded, 'verify');

    // THEN
    const db = find(objects, 'Job', 'verify-system-database') as any;
    expect(db.spec.template.spec.containers[0].image).toBe('registry.redhat.io/rhel9/mysql-80');
    expect(envOf(db)).toMatchObject({ DB_KIND: 'mysql', DB_HOST: 'system-mysql.3scale.svc.cluster.local', DB_NAME: 'system' });
  });

  test('does not check a System database the migration did not touch (already external PostgreSQL or MySQL)', () => {
    // GIVEN
    const plans = [
      loadExample('redis-only'),
      examplePlanWith('mysql-in-place-and-redis', (raw) => (raw.spec.systemDatabase = { kind: 'mysql', strategy: 'already-external' })),
    ];

    for (const loaded of plans) {
      // WHEN
      const { objects } = renderChart(verifyChart, loaded, 'verify');

      // THEN
      expect(jobs(objects), loaded.plan.spec.systemDatabase.kind).toEqual(['verify-redis']);
    }
  });

  test('checks only the Redis that moved', () => {
    // GIVEN
    const loaded = examplePlanWith('redis-only', (raw) => (raw.spec.backendRedis = { strategy: 'already-external' }));

    // WHEN
    const { objects } = renderChart(verifyChart, loaded, 'verify');

    // THEN
    expect(envOf(find(objects, 'Job', 'verify-redis')).REDIS_ENDPOINTS).toBe('system-redis=system-redis-service.redis-dev.svc.cluster.local:6379');
  });

  test('only reads: its Roles grant nothing but the evidence ConfigMap', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const roles = renderChart(verifyChart, loaded, 'verify').objects.filter((o) => o.kind === 'Role' && o.metadata.name.startsWith('verify-')) as any[];

    // THEN
    expect(roles).toHaveLength(2);
    for (const r of roles) {
      expect(r.rules).toEqual([
        { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
        { apiGroups: [''], resources: ['configmaps'], resourceNames: ['threescale-migrate-evidence'], verbs: ['get', 'patch'] },
      ]);
    }
  });

  test('renders objects that validate against the Kubernetes schemas', () => {
    // GIVEN
    const loaded = loadExample('mysql-in-place-and-redis');

    // WHEN
    const issues = renderChart(verifyChart, loaded, 'verify').objects.flatMap((o) => validateManifest(o));

    // THEN
    expect(issues).toEqual([]);
  });
});
