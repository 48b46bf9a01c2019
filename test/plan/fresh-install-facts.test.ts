/**
 * Specification of the facts derived from a FreshInstallPlan (src/procedures/fresh-install/fresh-install-facts.ts) that the
 * phases, the validation and the preflight share.
 */
import { describe, expect, it } from 'vitest';
import { installNamespaces, ownsSystemStorage, plannedImages, plannedVolumes, registryOf, routeHosts } from '../../src/procedures/fresh-install/fresh-install-facts.js';
import { freshInstallPlanWith, loadFreshInstallExample } from '../support/plans.js';

const rosa = loadFreshInstallExample('fresh-install-rosa').plan;
const ocp = loadFreshInstallExample('fresh-install-openshift').plan;

describe('fresh-install facts', () => {
  it('GIVEN the ROSA plan WHEN its Route hosts are derived THEN they are the six of the field report\'s `oc get routes`', () => {
    // GIVEN / WHEN / THEN
    expect(routeHosts(rosa).map((r) => r.host.replace('.apps.rosa-prod.x7k2.p1.openshiftapps.com', ''))).toEqual([
      'backend-3scale',
      '3scale-admin',
      '3scale',
      'master',
      'api-3scale-apicast-staging',
      'api-3scale-apicast-production',
    ]);
    expect(routeHosts(ocp)[1]).toEqual({ route: 'admin portal', host: 'acme-admin.apps.ocp.example.internal' });
  });

  it('GIVEN the ROSA plan WHEN its volumes are listed THEN each names its class (the default gp3 when none is given) and no system-storage (S3)', () => {
    // GIVEN / WHEN / THEN
    expect(plannedVolumes(rosa)).toEqual([
      { field: 'spec.databases.system.storage', claim: 'postgresql-data-external', namespace: '3scale-db', storageClassName: 'gp3', accessMode: 'ReadWriteOnce', size: '10Gi' },
      { field: 'spec.databases.backendRedis.storage', claim: 'backend-redis-storage-external', namespace: '3scale-db', storageClassName: 'gp3', accessMode: 'ReadWriteOnce', size: '1Gi' },
      { field: 'spec.databases.systemRedis.storage', claim: 'system-redis-storage-external', namespace: '3scale-db', storageClassName: 'gp3', accessMode: 'ReadWriteOnce', size: '1Gi' },
    ]);
    expect(ownsSystemStorage(rosa)).toBe(false);
    expect(installNamespaces(rosa)).toEqual(['3scale', '3scale-db']);
  });

  it('GIVEN file storage on ReadWriteOnce WHEN asked who creates system-storage THEN it is this tool; with ReadWriteMany the operator', () => {
    // GIVEN
    const rwo = freshInstallPlanWith('fresh-install-rosa', (raw) => (raw.spec.fileStorage = { kind: 'pvc', accessMode: 'ReadWriteOnce' })).plan;

    // WHEN / THEN
    expect(ownsSystemStorage(rwo)).toBe(true);
    expect(ownsSystemStorage(ocp)).toBe(false);
  });

  it('GIVEN the OpenShift plan WHEN its images are listed THEN every one is on the mirror, sorted by field', () => {
    // GIVEN / WHEN
    const images = plannedImages(ocp);

    // THEN
    expect(images.map((i) => i.field)).toEqual([
      'spec.databases.backendRedis.image',
      'spec.databases.systemRedis.image',
      'spec.images.components.apicast',
      'spec.images.components.backend',
      'spec.images.components.system',
      'spec.images.components.zync',
      'spec.jobs.kubectlImage',
    ]);
    expect(new Set(images.map((i) => registryOf(i.image)))).toEqual(new Set(['mirror.example.internal:5000']));
  });
});
