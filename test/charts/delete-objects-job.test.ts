/**
 * Specification of charts/jobs/delete-objects-job.ts, through the two charts that use it: the rollback of
 * prepare (deletes the new, unused servers) and the destructive cleanup (deletes the old databases). The
 * Job may delete exactly the listed objects and nothing else.
 */
import { describe, expect, test } from 'vitest';
import * as cleanup from '../../charts/cleanup-chart.js';
import * as prepareRollback from '../../charts/prepare-rollback-chart.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { examplePlanWith, find, loadExample } from '../support/plans.js';
import { renderChart } from '../support/charts.js';

const objectsEnv = (objects: KubeObject[], job: string) =>
  ((find(objects, 'Job', job) as any).spec.template.spec.containers[0].env as { name: string; value: string }[]).find((e) => e.name === 'OBJECTS')!.value.split('\n');

describe('deleteObjectsJob', () => {
  test('in the rollback of prepare deletes exactly the objects prepare created (the credentials its Job copied beside the new PostgreSQL included), with delete rights on those names only', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(prepareRollback, loaded, 'prepare', true);

    // THEN
    expect(objectsEnv(objects, 'remove-new-databases')).toEqual([
      '3scale-db deployment/system-postgresql-external',
      '3scale-db service/system-postgresql-service',
      '3scale-db serviceaccount/postgresql-db-external',
      '3scale-db persistentvolumeclaim/postgresql-data-external',
      '3scale-db secret/system-database',
      '3scale-db deployment/backend-redis-external',
      '3scale-db service/backend-redis-service',
      '3scale-db serviceaccount/backend-redis-external',
      '3scale-db persistentvolumeclaim/backend-redis-storage-external',
      '3scale-db deployment/system-redis-external',
      '3scale-db service/system-redis-service',
      '3scale-db serviceaccount/system-redis-external',
      '3scale-db persistentvolumeclaim/system-redis-storage-external',
      '3scale-db configmap/redis-config-external',
    ]);
    const role = find(objects, 'Role', 'remove-new-databases-3scale', '3scale-db') as any;
    expect(role.rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['system-postgresql-external', 'backend-redis-external', 'system-redis-external'], verbs: ['get', 'delete'] },
      { apiGroups: [''], resources: ['services'], resourceNames: ['system-postgresql-service', 'backend-redis-service', 'system-redis-service'], verbs: ['get', 'delete'] },
      { apiGroups: [''], resources: ['serviceaccounts'], resourceNames: ['postgresql-db-external', 'backend-redis-external', 'system-redis-external'], verbs: ['get', 'delete'] },
      {
        apiGroups: [''],
        resources: ['persistentvolumeclaims'],
        resourceNames: ['postgresql-data-external', 'backend-redis-storage-external', 'system-redis-storage-external'],
        verbs: ['get', 'delete'],
      },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['system-database'], verbs: ['get', 'delete'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['redis-config-external'], verbs: ['get', 'delete'] },
    ]);
    expect((find(objects, 'Role', 'remove-new-databases', '3scale') as any).rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['threescale-migrate-evidence'], verbs: ['get', 'patch'] },
    ]);
  });

  test('in the rollback of prepare never lists an original database object', () => {
    // GIVEN
    const loaded = loadExample('mysql-in-place-and-redis');

    // WHEN
    const { objects } = renderChart(prepareRollback, loaded, 'prepare', true);

    // THEN
    const listed = objectsEnv(objects, 'remove-new-databases');
    for (const old of ['system-mysql', 'mysql-storage', 'backend-redis', 'system-redis', 'redis-config', 'system-postgresql']) {
      expect(listed.filter((l) => l.endsWith(`/${old}`))).toEqual([]);
    }
    expect(listed.every((l) => /-(external|service)$/.test(l))).toBe(true);
  });

  test('in the cleanup deletes the old databases of what moved, in the 3scale namespace, with rights on those names only', () => {
    // GIVEN
    const loaded = loadExample('redis-only');

    // WHEN
    const { objects } = renderChart(cleanup, loaded, 'cleanup');

    // THEN
    expect(objectsEnv(objects, 'delete-old-databases')).toEqual([
      '3scale-dev deployment/backend-redis',
      '3scale-dev persistentvolumeclaim/backend-redis-storage',
      '3scale-dev deployment/system-redis',
      '3scale-dev persistentvolumeclaim/system-redis-storage',
      '3scale-dev configmap/redis-config',
    ]);
    const role = find(objects, 'Role', 'delete-old-databases', '3scale-dev') as any;
    expect(role.rules.slice(2)).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['backend-redis', 'system-redis'], verbs: ['get', 'delete'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: ['backend-redis-storage', 'system-redis-storage'], verbs: ['get', 'delete'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['redis-config'], verbs: ['get', 'delete'] },
    ]);
  });

  test('in the cleanup keeps the shared old redis-config when only one Redis moved', () => {
    // GIVEN
    const loaded = examplePlanWith('redis-only', (raw) => (raw.spec.systemRedis = { strategy: 'already-external' }));

    // WHEN
    const { objects } = renderChart(cleanup, loaded, 'cleanup');

    // THEN
    expect(objectsEnv(objects, 'delete-old-databases')).toEqual(['3scale-dev deployment/backend-redis', '3scale-dev persistentvolumeclaim/backend-redis-storage']);
  });

  test('renders no Job at all when there is nothing to delete', () => {
    // GIVEN
    const loaded = examplePlanWith('mysql-in-place-and-redis', (raw) => {
      raw.spec.backendRedis = { strategy: 'already-external' };
      raw.spec.systemRedis = { strategy: 'already-external' };
    });

    // WHEN
    const { objects } = renderChart(cleanup, loaded, 'cleanup');

    // THEN
    expect(objects).toEqual([]);
  });

  test('renders objects that validate against the Kubernetes schemas', () => {
    // GIVEN
    const loaded = examplePlanWith('postgresql-and-redis', (raw) => (raw.spec.cleanup = { enabled: true }));

    // WHEN
    const objects = [...renderChart(cleanup, loaded, 'cleanup').objects, ...renderChart(prepareRollback, loaded, 'prepare', true).objects];

    // THEN
    expect(objects.flatMap((o) => validateManifest(o))).toEqual([]);
  });

  test('before 2.15 the cleanup deletes the old databases as DeploymentConfigs, with rights in apps.openshift.io', () => {
    // GIVEN the pre-2.15 example, cleanup enabled
    const loaded = loadExample('pre-2.15-deploymentconfigs');

    // WHEN
    const { objects } = renderChart(cleanup, loaded, 'cleanup');

    // THEN
    expect(objectsEnv(objects, 'delete-old-databases')).toEqual([
      '3scale deploymentconfig/system-postgresql',
      '3scale persistentvolumeclaim/postgresql-data',
      '3scale service/system-postgresql',
      '3scale deploymentconfig/backend-redis',
      '3scale persistentvolumeclaim/backend-redis-storage',
      '3scale deploymentconfig/system-redis',
      '3scale persistentvolumeclaim/system-redis-storage',
      '3scale configmap/redis-config',
    ]);
    const role = find(objects, 'Role', 'delete-old-databases', '3scale') as any;
    expect(role.rules).toContainEqual({ apiGroups: ['apps.openshift.io'], resources: ['deploymentconfigs'], resourceNames: ['system-postgresql', 'backend-redis', 'system-redis'], verbs: ['get', 'delete'] });
    expect(role.rules.flatMap((r: { resources: string[] }) => r.resources)).not.toContain('deployments');
    for (const o of objects) expect(validateManifest(o)).toEqual([]);
  });
});
