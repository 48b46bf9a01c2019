/**
 * Specification of charts/constructs/new-redis-servers.ts, through the charts that set the state of the new
 * Redis servers: load-redis (1 replica, straight in persistence mode, old Redis stopped, check Jobs) and
 * its rollback; prepare, which creates them at 0 replicas, is specified in prepare-chart.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { redisConf, redisConfHash } from '../../charts/constructs/redis-config.js';
import * as loadRedis from '../../charts/load-redis-chart.js';
import * as loadRedisRollback from '../../charts/load-redis-rollback-chart.js';
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
  test('load-redis: both new servers at 1 replica straight in persistence mode, the old ones at 0, one load check Job each reading the copy Job\'s evidence', () => {
    // GIVEN
    const loaded = loadExample('redis-only');

    // WHEN
    const { objects } = renderChart(loadRedis, loaded, 'load-redis');

    // THEN
    const persistence = redisConfHash();
    expect(servers(objects)).toEqual({ 'backend-redis-external': { replicas: 1, hash: persistence }, 'system-redis-external': { replicas: 1, hash: persistence } });
    expect(old(objects)).toEqual({ 'backend-redis': 0, 'system-redis': 0 });
    expect(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual(['check-load-backend-redis', 'check-load-system-redis']);
    expect((find(objects, 'ConfigMap', 'redis-config-external') as any).data['redis.conf']).toBe(redisConf());
    const check = find(objects, 'Job', 'check-load-backend-redis') as any;
    expect(check.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('1');
    expect(check.spec.template.spec.containers[0].env).toContainEqual({ name: 'COPY_STEP', value: 'copy-backend-redis' });
  });

  test('rollback of load-redis: the new servers at 0 (configuration unchanged, so no roll when they start again) and the old ones at 1', () => {
    // GIVEN
    const loaded = loadExample('redis-only');

    // WHEN
    const { objects } = renderChart(loadRedisRollback, loaded, 'load-redis', true);

    // THEN
    expect(Object.values(servers(objects))).toEqual([
      { replicas: 0, hash: redisConfHash() },
      { replicas: 0, hash: redisConfHash() },
    ]);
    expect(old(objects)).toEqual({ 'backend-redis': 1, 'system-redis': 1 });
    expect(objects.filter((o) => o.kind === 'Job')).toEqual([]);
  });

  test('renders only the roles that move, and one configuration per namespace', () => {
    // GIVEN
    const loaded = examplePlanWith('redis-only', (raw) => (raw.spec.backendRedis = { strategy: 'already-external' }));

    // WHEN
    const { objects } = renderChart(loadRedis, loaded, 'load-redis');

    // THEN
    expect(Object.keys(servers(objects))).toEqual(['system-redis-external']);
    expect(objects.filter((o) => o.kind === 'ConfigMap' && !o.metadata.name.endsWith('-scripts')).map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['redis-dev/redis-config-external']);
    expect(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual(['check-load-system-redis']);
  });
});
