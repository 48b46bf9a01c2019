/**
 * Specification of src/procedures/externalize-on-cluster/version-check-plan.ts: which version-check Jobs a plan runs in which stage,
 * which servers they measure and which ones only get recorded.
 */
import { describe, expect, test } from 'vitest';
import { replacedServers, requirementsEnv, versionCheckJobName, versionCheckJobs } from '../../src/procedures/externalize-on-cluster/version-check-plan.js';
import { examplePlanWith, loadExample } from '../support/plans.js';

describe('versionCheckJobs', () => {
  test('GIVEN a plan that replaces every server and upgrades WHEN both stages are planned THEN every server is measured and only recorded: diff holds the upgrade back, not a failed Job', () => {
    // GIVEN
    const { plan } = loadExample('postgresql-and-redis');

    // WHEN
    const current = versionCheckJobs(plan, 'current');
    const fresh = versionCheckJobs(plan, 'new');

    // THEN
    expect(current.map((j) => [j.name, j.servers, j.recordOnly])).toEqual([
      ['check-versions-system-database', ['system-database'], ['system-database']],
      ['check-versions-redis', ['backend-redis-storage', 'backend-redis-queues', 'system-redis'], ['backend-redis-storage', 'backend-redis-queues', 'system-redis']],
    ]);
    expect(fresh.map((j) => [j.name, j.recordOnly])).toEqual([
      ['check-new-versions-system-database', ['system-database']],
      ['check-new-versions-redis', ['backend-redis-storage', 'backend-redis-queues', 'system-redis']],
    ]);
  });

  test('GIVEN MySQL kept in place and the upgrade enabled WHEN the preflight stage is planned THEN MySQL gates at once: nothing in the plan replaces it', () => {
    // GIVEN
    const { plan } = examplePlanWith('mysql-in-place-and-redis', (raw) => (raw.spec.upgrade = { enabled: true, subscription: { installPlanApproval: 'Automatic' } }));

    // WHEN
    const [db] = versionCheckJobs(plan, 'current');

    // THEN
    expect(db).toMatchObject({ name: 'check-versions-system-database', image: 'registry.redhat.io/rhel9/mysql-80', recordOnly: [] });
    expect(replacedServers(plan)).toEqual(['backend-redis-storage', 'backend-redis-queues', 'system-redis']);
  });

  test('GIVEN the job names WHEN built THEN each stage and target has its own evidence step', () => {
    expect([versionCheckJobName('current', 'database'), versionCheckJobName('current', 'redis'), versionCheckJobName('new', 'database'), versionCheckJobName('new', 'redis')]).toEqual([
      'check-versions-system-database',
      'check-versions-redis',
      'check-new-versions-system-database',
      'check-new-versions-redis',
    ]);
  });
});

describe('requirementsEnv', () => {
  test('GIVEN the operator policy WHEN the script environment is built THEN it states that table', () => {
    // GIVEN
    const { plan } = examplePlanWith('redis-only', (raw) => (raw.spec.preflight = { versionRequirements: 'operator' }));

    // WHEN / THEN
    expect(requirementsEnv(plan)).toEqual([
      { name: 'REQUIREMENTS', value: 'operator' },
      { name: 'REQUIRED_POSTGRESQL', value: '13.0.0' },
      { name: 'REQUIRED_MYSQL', value: '8.0.0' },
      { name: 'REQUIRED_REDIS', value: '7.0.0' },
      { name: 'MARIADB_ACCEPTED', value: 'true' },
    ]);
  });
});

describe('servers moved to managed targets', () => {
  test('GIVEN the managed example WHEN its replaced servers are listed THEN the managed System database and Redis count as replaced', () => {
    // GIVEN
    const { plan } = loadExample('managed-rds-and-elasticache');

    // WHEN
    const replaced = replacedServers(plan);

    // THEN: PostgreSQL to RDS, backend Redis to ElastiCache, system Redis to a new on-cluster server
    expect(replaced).toEqual(['system-database', 'backend-redis-storage', 'backend-redis-queues', 'system-redis']);
  });
});
