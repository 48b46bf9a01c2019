/**
 * Specification of the movers' `discover`: discovery asks every mover of a component whether the live state
 * is its own (the APIManager's flag, the connection Secret, the internal workloads), and writes what the one
 * that recognises it says; there is no central switch on strategies. Real exports of a PostgreSQL and a MySQL
 * install (test/fixtures/live) are the live state.
 */
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { readExport } from '../../src/live/export-file.js';
import { externalPostgresqlMover } from '../../src/procedures/externalize-on-cluster/database-movers/already-external-mover.js';
import { keepInPlaceMover } from '../../src/procedures/externalize-on-cluster/database-movers/keep-in-place-mover.js';
import { managedPostgresqlMover } from '../../src/procedures/externalize-on-cluster/database-movers/managed-mover.js';
import { onClusterPostgresqlMover } from '../../src/procedures/externalize-on-cluster/database-movers/on-cluster-postgresql-mover.js';
import { discoverPlan } from '../../src/procedures/externalize-on-cluster/discover-plan.js';
import { alreadyExternalMover } from '../../src/procedures/externalize-on-cluster/redis-movers/already-external-mover.js';
import { managedMover } from '../../src/procedures/externalize-on-cluster/redis-movers/managed-mover.js';
import { onClusterMover } from '../../src/procedures/externalize-on-cluster/redis-movers/on-cluster-mover.js';
import { sentinelMover } from '../../src/procedures/externalize-on-cluster/redis-movers/sentinel-mover.js';
import { LIVE_FIXTURES } from '../support/live-fixtures.js';

let postgresql: KubeObject[];
let mysql: KubeObject[];
beforeAll(async () => {
  [postgresql, mysql] = await Promise.all([readExport(LIVE_FIXTURES.postgresql), readExport(LIVE_FIXTURES.mysql)]);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const discover = (objects: readonly KubeObject[]) => discoverPlan({ namespace: '3scale', objects, sourceLabel: 'export.yaml' });

/** The objects with the APIManager's backend Redis marked external and its connection Secret naming sentinels. */
function backendBehindSentinels(objects: readonly KubeObject[]): KubeObject[] {
  return objects.map((o) => {
    if (o.kind === 'APIManager') return { ...o, spec: { ...(o.spec as object), externalComponents: { backend: { redis: true } } } };
    if (o.kind === 'Secret' && o.metadata.name === 'backend-redis') return { ...o, stringData: { REDIS_STORAGE_SENTINEL_HOSTS: 'redis://10.0.0.5:26379' } };
    return o;
  });
}

describe('discovery asks the movers', () => {
  test('GIVEN the PostgreSQL and the MySQL installs WHEN discovered THEN every mover of each component is asked and the one that recognises it writes the component', () => {
    // GIVEN
    const asked = [onClusterPostgresqlMover, keepInPlaceMover, managedPostgresqlMover, externalPostgresqlMover].map((m) => vi.spyOn(m, 'discover'));
    const askedRedis = [onClusterMover, managedMover, sentinelMover, alreadyExternalMover].map((m) => vi.spyOn(m, 'discover'));

    // WHEN
    const pg = discover(postgresql).plan.spec;
    const my = discover(mysql).plan.spec;

    // THEN
    expect(pg.systemDatabase).toMatchObject({ kind: 'postgresql', strategy: 'upgrade-on-cluster' });
    expect(my.systemDatabase).toMatchObject({ kind: 'mysql', strategy: 'keep-in-place' });
    expect(pg.backendRedis).toMatchObject({ strategy: 'upgrade-on-cluster' });
    for (const spy of asked) expect(spy).toHaveBeenCalledTimes(2);
    // Two installs, two roles each.
    for (const spy of askedRedis) expect(spy).toHaveBeenCalledTimes(4);
    expect(onClusterPostgresqlMover.discover).toHaveReturnedWith(expect.objectContaining({ component: expect.objectContaining({ strategy: 'upgrade-on-cluster' }) }));
  });

  test('GIVEN the on-cluster PostgreSQL mover answering otherwise WHEN discovered THEN the plan and its notes say what the mover says, with no other code changed', () => {
    // GIVEN
    vi.spyOn(onClusterPostgresqlMover, 'discover').mockImplementation((live) =>
      live.byName(live.workloadKind, 'system-postgresql') ? { component: { kind: 'postgresql', strategy: 'upgrade-on-cluster', storage: { size: '7Gi' } }, note: 'RECOGNISED BY THE CHANGED MOVER' } : undefined,
    );

    // WHEN
    const { plan, notes } = discover(postgresql);

    // THEN
    expect(plan.spec.systemDatabase).toEqual({ kind: 'postgresql', strategy: 'upgrade-on-cluster', storage: { size: '7Gi' } });
    expect(notes).toContain('RECOGNISED BY THE CHANGED MOVER');
  });

  test('GIVEN a managed mover that also claims the internal PostgreSQL WHEN discovered THEN discovery fails naming both strategies: the movers must split every live state between them', () => {
    // GIVEN
    vi.spyOn(managedPostgresqlMover, 'discover').mockReturnValue({ component: { kind: 'postgresql', strategy: 'managed' } as never, note: 'mine too' });

    // WHEN / THEN
    expect(() => discover(postgresql)).toThrow('discovery: the movers postgresql/upgrade-on-cluster, postgresql/managed all recognised the System database; exactly one must');
  });

  test('GIVEN no Redis mover recognising the backend Redis WHEN discovered THEN discovery fails saying so (a defect of the movers, not a user error)', () => {
    // GIVEN
    vi.spyOn(onClusterMover, 'discover').mockReturnValue(undefined);

    // WHEN / THEN
    expect(() => discover(postgresql)).toThrow('discovery: no mover recognised the backend Redis; exactly one must');
  });

  test('GIVEN an external backend Redis whose connection Secret names sentinels WHEN discovered THEN the sentinel mover recognises it (nothing moves: already-external) and the already-external mover does not', () => {
    // GIVEN
    const objects = backendBehindSentinels(postgresql);
    const sentinel = vi.spyOn(sentinelMover, 'discover');
    const external = vi.spyOn(alreadyExternalMover, 'discover');

    // WHEN
    const { plan, notes } = discover(objects);

    // THEN
    expect(plan.spec.backendRedis).toEqual({ strategy: 'already-external' });
    expect(sentinel.mock.results.map((r) => r.value as unknown)).toContainEqual(expect.objectContaining({ note: expect.stringContaining('behind Redis Sentinel') }));
    expect(external.mock.results.every((r) => r.value === undefined || (r.value as { note: string }).note.startsWith('system'))).toBe(true);
    expect(notes).toContain('backend Redis: already external (behind Redis Sentinel: the sentinel hosts of its connection Secret are set)');
  });
});
