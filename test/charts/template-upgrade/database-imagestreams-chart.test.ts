/**
 * Specification of charts/template-upgrade/database-imagestreams-chart.ts: the trigger patches of the
 * database DeploymentConfigs, then the deletion of the 2.5 postgresql ImageStream when it is there.
 */
import { describe, expect, test } from 'vitest';
import * as databaseImageStreams from '../../../charts/template-upgrade/database-imagestreams-chart.js';
import { renderChart } from '../../support/charts.js';
import { find, templateExample } from '../../support/plans.js';

describe('database-imagestreams chart', () => {
  test('GIVEN the example WHEN rendered THEN one patch step per database DeploymentConfig and the postgresql stream deleted after', () => {
    const { objects, files } = renderChart(databaseImageStreams as never, templateExample() as never, 'database-imagestreams');
    expect(files.map((f) => f.path).filter((p) => p.startsWith('patches/'))).toEqual([
      'patches/01-deploymentconfig-backend-redis-image-trigger.json',
      'patches/02-deploymentconfig-system-redis-image-trigger.json',
      'patches/03-deploymentconfig-system-memcache-image-trigger.json',
      'patches/04-deploymentconfig-system-mysql-image-trigger.json',
      'patches/05-deploymentconfig-zync-database-image-trigger.json',
    ]);
    const zyncDb = JSON.parse(files.find((f) => f.path.includes('zync-database'))!.content) as { op: string; path: string }[];
    expect(zyncDb.filter((o) => o.op !== 'test')).toEqual([{ op: 'replace', path: '/spec/triggers/1/imageChangeParams/from', value: { kind: 'ImageStreamTag', name: 'zync-database-postgresql:latest' } }]);
    const del = find(objects, 'Job', 'delete-postgresql-imagestream') as any;
    expect(del.spec.template.spec.containers[0].env).toContainEqual({ name: 'OBJECTS', value: '3scale imagestream.image.openshift.io/postgresql' });
  });

  test('GIVEN no postgresql ImageStream WHEN rendered THEN nothing is deleted', () => {
    const loaded = templateExample((raw) => (raw.spec.imageStreams = raw.spec.imageStreams.filter((i: any) => i.name !== 'postgresql')));
    expect(renderChart(databaseImageStreams as never, loaded as never, 'database-imagestreams').objects.filter((o) => o.kind === 'Job').map((j) => j.metadata.name)).toEqual(['trigger-database-imagestreams']);
  });
});
