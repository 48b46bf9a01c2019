/**
 * Specification of charts/upgrade-rollback-chart.ts: the Subscriptions follow the 2.15 channel again. OLM does
 * not downgrade an installed CSV, so this only stops an upgrade that is still pending.
 */
import { describe, expect, test } from 'vitest';
import * as rollback from '../../charts/upgrade-rollback-chart.js';
import { externalizeOnCluster } from '../../src/procedures/externalize-on-cluster/externalize-on-cluster.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { renderChart } from '../support/charts.js';
import { examplePlanWith, find, loadExample, refs } from '../support/plans.js';

describe('upgrade rollback chart', () => {
  test('puts the channel back to threescale-2.15, everything else as in the forward phase', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(rollback, loaded, 'upgrade', true);

    // THEN
    expect(refs(objects)).toEqual(['Subscription 3scale/3scale-operator']);
    const subscription = find(objects, 'Subscription', '3scale-operator');
    expect(subscription.spec).toEqual({
      name: '3scale-operator',
      source: 'redhat-operators',
      sourceNamespace: 'openshift-marketplace',
      channel: 'threescale-2.15',
      installPlanApproval: 'Manual',
    });
    expect(subscription.metadata.annotations?.['threescale-migrate.3scale.net/phase']).toBe('rollback-upgrade');
    expect(subscription.metadata.annotations?.['threescale-migrate.3scale.net/partial']).toBe('true');
  });

  test('puts the APIcast operator back too when the plan moved it', () => {
    // GIVEN
    const loaded = examplePlanWith('postgresql-and-redis', (raw) => (raw.spec.upgrade.apicast = { installPlanApproval: 'Manual' }));

    // WHEN
    const { objects } = renderChart(rollback, loaded, 'upgrade', true);

    // THEN
    expect(refs(objects)).toEqual(['Subscription 3scale/3scale-operator', 'Subscription 3scale/apicast-operator']);
    for (const o of objects) expect((o.spec as { channel: string }).channel).toBe('threescale-2.15');
  });

  test('its description says plainly that OLM does not downgrade and that a completed upgrade cannot be rolled back by channel', () => {
    // GIVEN
    const { plan } = loadExample('postgresql-and-redis');
    const definition = externalizeOnCluster.phases.find((p) => p.id === 'upgrade')!.rollback!;

    // WHEN
    const text = definition.describe(plan).join('\n');

    // THEN
    expect(text).toContain('OLM does not downgrade an installed CSV');
    expect(text).toContain('only stops an upgrade that is still pending (with Manual approval, an InstallPlan not approved yet)');
    expect(text).toContain('a completed 2.16 upgrade cannot be rolled back by channel');
  });

  test('renders objects that validate against the Subscription CRD', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(rollback, loaded, 'upgrade', true);

    // THEN
    for (const o of objects) expect(validateManifest(o, { partial: true })).toEqual([]);
  });
});
