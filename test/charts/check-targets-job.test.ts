/**
 * Specification of charts/jobs/check-targets-job.ts: the pre-connection check Jobs of managed targets,
 * rendered by prepare (reachability, no data yet) and by load-redis (the seeded Redis holds the old data).
 */
import { describe, expect, test } from 'vitest';
import * as loadRedisChart from '../../charts/load-redis-chart.js';
import * as prepareChart from '../../charts/prepare-chart.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { renderChart } from '../support/charts.js';
import { examplePlanWith, find, loadExample } from '../support/plans.js';

const envOf = (job: KubeObject) =>
  Object.fromEntries(((job as any).spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.value ?? e.valueFrom]));
const RDS = 'threescale-system.c9akciq32.eu-west-1.rds.amazonaws.com';
const CACHE = 'threescale-backend.x1y2z3.ng.0001.euw1.cache.amazonaws.com';

describe('checkTargetsJobs', () => {
  test('GIVEN the managed example WHEN prepare renders THEN the database is checked with the PostgreSQL client and the Redis with the Redis client, credentials by reference', () => {
    // GIVEN / WHEN
    const { objects } = renderChart(prepareChart, loadExample('managed-rds-and-elasticache'), 'prepare');
    // THEN
    const db = find(objects, 'Job', 'check-managed-database', '3scale') as any;
    expect(db.spec.template.spec.containers[0].image).toBe('registry.redhat.io/rhel9/postgresql-15');
    expect(db.spec.template.spec.containers[0].command).toEqual(['bash', '/opt/threescale-migrate/check-targets.sh']);
    expect(envOf(db)).toMatchObject({
      TARGETS: `system-database=postgresql://${RDS}:5432/system`,
      USER_SYSTEM_DATABASE: { secretKeyRef: { name: 'rds-system-credentials', key: 'username' } },
      PASSWORD_SYSTEM_DATABASE: { secretKeyRef: { name: 'rds-system-credentials', key: 'password' } },
    });
    const redis = find(objects, 'Job', 'check-managed-redis', '3scale') as any;
    expect(redis.spec.template.spec.containers[0].image).toBe('registry.redhat.io/rhel9/redis-7');
    expect(envOf(redis)).toMatchObject({ TARGETS: `backend-redis=redis://${CACHE}:6379`, REQUIRE_LIVENESS_KEY: 'false' });
    // AND after the credential copy (wave 0), in wave 1
    expect(db.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
    for (const o of objects) expect(validateManifest(o)).toEqual([]);
  });

  test('GIVEN the managed example WHEN load-redis renders THEN the seeded Redis must hold the liveness-probe key', () => {
    // GIVEN / WHEN
    const { objects } = renderChart(loadRedisChart, loadExample('managed-rds-and-elasticache'), 'load-redis');
    // THEN
    const check = find(objects, 'Job', 'check-seeded-redis', '3scale');
    expect(envOf(check)).toMatchObject({ TARGETS: `backend-redis=redis://${CACHE}:6379`, REQUIRE_LIVENESS_KEY: 'true' });
    expect(objects.filter((o) => o.kind === 'Job' && o.metadata.name === 'check-seeded-database')).toEqual([]);
  });

  test('GIVEN a managed Redis with an AUTH Secret and seed none WHEN rendered THEN prepare passes the password by reference and load-redis does not require the key', () => {
    // GIVEN
    const loaded = examplePlanWith('managed-rds-and-elasticache', (p) => {
      p.spec.systemRedis = { strategy: 'managed', managed: { host: '10.0.0.9', database: 2, seed: 'none', credentials: { secretName: 'redis-auth' } } };
    });
    // WHEN
    const prepare = renderChart(prepareChart, loaded, 'prepare').objects;
    const load = renderChart(loadRedisChart, loaded, 'load-redis').objects;
    // THEN
    expect(envOf(find(prepare, 'Job', 'check-managed-redis'))).toMatchObject({
      TARGETS: `backend-redis=redis://${CACHE}:6379 system-redis=redis://10.0.0.9:6379`,
      PASSWORD_SYSTEM_REDIS: { secretKeyRef: { name: 'redis-auth', key: 'password' } },
    });
    expect(envOf(find(load, 'Job', 'check-seeded-redis')).TARGETS).toBe(`backend-redis=redis://${CACHE}:6379`);
  });

  test('GIVEN a plan without managed targets WHEN prepare renders THEN there is no check Job', () => {
    const { objects } = renderChart(prepareChart, loadExample('postgresql-and-redis'), 'prepare');
    expect(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual(['copy-database-credentials']);
  });
});
