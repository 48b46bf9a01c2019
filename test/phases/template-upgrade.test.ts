/**
 * Specification of src/procedures/template-2.5-to-2.6/template-upgrade.ts: the nine phases of the 2.5 to 2.6 template upgrade, when
 * each applies, what it says it changes, its rollback, and the wording of its maintenance window.
 */
import { describe, expect, test } from 'vitest';
import { plannedPhases } from '../../src/phases/registry.js';
import { templateUpgrade } from '../../src/procedures/template-2.5-to-2.6/template-upgrade.js';
import { templateExample } from '../support/plans.js';

const phase = (id: string) => templateUpgrade.phases.find((p) => p.id === id)!;

describe('templateUpgrade', () => {
  test('GIVEN the example WHEN planned THEN every phase applies, in the order of the vendor chapter, each with a rollback but the backup', () => {
    const { plan } = templateExample();
    const planned = plannedPhases(plan);
    expect(planned.map((p) => p.folder)).toEqual([
      '00-backup',
      '01-registry-auth',
      '02-new-objects',
      '03-redis-secret',
      '04-redis-env',
      '05-database-imagestreams',
      '06-images',
      '07-routes',
      '08-remove-wildcard-router',
    ]);
    expect(planned.filter((p) => !p.definition.rollback).map((p) => p.definition.id)).toEqual(['backup']);
    expect(planned.some((p) => p.definition.destructive)).toBe(false);
  });

  test('GIVEN an install that already has every 2.6 key, trigger and tag and no wildcard router WHEN planned THEN the phases with nothing to do are left out', () => {
    const { plan } = templateExample((raw) => {
      raw.spec.systemRedisSecretKeys = ['URL', 'MESSAGE_BUS_NAMESPACE', 'MESSAGE_BUS_URL', 'NAMESPACE', 'MESSAGE_BUS_SENTINEL_HOSTS', 'MESSAGE_BUS_SENTINEL_ROLE', 'SENTINEL_HOSTS', 'SENTINEL_ROLE'];
      raw.spec.wildcardRouterService = false;
      raw.spec.imageStreams = raw.spec.imageStreams.filter((i: any) => i.name !== 'amp-wildcard-router');
      raw.spec.deploymentConfigs = raw.spec.deploymentConfigs.filter((d: any) => d.name !== 'apicast-wildcard-router');
    });
    const ids = plannedPhases(plan).map((p) => p.definition.id);
    expect(ids).not.toContain('redis-secret');
    expect(ids).not.toContain('remove-wildcard-router');
    expect(ids).toContain('redis-env');
  });

  test('GIVEN the example WHEN each phase describes itself THEN the lines name the objects from the plan', () => {
    const { plan } = templateExample();
    expect(phase('backup').describe(plan)[0]).toMatch(/^Job backup-objects copies 29 objects \(deploymentconfig\/apicast-production, .*service\/apicast-wildcard-router\) into ConfigMaps threescale-migrate-backup-<resource>-<name>/);
    expect(phase('registry-auth').describe(plan)).toEqual([
      'ServiceAccount amp with imagePullSecrets threescale-registry-auth (the Secret itself is yours to create, by reference only)',
      'ClusterRoleBinding: cluster role view for 3scale:amp, as service discovery had for 3scale:default',
      'Job move-to-amp-service-account: serviceAccountName amp on 15 DeploymentConfigs (each rolls out again)',
    ]);
    expect(phase('redis-secret').describe(plan)[0]).toBe(
      'Job add-system-redis-keys adds, empty: MESSAGE_BUS_NAMESPACE, MESSAGE_BUS_URL, NAMESPACE, MESSAGE_BUS_SENTINEL_HOSTS, MESSAGE_BUS_SENTINEL_ROLE, SENTINEL_HOSTS, SENTINEL_ROLE (present keys keep their values)',
    );
    expect(phase('database-imagestreams').describe(plan)).toContain('Job delete-postgresql-imagestream deletes ImageStream postgresql, no longer used (kept in the backup)');
    expect(phase('routes').describe(plan)[0]).toBe(
      'Job set-deployment-options: service 2 of https://3scale-admin.apps.example.com to self_managed through the Account Management API (token from Secret threescale-admin-token)',
    );
  });

  test('GIVEN a route with its own certificate WHEN routes states what must hold THEN it asks to copy the certificate first', () => {
    const { plan } = templateExample((raw) => (raw.spec.routes.found.find((r: any) => r.name === 'system-developer').customCertificate = true));
    expect(phase('routes').expects(plan)).toContain('copy the certificates of Routes system-developer first: Zync creates its routes without them');
  });

  test('GIVEN the procedure WHEN its window is worded THEN 3scale is disrupted inside it, not stopped', () => {
    expect(templateUpgrade.windowWording?.labels['in-window']).toBe('inside (3scale runs, disrupted by rollouts)');
    expect(templateUpgrade.phases.map((p) => p.window)).toEqual(['before-window', 'opens-window', 'in-window', 'in-window', 'in-window', 'in-window', 'in-window', 'closes-window', 'after-window']);
  });

  test('GIVEN the phases that delete objects WHEN asked THEN they name them for diff', () => {
    const { plan } = templateExample();
    expect(phase('remove-wildcard-router').deletes!(plan).map((d) => `${d.kind}/${d.name}`)).toEqual(['Service/apicast-wildcard-router', 'ImageStream/amp-wildcard-router', 'DeploymentConfig/apicast-wildcard-router']);
    expect(phase('images').deletes).toBeUndefined();
  });
});
