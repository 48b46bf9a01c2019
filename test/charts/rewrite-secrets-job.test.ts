/**
 * Specification of charts/jobs/rewrite-secrets-job.ts: the new connection URLs of seed 3.2.7 and 3.4.8,
 * with credentials left as placeholders the Job fills in inside the cluster.
 */
import { describe, expect, test } from 'vitest';
import { rewrittenSecrets } from '../../charts/jobs/rewrite-secrets-job.js';
import { secretRewrites } from '../../src/procedures/externalize-on-cluster/cutover-switches.js';
import { examplePlanWith, loadExample } from '../support/plans.js';

describe('secretRewrites', () => {
  test('points system-database at the new PostgreSQL and the Redis Secrets at the new Redis, with the seed database numbers', () => {
    // GIVEN
    const { plan } = examplePlanWith('postgresql-and-redis', (raw) => {
      raw.spec.systemDatabase.databaseName = 'threescale';
      raw.spec.systemRedis = { namespace: 'redis-system' };
    });

    // WHEN
    const rewrites = secretRewrites(plan);

    // THEN
    expect(rewrites).toEqual([
      { secret: 'system-database', key: 'URL', template: 'postgresql://{DB_USER}:{DB_PASSWORD}@system-postgresql-service.3scale-db.svc.cluster.local/threescale' },
      { secret: 'backend-redis', key: 'REDIS_STORAGE_URL', template: 'redis://backend-redis-service.3scale-db.svc.cluster.local:6379/0' },
      { secret: 'backend-redis', key: 'REDIS_QUEUES_URL', template: 'redis://backend-redis-service.3scale-db.svc.cluster.local:6379/1' },
      { secret: 'system-redis', key: 'URL', template: 'redis://system-redis-service.redis-system.svc.cluster.local:6379/1' },
    ]);
  });

  test('never writes a credential: only {KEY} placeholders of the same Secret', () => {
    // GIVEN
    const { plan } = loadExample('postgresql-and-redis');

    // WHEN
    const templates = secretRewrites(plan).map((r) => r.template);

    // THEN
    for (const t of templates) expect(t.replace(/\{(DB_USER|DB_PASSWORD)\}/g, '')).not.toMatch(/[{}]/);
  });

  test('rewrites nothing for MySQL kept in place, which stays where system-database points', () => {
    // GIVEN
    const { plan } = examplePlanWith('mysql-in-place-and-redis', (raw) => {
      raw.spec.backendRedis = { strategy: 'already-external' };
      raw.spec.systemRedis = { strategy: 'already-external' };
    });

    // WHEN / THEN
    expect(secretRewrites(plan)).toEqual([]);
    expect(rewrittenSecrets(plan)).toEqual([]);
  });
});

describe('rewrittenSecrets', () => {
  test('names each rewritten Secret once, sorted', () => {
    // GIVEN
    const { plan } = loadExample('postgresql-and-redis');

    // WHEN / THEN
    expect(rewrittenSecrets(plan)).toEqual(['backend-redis', 'system-database', 'system-redis']);
  });
});
