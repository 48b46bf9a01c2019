/**
 * Specification of charts/scripts/kube/restore-objects.sh, run with bash and the built kubectl against the real
 * API server of the tests (DeploymentConfigs, ImageStreams and Routes served by the stand-in CRDs) holding the
 * exported 3scale 2.5 template install, after the real backup Job copied it: the rollbacks of registry-auth
 * (DeploymentConfigs patched) and routes (Routes deleted) rendered for examples/template-2.5-to-2.6. Each Job
 * runs under a token of the ServiceAccount its chart renders, so the server's RBAC decides every request.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { EXAMPLE_PLANS, renderedKubeJob, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { leakedSecrets, loadLiveFixture } from '../support/live-fixtures.js';
import { useRealKubeScriptSuite } from '../support/real-api/index.js';

const DC = 'apps.openshift.io/v1';

describe('kube/restore-objects.sh on the real API server, under the Jobs\' ServiceAccounts', () => {
  let backup: RenderedKubeJob;
  let restoreRegistryAuth: RenderedKubeJob;
  let restoreRoutes: RenderedKubeJob;
  let restoreRedisSecret: RenderedKubeJob;
  let fixture: KubeObject[];
  const cluster = useRealKubeScriptSuite('template', ['3scale'], () => [backup, restoreRegistryAuth, restoreRoutes, restoreRedisSecret], {
    setup: async () => {
      [backup, restoreRegistryAuth, restoreRoutes, restoreRedisSecret] = await Promise.all(
        ['backup-objects', 'restore-registry-auth', 'restore-routes', 'restore-redis-secret'].map((name) => renderedKubeJob(EXAMPLE_PLANS.template, name)),
      );
      fixture = await loadLiveFixture('template');
    },
  });

  const get = async (apiVersion: string, kind: string, name: string) => (await cluster().get(apiVersion, kind, '3scale', name)) as (KubeObject & Record<string, any>) | undefined;
  const original = (kind: string, name: string) => fixture.find((o) => o.kind === kind && o.metadata.name === name) as KubeObject & Record<string, any>;
  const run = (job: RenderedKubeJob) => cluster().run({}, job);

  it('GIVEN the example plan WHEN the rollbacks render THEN registry-auth restores the DeploymentConfigs and routes the deleted Routes', () => {
    expect(restoreRegistryAuth).toMatchObject({ namespace: '3scale', script: 'kube/restore-objects.sh' });
    expect(restoreRegistryAuth.env.OBJECTS!.split('\n')).toHaveLength(15);
    expect(restoreRoutes.env.OBJECTS!.split('\n')).toEqual([
      'route.route.openshift.io system-master',
      'route.route.openshift.io system-provider-admin',
      'route.route.openshift.io system-developer',
      'route.route.openshift.io api-apicast-production',
      'route.route.openshift.io api-apicast-staging',
      'route.route.openshift.io apicast-wildcard-router',
    ]);
  });

  it('GIVEN a backup, then DeploymentConfigs moved to amp and the 2.5 routes deleted WHEN the two rollbacks run THEN the DeploymentConfigs are as before and the routes exist again, within their Roles', async () => {
    // GIVEN
    expect((await run(backup)).code).toBe(0);
    for (const dc of await cluster().list(DC, 'DeploymentConfig', '3scale')) {
      const moved = structuredClone(dc) as KubeObject & Record<string, any>;
      moved.spec.template.spec.serviceAccountName = 'amp';
      await cluster().put(moved);
    }
    for (const line of restoreRoutes.env.OBJECTS!.split('\n')) await cluster().remove('route.openshift.io/v1', 'Route', '3scale', line.split(' ')[1]!);

    // WHEN each rollback Job runs under its own ServiceAccount
    const dcs = await run(restoreRegistryAuth);
    const routes = await run(restoreRoutes);

    // THEN
    expect(dcs.code, dcs.stderr).toBe(0);
    expect(dcs.stderr).toContain('replaced 15 objects, recreated 0');
    for (const dc of await cluster().list(DC, 'DeploymentConfig', '3scale')) {
      expect((dc as Record<string, any>).spec, dc.metadata.name).toEqual(original('DeploymentConfig', dc.metadata.name).spec);
    }
    expect(routes.code, routes.stderr).toBe(0);
    expect(routes.stderr).toContain('replaced 0 objects, recreated 6');
    expect((await get('route.openshift.io/v1', 'Route', 'system-master'))!.spec).toEqual(original('Route', 'system-master').spec);
    expect((await get('route.openshift.io/v1', 'Route', 'apicast-wildcard-router'))!.spec.wildcardPolicy).toBe('Subdomain');
    expect((await cluster().evidence('3scale', 'restore-routes'))['restore-routes.phase']).toBe('Succeeded');
  });

  it('GIVEN a backup and keys added to Secret system-redis WHEN the rollback of redis-secret runs THEN the Secret holds its 2.5 keys and values again, never logged', async () => {
    // GIVEN
    expect((await run(backup)).code).toBe(0);
    const secret = structuredClone((await get('v1', 'Secret', 'system-redis'))!);
    secret.data = { ...secret.data, NAMESPACE: '', SENTINEL_HOSTS: '' };
    await cluster().put(secret);

    // WHEN
    const r = await run(restoreRedisSecret);

    // THEN
    expect(r.code, r.stderr).toBe(0);
    expect((await get('v1', 'Secret', 'system-redis'))!.data).toEqual(original('Secret', 'system-redis').data);
    expect(leakedSecrets(r.stdout + r.stderr)).toEqual([]);
  });

  it('GIVEN no backup WHEN a rollback runs THEN it stops naming the missing backup and changes nothing', async () => {
    // GIVEN
    const dc = structuredClone((await get(DC, 'DeploymentConfig', 'apicast-production'))!);
    dc.spec.template.spec.serviceAccountName = 'amp';
    await cluster().put(dc);

    // WHEN
    const r = await run(restoreRegistryAuth);

    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ERROR: no backup threescale-migrate-backup-deploymentconfig-apicast-production of deploymentconfig.apps.openshift.io/apicast-production in 3scale; expected the backup phase to have run');
    expect((await get(DC, 'DeploymentConfig', 'apicast-production'))!.spec.template.spec.serviceAccountName).toBe('amp');
  });
});
