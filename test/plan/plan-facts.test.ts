/**
 * Specification of src/plan/plan-facts.ts: the facts several phases derive from a plan (what moves, where
 * it goes, what the new objects are called), derived once so charts, plan view and diff agree.
 */
import { describe, expect, test } from 'vitest';
import {
  componentsLeftWithOperator,
  mysqlKeptInPlace,
  POSTGRESQL_NAMES,
  postgresqlMove,
  postgresqlNamespace,
  REDIS_CONFIG_NAME,
  REDIS_ROLES,
  redisComponent,
  redisMoves,
  redisNames,
  redisNamespace,
  serviceHost,
  targetNamespaces,
  upgradeChannel,
  upgradeEnabled,
  upgradeSubscriptions,
} from '../../src/plan/plan-facts.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { needsWindow } from '../../src/procedures/externalize-on-cluster/cutover-switches.js';
import { examplePlanWith, loadExample } from '../support/plans.js';

const external = { strategy: 'already-external' };

describe('postgresqlMove', () => {
  test('returns the PostgreSQL component when it moves to a new on-cluster server', () => {
    // GIVEN
    const { plan } = loadExample('postgresql-and-redis');

    // WHEN
    const pg = postgresqlMove(plan);

    // THEN
    expect(pg).toBe(plan.spec.systemDatabase);
    expect(pg?.strategy).toBe('upgrade-on-cluster');
  });

  test('returns undefined for an already external PostgreSQL and for MySQL', () => {
    // GIVEN
    const already = loadExample('redis-only').plan;
    const mysql = loadExample('mysql-in-place-and-redis').plan;

    // WHEN / THEN
    expect(postgresqlMove(already)).toBeUndefined();
    expect(postgresqlMove(mysql)).toBeUndefined();
  });
});

describe('mysqlKeptInPlace', () => {
  test('is true only for MySQL with the keep-in-place strategy', () => {
    // GIVEN
    const kept = loadExample('mysql-in-place-and-redis').plan;
    const externalMysql = examplePlanWith('mysql-in-place-and-redis', (raw) => (raw.spec.systemDatabase = { kind: 'mysql', strategy: 'already-external' })).plan;
    const pg = loadExample('postgresql-and-redis').plan;

    // WHEN / THEN
    expect(mysqlKeptInPlace(kept)).toBe(true);
    expect(mysqlKeptInPlace(externalMysql)).toBe(false);
    expect(mysqlKeptInPlace(pg)).toBe(false);
  });
});

describe('redisMoves', () => {
  test('lists the roles that move, backend before system', () => {
    // GIVEN
    const both = loadExample('postgresql-and-redis').plan;
    const systemOnly = examplePlanWith('postgresql-and-redis', (raw) => (raw.spec.backendRedis = external)).plan;
    const none = examplePlanWith('postgresql-and-redis', (raw) => {
      raw.spec.backendRedis = external;
      raw.spec.systemRedis = external;
    }).plan;

    // WHEN / THEN
    expect(REDIS_ROLES).toEqual(['backend', 'system']);
    expect(redisMoves(both)).toEqual(['backend', 'system']);
    expect(redisMoves(systemOnly)).toEqual(['system']);
    expect(redisMoves(none)).toEqual([]);
  });

  test('reads each role from its own component of the plan', () => {
    // GIVEN
    const { plan } = loadExample('redis-only');

    // WHEN / THEN
    expect(redisComponent(plan, 'backend')).toBe(plan.spec.backendRedis);
    expect(redisComponent(plan, 'system')).toBe(plan.spec.systemRedis);
  });
});

describe('needsWindow', () => {
  test('is true whenever a database moves or MySQL is detached, false when nothing changes', () => {
    // GIVEN
    const nothing = examplePlanWith('redis-only', (raw) => {
      raw.spec.backendRedis = external;
      raw.spec.systemRedis = external;
    }).plan;
    const mysqlOnly = examplePlanWith('mysql-in-place-and-redis', (raw) => {
      raw.spec.backendRedis = external;
      raw.spec.systemRedis = external;
    }).plan;

    // WHEN / THEN
    expect(needsWindow(loadExample('postgresql-and-redis').plan)).toBe(true);
    expect(needsWindow(loadExample('redis-only').plan)).toBe(true);
    expect(needsWindow(mysqlOnly)).toBe(true);
    expect(needsWindow(nothing)).toBe(false);
  });
});

describe('namespaces of the new servers', () => {
  test('default to spec.targets.namespace', () => {
    // GIVEN
    const { plan } = loadExample('postgresql-and-redis');

    // WHEN / THEN
    expect(postgresqlNamespace(plan, postgresqlMove(plan)!)).toBe('3scale-db');
    expect(redisNamespace(plan, 'backend')).toBe('3scale-db');
    expect(redisNamespace(plan, 'system')).toBe('3scale-db');
    expect(targetNamespaces(plan)).toEqual(['3scale-db']);
  });

  test('follow a component namespace, sorted and without duplicates', () => {
    // GIVEN
    const { plan } = examplePlanWith('postgresql-and-redis', (raw) => {
      raw.spec.systemDatabase.namespace = 'pg-db';
      raw.spec.backendRedis.namespace = 'z-redis';
      raw.spec.systemRedis = { namespace: 'a-redis' };
    });

    // WHEN
    const namespaces = targetNamespaces(plan);

    // THEN
    expect(postgresqlNamespace(plan, postgresqlMove(plan)!)).toBe('pg-db');
    expect(redisNamespace(plan, 'backend')).toBe('z-redis');
    expect(redisNamespace(plan, 'system')).toBe('a-redis');
    expect(namespaces).toEqual(['a-redis', 'pg-db', 'z-redis']);
  });

  test('leave out the components that do not move', () => {
    // GIVEN
    const mysql = loadExample('mysql-in-place-and-redis').plan;
    const nothing = examplePlanWith('redis-only', (raw) => {
      raw.spec.backendRedis = external;
      raw.spec.systemRedis = external;
    }).plan;

    // WHEN / THEN
    expect(targetNamespaces(mysql)).toEqual(['3scale']);
    expect(targetNamespaces(nothing)).toEqual([]);
  });
});

describe('object names', () => {
  test('of the new Redis servers are those of seed 3.4.5, and the old ones those of the operator', () => {
    // GIVEN / WHEN
    const backend = redisNames('backend');
    const system = redisNames('system');

    // THEN
    expect(backend).toEqual({
      deployment: 'backend-redis-external',
      serviceAccount: 'backend-redis-external',
      pvc: 'backend-redis-storage-external',
      service: 'backend-redis-service',
      volume: 'backend-redis-storage-external',
      app: 'backend-redis-external',
      oldDeployment: 'backend-redis',
      oldService: 'backend-redis',
      secret: 'backend-redis',
    });
    expect(system).toEqual({
      deployment: 'system-redis-external',
      serviceAccount: 'system-redis-external',
      pvc: 'system-redis-storage-external',
      service: 'system-redis-service',
      volume: 'system-redis-storage-external',
      app: 'system-redis-external',
      oldDeployment: 'system-redis',
      oldService: 'system-redis',
      secret: 'system-redis',
    });
    expect(REDIS_CONFIG_NAME).toBe('redis-config-external');
  });

  test('of the new PostgreSQL server are those of seed 3.2.5', () => {
    // GIVEN / WHEN
    const n = POSTGRESQL_NAMES;

    // THEN
    expect(n).toEqual({
      deployment: 'system-postgresql-external',
      serviceAccount: 'postgresql-db-external',
      pvc: 'postgresql-data-external',
      service: 'system-postgresql-service',
      volume: 'postgresql-data-external',
      app: 'system-postgresql-external',
      oldDeployment: 'system-postgresql',
      oldService: 'system-postgresql',
      credentialsSecret: 'system-database',
    });
  });
});

describe('serviceHost', () => {
  test('is the in-cluster DNS name of a Service', () => {
    // GIVEN / WHEN
    const host = serviceHost('backend-redis-service', 'redis-dev');

    // THEN
    expect(host).toBe('backend-redis-service.redis-dev.svc.cluster.local');
  });
});

describe('componentsLeftWithOperator', () => {
  test('is empty for every strategy of today: each one moves, detaches, or finds the component already external', () => {
    for (const [name, change] of [
      ['postgresql-and-redis', () => undefined],
      ['mysql-in-place-and-redis', () => undefined],
      ['redis-only', () => undefined],
      ['postgresql-and-redis', (raw: any) => (raw.spec.systemDatabase.strategy = 'already-external')],
      ['mysql-in-place-and-redis', (raw: any) => (raw.spec.systemDatabase = { kind: 'mysql', strategy: 'already-external' })],
      ['redis-only', (raw: any) => ((raw.spec.backendRedis = external), (raw.spec.systemRedis = external))],
    ] as const) {
      // GIVEN
      const { plan } = examplePlanWith(name, change);

      // WHEN
      const left = componentsLeftWithOperator(plan);

      // THEN
      expect(left, name).toEqual([]);
    }
  });

  test('counts a strategy it does not know as leaving the component with the operator, so a new strategy is never waved through', () => {
    // GIVEN a plan whose Redis and System database use strategies this version has not classified
    const { plan } = loadExample('postgresql-and-redis');
    const future = {
      ...plan,
      spec: {
        ...plan.spec,
        systemDatabase: { ...plan.spec.systemDatabase, strategy: 'keep-with-operator' },
        systemRedis: { ...plan.spec.systemRedis, strategy: 'keep-with-operator' },
      },
    } as unknown as Plan;

    // WHEN
    const left = componentsLeftWithOperator(future);

    // THEN
    expect(left).toEqual(['spec.systemDatabase', 'spec.systemRedis']);
  });
});

describe('the upgrade', () => {
  test('is enabled only by spec.upgrade.enabled: true', () => {
    // GIVEN
    const on = loadExample('postgresql-and-redis').plan;
    const off = examplePlanWith('postgresql-and-redis', (raw) => (raw.spec.upgrade.enabled = false)).plan;
    const absent = loadExample('redis-only').plan;

    // WHEN / THEN
    expect([upgradeEnabled(on), upgradeEnabled(off), upgradeEnabled(absent)]).toEqual([true, false, false]);
  });

  test('resolves the Subscriptions: the operator namespace by default, the 3scale operator first, then APIcast', () => {
    // GIVEN
    const { plan } = examplePlanWith('postgresql-and-redis', (raw) => {
      raw.spec.operator.namespace = 'operators';
      raw.spec.upgrade.apicast = { namespace: 'apicast', installPlanApproval: 'Automatic' };
    });

    // WHEN
    const subscriptions = upgradeSubscriptions(plan);

    // THEN
    expect(subscriptions).toEqual([
      { operator: '3scale', name: '3scale-operator', namespace: 'operators', package: '3scale-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', installPlanApproval: 'Manual' },
      { operator: 'apicast', name: 'apicast-operator', namespace: 'apicast', package: 'apicast-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', installPlanApproval: 'Automatic' },
    ]);
    expect(upgradeChannel(plan)).toBe('threescale-2.16');
  });

  test('has no Subscription without spec.upgrade', () => {
    // GIVEN
    const { plan } = loadExample('redis-only');

    // WHEN / THEN
    expect(upgradeSubscriptions(plan)).toEqual([]);
  });
});
