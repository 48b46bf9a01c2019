/**
 * Specification of charts/constructs/subscription-overlay.ts: a partial OLM Subscription carrying the channel
 * and, as found live, the package, catalog source and approval mode, applied with server-side apply and never
 * pruned or deleted.
 */
import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { SubscriptionOverlay } from '../../charts/constructs/subscription-overlay.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { OperatorSubscription } from '../../src/plan/plan-facts.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';

const found: OperatorSubscription = {
  operator: '3scale',
  name: 'threescale',
  namespace: '3scale-operator',
  package: '3scale-operator',
  source: 'redhat-operators',
  sourceNamespace: 'openshift-marketplace',
  installPlanApproval: 'Manual',
};

function render(subscription: OperatorSubscription, channel = 'threescale-2.16'): KubeObject[] {
  const chart = Testing.chart();
  new SubscriptionOverlay(chart, 'Overlay', { subscription, channel, phaseId: 'upgrade' });
  return chart.toJson() as KubeObject[];
}

describe('SubscriptionOverlay', () => {
  test('carries the channel, the identifying fields and the approval mode as found, with the annotations of a partial object', () => {
    // GIVEN a Subscription whose object name differs from its package
    // WHEN
    const objects = render(found);

    // THEN
    expect(objects).toEqual([
      {
        apiVersion: 'operators.coreos.com/v1alpha1',
        kind: 'Subscription',
        metadata: {
          name: 'threescale',
          namespace: '3scale-operator',
          annotations: {
            'threescale-migrate.3scale.net/partial': 'true',
            'threescale-migrate.3scale.net/phase': 'upgrade',
            'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false,ServerSideApply=true',
            'argocd.argoproj.io/compare-options': 'ServerSideDiff=true',
            'kustomize.toolkit.fluxcd.io/prune': 'disabled',
            'kustomize.toolkit.fluxcd.io/ssa': 'Merge',
          },
        },
        spec: { name: '3scale-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', channel: 'threescale-2.16', installPlanApproval: 'Manual' },
      },
    ]);
  });

  test('leaves installPlanApproval out when the plan has none, and never carries startingCSV or config', () => {
    // GIVEN
    const unset = { ...found, installPlanApproval: undefined };

    // WHEN
    const [overlay] = render(unset, 'threescale-2.15');

    // THEN
    expect(overlay!.spec).toEqual({ name: '3scale-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', channel: 'threescale-2.15' });
    expect(overlay!.metadata.labels).toBeUndefined();
  });

  test('validates against the project’s Subscription CRD', () => {
    // GIVEN
    const [overlay] = render({ ...found, installPlanApproval: 'Automatic' });

    // WHEN
    const issues = validateManifest(overlay!, { partial: true });

    // THEN
    expect(issues).toEqual([]);
  });
});
