/**
 * Specification of charts/template-upgrade/new-objects-chart.ts: the objects 2.6 adds, as its template
 * creates them with the parameters discovery found.
 */
import { describe, expect, test } from 'vitest';
import * as newObjects from '../../../charts/template-upgrade/new-objects-chart.js';
import { validateManifests } from '../../../src/validate/validate-manifest.js';
import { renderChart } from '../../support/charts.js';
import { find, refs, templateExample } from '../../support/plans.js';

describe('new-objects chart', () => {
  test('GIVEN the example WHEN rendered THEN five database ImageStreams and zync-que with its account, Role and RoleBinding, valid against their schemas', () => {
    const { objects } = renderChart(newObjects as never, templateExample() as never, 'new-objects');
    expect(refs(objects).sort()).toEqual([
      'DeploymentConfig 3scale/zync-que',
      'ImageStream 3scale/backend-redis',
      'ImageStream 3scale/system-memcached',
      'ImageStream 3scale/system-mysql',
      'ImageStream 3scale/system-redis',
      'ImageStream 3scale/zync-database-postgresql',
      'Role 3scale/zync-que-role',
      'RoleBinding 3scale/zync-que-rolebinding',
      'ServiceAccount 3scale/zync-que-sa',
    ]);
    expect(validateManifests(objects)).toEqual([]);
  });

  test('GIVEN an insecure import policy and another MySQL image WHEN rendered THEN the system-mysql stream follows them, latest pointing at 2.6', () => {
    const loaded = templateExample((raw) => {
      raw.spec.threescale.importInsecure = true;
      raw.spec.images = { mysql: 'mirror.example.com/rhscl/mysql-57-rhel7:5.7' };
    });
    const stream = find(renderChart(newObjects as never, loaded as never, 'new-objects').objects, 'ImageStream', 'system-mysql') as any;
    expect(stream.spec.tags.map((t: any) => [t.name, t.from.kind, t.from.name, t.importPolicy.insecure])).toEqual([
      ['2.6', 'DockerImage', 'mirror.example.com/rhscl/mysql-57-rhel7:5.7', true],
      ['latest', 'ImageStreamTag', '2.6', true],
    ]);
    expect(stream.metadata.labels).toMatchObject({ app: '3scale-api-management', threescale_component: 'system', threescale_component_element: 'mysql' });
  });

  test('GIVEN the example WHEN rendered THEN zync-que reads its secrets by reference and follows amp-zync:latest', () => {
    const dc = find(renderChart(newObjects as never, templateExample() as never, 'new-objects').objects, 'DeploymentConfig', 'zync-que') as any;
    const container = dc.spec.template.spec.containers[0];
    expect(container.env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.valueFrom.secretKeyRef)).toEqual([
      { name: 'zync', key: 'DATABASE_URL' },
      { name: 'zync', key: 'SECRET_KEY_BASE' },
      { name: 'zync', key: 'ZYNC_AUTHENTICATION_TOKEN' },
    ]);
    expect(dc.spec.triggers[1].imageChangeParams.from).toEqual({ kind: 'ImageStreamTag', name: 'amp-zync:latest' });
    expect(dc.spec.template.spec.serviceAccountName).toBe('zync-que-sa');
  });
});
