/**
 * Specification of src/plan/deployments.ts: the twelve 3scale Deployments the migration scales down and up
 * (exact, without the duplicates of the vendor's brace lists), the order of the scale-up, and the internal
 * database Deployments that are handled per component.
 */
import { describe, expect, test } from 'vitest';
import { DEFAULT_OPERATOR_DEPLOYMENT, INTERNAL_DATABASE_DEPLOYMENTS, SCALE_UP_ORDER, THREESCALE_DEPLOYMENTS } from '../../src/plan/deployments.js';

describe('THREESCALE_DEPLOYMENTS', () => {
  test('is exactly the twelve 3scale 2.15 Deployments', () => {
    // GIVEN
    const expected = [
      'apicast-production',
      'apicast-staging',
      'backend-cron',
      'backend-listener',
      'backend-worker',
      'system-app',
      'system-memcache',
      'system-searchd',
      'system-sidekiq',
      'zync',
      'zync-database',
      'zync-que',
    ];

    // WHEN
    const actual = [...THREESCALE_DEPLOYMENTS].sort();

    // THEN
    expect(actual).toEqual(expected);
    expect(THREESCALE_DEPLOYMENTS).toHaveLength(12);
  });

  test('lists no Deployment twice (the vendor lists repeat system-memcache and zync-database)', () => {
    // GIVEN
    const list = THREESCALE_DEPLOYMENTS;

    // WHEN
    const unique = new Set(list);

    // THEN
    expect(unique.size).toBe(list.length);
  });

  test('leaves out the database Deployments, which keep running while their data is read', () => {
    // GIVEN
    const databases: string[] = Object.values(INTERNAL_DATABASE_DEPLOYMENTS);

    // WHEN
    const overlap = THREESCALE_DEPLOYMENTS.filter((d) => databases.includes(d));

    // THEN
    expect(overlap).toEqual([]);
    expect(databases.sort()).toEqual(['backend-redis', 'system-mysql', 'system-postgresql', 'system-redis']);
  });
});

describe('SCALE_UP_ORDER', () => {
  test('is a permutation of the twelve Deployments', () => {
    // GIVEN
    const order = SCALE_UP_ORDER;

    // WHEN
    const sorted = [...order].sort();

    // THEN
    expect(sorted).toEqual([...THREESCALE_DEPLOYMENTS].sort());
    expect(new Set(order).size).toBe(order.length);
  });

  test('starts the dependencies first and the gateways last, after System and Backend', () => {
    // GIVEN
    const at = (name: (typeof SCALE_UP_ORDER)[number]) => SCALE_UP_ORDER.indexOf(name);

    // WHEN
    const gateways = [at('apicast-staging'), at('apicast-production')];
    const others = SCALE_UP_ORDER.filter((d) => !d.startsWith('apicast-')).map(at);

    // THEN
    expect(SCALE_UP_ORDER.slice(0, 2)).toEqual(['system-memcache', 'zync-database']);
    expect(Math.min(...gateways)).toBeGreaterThan(Math.max(...others));
    expect(at('backend-listener')).toBeLessThan(at('system-app'));
  });
});

describe('DEFAULT_OPERATOR_DEPLOYMENT', () => {
  test('is the Deployment OLM installs for the 2.15 operator', () => {
    // GIVEN / WHEN
    const name = DEFAULT_OPERATOR_DEPLOYMENT;

    // THEN
    expect(name).toBe('threescale-operator-controller-manager-v2');
  });
});
