/**
 * Specification of charts/template-upgrade/new-objects-rollback-chart.ts: the rollback of new-objects
 * deletes exactly what that phase created.
 */
import { describe, expect, test } from 'vitest';
import * as newObjects from '../../../charts/template-upgrade/new-objects-chart.js';
import * as rollback from '../../../charts/template-upgrade/new-objects-rollback-chart.js';
import { renderChart } from '../../support/charts.js';
import { find, templateExample } from '../../support/plans.js';

describe('new-objects rollback chart', () => {
  test('GIVEN the example WHEN the rollback is rendered THEN its Job deletes every object new-objects renders, and nothing else', () => {
    const created = renderChart(newObjects as never, templateExample() as never, 'new-objects').objects.map((o) => `${o.kind} ${o.metadata.name}`).sort();
    const { objects } = renderChart(rollback as never, templateExample() as never, 'new-objects', true);
    const lines = ((find(objects, 'Job', 'remove-2-6-objects') as any).spec.template.spec.containers[0].env.find((e: any) => e.name === 'OBJECTS').value as string).split('\n');
    const KIND: Record<string, string> = { deploymentconfig: 'DeploymentConfig', rolebinding: 'RoleBinding', role: 'Role', serviceaccount: 'ServiceAccount', imagestream: 'ImageStream' };
    expect(lines.map((l) => l.split(' ')[1]!.split('/')).map(([r, n]) => `${KIND[r!.split('.')[0]!]} ${n}`).sort()).toEqual(created);
  });
});
