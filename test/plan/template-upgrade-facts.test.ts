/**
 * Specification of src/procedures/template-2.5-to-2.6/template-upgrade-facts.ts: what the backup copies, which routes go, what the
 * wildcard router removal deletes, and what each rollback restores, all from what the plan records.
 */
import { describe, expect, test } from 'vitest';
import { backupObjects, deletedBy, restoredBy, routesToDelete, wildcardRouterObjects } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-facts.js';
import { templateExample } from '../support/plans.js';

const line = (l: { resource: string; name: string }) => `${l.resource} ${l.name}`;

describe('backupObjects', () => {
  test('GIVEN the example WHEN the backup is planned THEN it lists every DeploymentConfig, ImageStream and Route found, Secret system-redis and the wildcard router Service', () => {
    const lines = backupObjects(templateExample().plan).map(line);
    expect(lines).toHaveLength(15 + 6 + 1 + 6 + 1);
    expect(lines).toContain('deploymentconfig.apps.openshift.io system-app');
    expect(lines).toContain('imagestream.image.openshift.io postgresql');
    expect(lines).toContain('secret system-redis');
    expect(lines).toContain('route.route.openshift.io apicast-wildcard-router');
    expect(lines.at(-1)).toBe('service apicast-wildcard-router');
  });
});

describe('routesToDelete', () => {
  test('GIVEN the five default routes and a Subdomain wildcard route WHEN planned THEN all six go, defaults first', () => {
    expect(routesToDelete(templateExample().plan)).toEqual(['system-master', 'system-provider-admin', 'system-developer', 'api-apicast-production', 'api-apicast-staging', 'apicast-wildcard-router']);
  });

  test('GIVEN a wildcard route without the Subdomain policy and a route of a tenant WHEN planned THEN neither goes by default', () => {
    const { plan } = templateExample((raw) => {
      raw.spec.routes.found.find((r: any) => r.name === 'apicast-wildcard-router').wildcardPolicy = 'None';
      raw.spec.routes.found.push({ name: 'acme-admin', host: 'acme-admin.apps.example.com' });
    });
    expect(routesToDelete(plan)).not.toContain('apicast-wildcard-router');
    expect(routesToDelete(plan)).not.toContain('acme-admin');
  });

  test('GIVEN an explicit list WHEN planned THEN exactly that list goes', () => {
    expect(routesToDelete(templateExample((raw) => (raw.spec.routes.delete = ['system-master'])).plan)).toEqual(['system-master']);
  });
});

describe('wildcardRouterObjects and deletedBy', () => {
  test('GIVEN the wildcard router found WHEN its removal is planned THEN its Service, ImageStream and DeploymentConfig are deleted, as diff names them', () => {
    const { plan } = templateExample();
    expect(wildcardRouterObjects(plan).map(line)).toEqual(['service apicast-wildcard-router', 'imagestream.image.openshift.io amp-wildcard-router', 'deploymentconfig.apps.openshift.io apicast-wildcard-router']);
    expect(deletedBy(plan, 'remove-wildcard-router')).toEqual([
      { apiVersion: 'v1', kind: 'Service', name: 'apicast-wildcard-router' },
      { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', name: 'amp-wildcard-router' },
      { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', name: 'apicast-wildcard-router' },
    ]);
    expect(deletedBy(plan, 'database-imagestreams')).toEqual([{ apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', name: 'postgresql' }]);
    expect(deletedBy(plan, 'routes')).toHaveLength(6);
    expect(deletedBy(plan, 'images')).toEqual([]);
  });

  test('GIVEN an install without the wildcard router WHEN planned THEN nothing of it is deleted', () => {
    const { plan } = templateExample((raw) => {
      raw.spec.wildcardRouterService = false;
      raw.spec.imageStreams = raw.spec.imageStreams.filter((i: any) => i.name !== 'amp-wildcard-router');
      raw.spec.deploymentConfigs = raw.spec.deploymentConfigs.filter((d: any) => d.name !== 'apicast-wildcard-router');
    });
    expect(wildcardRouterObjects(plan)).toEqual([]);
  });
});

describe('restoredBy', () => {
  test('GIVEN each phase WHEN its rollback is planned THEN it restores what the phase patched or deleted, once each', () => {
    const { plan } = templateExample();
    expect(restoredBy(plan, 'registry-auth')).toHaveLength(15);
    expect(restoredBy(plan, 'redis-secret').map(line)).toEqual(['secret system-redis']);
    expect(restoredBy(plan, 'redis-env').map((l) => l.name)).toEqual(['system-app', 'system-sidekiq', 'system-sphinx', 'backend-worker', 'backend-cron']);
    expect(restoredBy(plan, 'database-imagestreams').map((l) => l.name)).toEqual(['backend-redis', 'system-redis', 'system-memcache', 'system-mysql', 'zync-database', 'postgresql']);
    expect(restoredBy(plan, 'images').map((l) => l.name)).toEqual(['amp-system', 'amp-apicast', 'amp-backend', 'amp-zync', 'system-app']);
    expect(restoredBy(plan, 'routes')).toHaveLength(6);
    expect(restoredBy(plan, 'backup')).toEqual([]);
  });
});
