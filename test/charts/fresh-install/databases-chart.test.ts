/**
 * Specification of charts/fresh-install/databases-chart.ts: the on-cluster servers of a fresh install and
 * the Job that creates their connection Secrets.
 */
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { connectionSecretKeys, render } from '../../../charts/fresh-install/databases-chart.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { contextFor, find, loadFreshInstallExample, refs } from '../../support/plans.js';

describe('databases chart', () => {
  it('GIVEN the ROSA plan WHEN rendered THEN PostgreSQL and both Redis run at 1 replica in persistence mode, with no Secret in the output', () => {
    // GIVEN
    const loaded = loadFreshInstallExample('fresh-install-rosa');

    // WHEN
    const objects = render(new App(), 'databases', contextFor(loaded, 'databases')).toJson() as KubeObject[];

    // THEN
    expect(refs(objects).filter((r) => r.startsWith('Deployment'))).toEqual(['Deployment 3scale-db/system-postgresql-external', 'Deployment 3scale-db/backend-redis-external', 'Deployment 3scale-db/system-redis-external']);
    expect((find(objects, 'Deployment', 'backend-redis-external').spec as { replicas: number }).replicas).toBe(1);
    expect((find(objects, 'ConfigMap', 'redis-config-external').data as Record<string, string>)['redis.conf']).toContain('appendonly yes');
    expect(find(objects, 'PersistentVolumeClaim', 'postgresql-data-external').spec).toMatchObject({ storageClassName: 'gp3', accessModes: ['ReadWriteOnce'] });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(find(objects, 'Job', 'create-connection-secrets').metadata.namespace).toBe('3scale');
  });

  it('GIVEN the OpenShift plan with a managed System database WHEN its Secret keys are listed THEN only the Redis Secrets are generated', () => {
    // GIVEN / WHEN
    const keys = connectionSecretKeys(loadFreshInstallExample('fresh-install-openshift').plan);

    // THEN
    expect(keys).toEqual([
      'api-management backend-redis REDIS_STORAGE_URL redis://backend-redis-service.api-management.svc.cluster.local:6379/0',
      'api-management backend-redis REDIS_QUEUES_URL redis://backend-redis-service.api-management.svc.cluster.local:6379/1',
      'api-management system-redis URL redis://system-redis-service.api-management.svc.cluster.local:6379/1',
    ]);
  });
});
