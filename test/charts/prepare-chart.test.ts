/**
 * Specification of charts/prepare-chart.ts: everything that can exist while 3scale still runs: the target
 * namespace when asked for, the new PostgreSQL (running, empty), the new Redis servers (0 replicas, persistence
 * mode) and their shared configuration, and the credentials copy when PostgreSQL lives elsewhere.
 */
import { describe, expect, test } from 'vitest';
import { redisConfHash } from '../../charts/constructs/redis-config.js';
import * as prepare from '../../charts/prepare-chart.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { examplePlanWith, find, loadExample, refs } from '../support/plans.js';
import { renderChart } from '../support/charts.js';

const replicasOf = (o: KubeObject) => (o as any).spec.replicas as number;

describe('prepare chart', () => {
  test('for a PostgreSQL and Redis move into a new namespace: the namespace, three servers, their configuration and the credentials copy', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(prepare, loaded, 'prepare');

    // THEN
    expect(refs(objects.filter((o) => o.kind !== 'ServiceAccount' && o.kind !== 'Role' && o.kind !== 'RoleBinding')).sort()).toEqual(
      [
        'Namespace /3scale-db',
        'Deployment 3scale-db/system-postgresql-external',
        'PersistentVolumeClaim 3scale-db/postgresql-data-external',
        'Service 3scale-db/system-postgresql-service',
        'Deployment 3scale-db/backend-redis-external',
        'PersistentVolumeClaim 3scale-db/backend-redis-storage-external',
        'Service 3scale-db/backend-redis-service',
        'Deployment 3scale-db/system-redis-external',
        'PersistentVolumeClaim 3scale-db/system-redis-storage-external',
        'Service 3scale-db/system-redis-service',
        'ConfigMap 3scale-db/redis-config-external',
        'ConfigMap 3scale/copy-database-credentials-scripts',
        'Job 3scale/copy-database-credentials',
      ].sort(),
    );
    expect(find(objects, 'Namespace', '3scale-db').metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    });
  });

  test('starts the new PostgreSQL empty, and keeps the new Redis at 0 replicas, already in persistence mode, until their data is copied', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(prepare, loaded, 'prepare');

    // THEN
    expect(replicasOf(find(objects, 'Deployment', 'system-postgresql-external'))).toBe(1);
    for (const name of ['backend-redis-external', 'system-redis-external']) {
      const d = find(objects, 'Deployment', name) as any;
      expect(d.spec.replicas).toBe(0);
      expect(d.spec.template.metadata.annotations['threescale-migrate.3scale.net/redis-config-sha256']).toBe(redisConfHash());
    }
    expect((find(objects, 'ConfigMap', 'redis-config-external') as any).data['redis.conf']).toContain('appendonly yes');
  });

  test('lets the credentials Job read system-database in the 3scale namespace and write only that Secret in the target', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(prepare, loaded, 'prepare');

    // THEN
    const source = find(objects, 'Role', 'copy-database-credentials', '3scale') as any;
    const target = find(objects, 'Role', 'copy-database-credentials-3scale', '3scale-db') as any;
    expect(source.rules.slice(2)).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['system-database'], verbs: ['get'] }]);
    expect(target.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['system-database'], verbs: ['get', 'patch'] },
    ]);
  });

  test('renders no Namespace unless spec.targets.createNamespace, and never the 3scale namespace itself', () => {
    // GIVEN
    const plans = [loadExample('redis-only'), examplePlanWith('mysql-in-place-and-redis', (raw) => (raw.spec.targets.createNamespace = true))];

    for (const loaded of plans) {
      // WHEN
      const { objects } = renderChart(prepare, loaded, 'prepare');

      // THEN
      expect(objects.filter((o) => o.kind === 'Namespace')).toEqual([]);
    }
  });

  test('copies no credentials when PostgreSQL moves into the 3scale namespace', () => {
    // GIVEN
    const loaded = examplePlanWith('postgresql-and-redis', (raw) => (raw.spec.systemDatabase.namespace = '3scale'));

    // WHEN
    const { objects } = renderChart(prepare, loaded, 'prepare');

    // THEN
    expect(objects.filter((o) => o.kind === 'Job')).toEqual([]);
    expect(find(objects, 'Deployment', 'system-postgresql-external').metadata.namespace).toBe('3scale');
  });

  test('renders one Redis configuration per namespace when the two Redis live apart', () => {
    // GIVEN
    const loaded = examplePlanWith('redis-only', (raw) => (raw.spec.systemRedis.namespace = 'redis-system'));

    // WHEN
    const { objects } = renderChart(prepare, loaded, 'prepare');

    // THEN
    expect(refs(objects.filter((o) => o.kind === 'ConfigMap'))).toEqual(['ConfigMap redis-dev/redis-config-external', 'ConfigMap redis-system/redis-config-external']);
  });

  test('renders nothing secret and only objects that validate against the Kubernetes schemas', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(prepare, loaded, 'prepare');

    // THEN
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(objects.flatMap((o) => validateManifest(o))).toEqual([]);
  });
});
