/**
 * Specification of charts/template-upgrade/backup-chart.ts: one Job copies the objects the upgrade changes
 * into ConfigMaps (Secrets into Secrets) of the namespace, with a Role that reads exactly those objects.
 */
import { describe, expect, test } from 'vitest';
import * as backup from '../../../charts/template-upgrade/backup-chart.js';
import { validateManifests } from '../../../src/validate/validate-manifest.js';
import { renderChart } from '../../support/charts.js';
import { find, refs, templateExample } from '../../support/plans.js';

describe('backup chart', () => {
  test('GIVEN the example WHEN rendered THEN a backup Job with its ServiceAccount, Role and RoleBinding, and nothing else', () => {
    const { objects } = renderChart(backup as never, templateExample() as never, 'backup');
    expect(refs(objects).sort()).toEqual(['ConfigMap 3scale/backup-objects-scripts', 'Job 3scale/backup-objects', 'Role 3scale/backup-objects', 'RoleBinding 3scale/backup-objects', 'ServiceAccount 3scale/backup-objects']);
    expect(validateManifests(objects)).toEqual([]);
  });

  test('GIVEN the example WHEN rendered THEN the Role reads only the listed objects and their backup copies, and creates ConfigMaps and Secrets', () => {
    const { objects } = renderChart(backup as never, templateExample() as never, 'backup');
    const rules = find(objects, 'Role', 'backup-objects').rules as { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] }[];
    const dcs = rules.find((r) => r.resources[0] === 'deploymentconfigs')!;
    expect(dcs).toMatchObject({ apiGroups: ['apps.openshift.io'], verbs: ['get'] });
    expect(dcs.resourceNames).toHaveLength(15);
    const namesFor = (resource: string) => rules.filter((r) => r.resources.includes(resource) && r.verbs.includes('get')).flatMap((r) => r.resourceNames ?? []);
    expect(namesFor('secrets').sort()).toEqual(['system-redis', 'threescale-migrate-backup-secret-system-redis']);
    expect(namesFor('configmaps')).toContain('threescale-migrate-backup-deploymentconfig-system-app');
    expect(namesFor('configmaps')).not.toContain('threescale-migrate-backup-secret-system-redis');
    // Every rule not limited to names only creates (the backup copies, the evidence ConfigMap).
    expect(rules.filter((r) => !r.resourceNames).flatMap((r) => r.verbs)).toEqual(rules.filter((r) => !r.resourceNames).map(() => 'create'));
  });

  test('GIVEN the helpers WHEN asked THEN backup names carry the short resource', () => {
    expect(backup.backupName({ resource: 'deploymentconfig.apps.openshift.io', name: 'system-app' })).toBe('threescale-migrate-backup-deploymentconfig-system-app');
  });
});
