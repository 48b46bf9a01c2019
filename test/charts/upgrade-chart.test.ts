/**
 * Specification of charts/upgrade-chart.ts: with `spec.upgrade.enabled`, the 3scale operator's Subscription
 * (and the APIcast operator's, when the plan names it) follows the 2.16 channel, everything else as found.
 */
import { describe, expect, test } from 'vitest';
import * as upgrade from '../../charts/upgrade-chart.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { renderChart } from '../support/charts.js';
import { examplePlanWith, find, loadExample, refs } from '../support/plans.js';

describe('upgrade chart', () => {
  test('for the example: one partial Subscription of the 3scale operator on threescale-2.16, Manual approval kept', () => {
    // GIVEN the PostgreSQL example, which enables the upgrade with Manual approval
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects, files } = renderChart(upgrade, loaded, 'upgrade');

    // THEN
    expect(refs(objects)).toEqual(['Subscription 3scale/3scale-operator']);
    const subscription = find(objects, 'Subscription', '3scale-operator', '3scale');
    expect(subscription.apiVersion).toBe('operators.coreos.com/v1alpha1');
    expect(subscription.spec).toEqual({
      name: '3scale-operator',
      source: 'redhat-operators',
      sourceNamespace: 'openshift-marketplace',
      channel: 'threescale-2.16',
      installPlanApproval: 'Manual',
    });
    expect(subscription.metadata.annotations).toMatchObject({
      'threescale-migrate.3scale.net/partial': 'true',
      'threescale-migrate.3scale.net/phase': 'upgrade',
      'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false,ServerSideApply=true',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    });
    expect(files).toEqual([]);
  });

  test('with the APIcast operator: its Subscription too, in its own namespace, with its own catalog and approval', () => {
    // GIVEN an operator namespace of its own, a custom catalog for APIcast, Automatic approval there
    const loaded = examplePlanWith('redis-only', (raw) => {
      raw.spec.operator.namespace = 'threescale-operators';
      raw.spec.upgrade = {
        enabled: true,
        channel: 'threescale-2.16',
        subscription: { name: 'threescale', installPlanApproval: 'Automatic' },
        apicast: { namespace: 'apicast-gw', source: 'mirror-operators', sourceNamespace: 'mirror', installPlanApproval: 'Automatic' },
      };
    });

    // WHEN
    const { objects } = renderChart(upgrade, loaded, 'upgrade');

    // THEN
    expect(refs(objects)).toEqual(['Subscription threescale-operators/threescale', 'Subscription apicast-gw/apicast-operator']);
    expect(find(objects, 'Subscription', 'threescale').spec).toMatchObject({ name: '3scale-operator', channel: 'threescale-2.16', installPlanApproval: 'Automatic' });
    expect(find(objects, 'Subscription', 'apicast-operator').spec).toEqual({
      name: 'apicast-operator',
      source: 'mirror-operators',
      sourceNamespace: 'mirror',
      channel: 'threescale-2.16',
      installPlanApproval: 'Automatic',
    });
  });

  test('renders objects that validate against the Subscription CRD', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(upgrade, loaded, 'upgrade');

    // THEN
    for (const o of objects) expect(validateManifest(o, { partial: true })).toEqual([]);
  });
});
