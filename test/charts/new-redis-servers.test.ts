/**
 * Specification of charts/constructs/new-redis-servers.ts, through the charts that set the state of the new
 * Redis servers: load-redis (1 replica, restore mode, old Redis stopped, AOF rewrite Jobs), persist (1
 * replica, persistence mode) and their rollbacks.
 */
import { describe, expect, test } from 'vitest';
import { redisConf, redisConfHash } from '../../charts/constructs/redis-config.js';
import * as loadRedis from '../../charts/load-redis-chart.js';
import * as loadRedisRollback from '../../charts/load-redis-rollback-chart.js';
import * as persist from '../../charts/persist-chart.js';
import * as persistRollback from '../../charts/persist-rollback-chart.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { examplePlanWith, find, loadExample } from '../support/plans.js';
import { renderChart } from '../support/charts.js';

const servers = (objects: KubeObject[]): Record<string, { replicas: number; hash: string }> =>
  Object.fromEntries(
    objects
      .filter((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('-redis-external'))
      .map((o: any) => [o.metadata.name, { replicas: o.spec.replicas, hash: o.spec.template.metadata.annotations['threescale-migrate.3scale.net/redis-config-sha256'] }]),
  );
const old = (objects: KubeObject[]) =>
  Object.fromEntries(objects.filter((o) => o.kind === 'Deployment' && !o.metadata.name.endsWith('-external')).map((o: any) => [o.metadata.name, o.spec.replicas]));

describe('new Redis servers', () => {
  test('load-redis: both new servers at 1 replica in restore mode, the old ones at 0, one AOF rewrite Job each', () => {
    // GIVEN
    const loaded = loadExample('redis-only');

    // WHEN
    const { objects } = renderChart(loadRedis, loaded, 'load-redis');

    // THEN
    const restore = redisConfHash('restore');
    expect(servers(objects)).toEqual({ 'backend-redis-external': { replicas: 1, hash: restore }, 'system-redis-external': { replicas: 1, hash: restore } });
    expect(old(objects)).toEqual({ 'backend-redis': 0, 'system-redis': 0 });
    expect(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual(['aof-rewrite-backend-redis', 'aof-rewrite-system-redis']);
    expect((find(objects, 'ConfigMap', 'redis-config-external') as any).data['redis.conf']).toBe(redisConf('restore'));
    expect(find(objects, 'Job', 'aof-rewrite-backend-redis').metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('1');
  });

  test('rollback of load-redis: the new servers at 0 and the old ones at 1', () => {
    // GIVEN
    const loaded = loadExample('redis-only');

    // WHEN
    const { objects } = renderChart(loadRedisRollback, loaded, 'load-redis', true);

    // THEN
    expect(Object.values(servers(objects)).map((s) => s.replicas)).toEqual([0, 0]);
    expect(old(objects)).toEqual({ 'backend-redis': 1, 'system-redis': 1 });
    expect(objects.filter((o) => o.kind === 'Job')).toEqual([]);
  });

  test('persist: the configuration switches to persistence and the pod templates carry its hash', () => {
    // GIVEN
    const loaded = loadExample('redis-only');

    // WHEN
    const { objects } = renderChart(persist, loaded, 'persist');

    // THEN
    const persistence = redisConfHash('persistence');
    expect(servers(objects)).toEqual({ 'backend-redis-external': { replicas: 1, hash: persistence }, 'system-redis-external': { replicas: 1, hash: persistence } });
    expect((find(objects, 'ConfigMap', 'redis-config-external') as any).data['redis.conf']).toBe(redisConf('persistence'));
    expect(objects.filter((o) => o.kind === 'Job')).toEqual([]);
  });

  test('rollback of persist: back to restore mode, still running', () => {
    // GIVEN
    const loaded = loadExample('redis-only');

    // WHEN
    const { objects } = renderChart(persistRollback, loaded, 'persist', true);

    // THEN
    const restore = redisConfHash('restore');
    expect(Object.values(servers(objects))).toEqual([
      { replicas: 1, hash: restore },
      { replicas: 1, hash: restore },
    ]);
  });

  test('renders only the roles that move, and one configuration per namespace', () => {
    // GIVEN
    const loaded = examplePlanWith('redis-only', (raw) => (raw.spec.backendRedis = { strategy: 'already-external' }));

    // WHEN
    const { objects } = renderChart(persist, loaded, 'persist');

    // THEN
    expect(Object.keys(servers(objects))).toEqual(['system-redis-external']);
    expect(objects.filter((o) => o.kind === 'ConfigMap').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['redis-dev/redis-config-external']);
  });
});
