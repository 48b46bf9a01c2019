/**
 * Specification of charts/template-upgrade/remove-wildcard-router-chart.ts: one Job deletes what is left of
 * the 2.5 wildcard router.
 */
import { describe, expect, test } from 'vitest';
import * as removeWildcardRouter from '../../../charts/template-upgrade/remove-wildcard-router-chart.js';
import { renderChart } from '../../support/charts.js';
import { find, templateExample } from '../../support/plans.js';

describe('remove-wildcard-router chart', () => {
  test('GIVEN the example WHEN rendered THEN the Job deletes the Service, the ImageStream and the DeploymentConfig of the router, and may delete only those', () => {
    const { objects } = renderChart(removeWildcardRouter as never, templateExample() as never, 'remove-wildcard-router');
    const job = find(objects, 'Job', 'remove-wildcard-router') as any;
    expect(job.spec.template.spec.containers[0].env.find((e: any) => e.name === 'OBJECTS').value.split('\n')).toEqual([
      '3scale service/apicast-wildcard-router',
      '3scale imagestream.image.openshift.io/amp-wildcard-router',
      '3scale deploymentconfig.apps.openshift.io/apicast-wildcard-router',
    ]);
    const deletes = (find(objects, 'Role', 'remove-wildcard-router').rules as { resourceNames?: string[]; verbs: string[] }[]).filter((r) => r.verbs.includes('delete'));
    expect(deletes.flatMap((r) => r.resourceNames ?? ['(any)'])).toEqual(['apicast-wildcard-router', 'amp-wildcard-router', 'apicast-wildcard-router']);
  });
});
