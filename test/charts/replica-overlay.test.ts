/**
 * Specification of charts/constructs/replica-overlay.ts: a partial Deployment carrying `spec.replicas` (and,
 * for Flux's typed normalization, the immutable selector and an empty container list) for a Deployment the
 * operator or OLM owns, applied with server-side apply and never pruned or deleted. That kustomize-controller
 * applies it taking no other manager's field is proven on the real engine by test/gitops/flux-walk.test.ts.
 */
import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { ReplicaOverlay } from '../../charts/constructs/replica-overlay.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';

function render(replicas: number, kind?: 'Deployment' | 'DeploymentConfig', selector?: Record<string, string>): KubeObject[] {
  const chart = Testing.chart();
  new ReplicaOverlay(chart, 'Overlay', { name: 'system-app', namespace: '3scale', replicas, phaseId: 'scale-down', ...(kind ? { kind } : {}), ...(selector ? { selector } : {}) });
  return chart.toJson() as KubeObject[];
}

describe('ReplicaOverlay', () => {
  test('GIVEN a 3scale Deployment WHEN its overlay renders THEN it carries spec.replicas, the operator\'s selector `deployment: <name>`, an empty container list and the annotations of a partial object', () => {
    // GIVEN
    const replicas = 0;

    // WHEN
    const objects = render(replicas);

    // THEN
    expect(objects).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'system-app',
          namespace: '3scale',
          annotations: {
            'threescale-migrate.3scale.net/partial': 'true',
            'threescale-migrate.3scale.net/phase': 'scale-down',
            'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false,ServerSideApply=true',
            'argocd.argoproj.io/compare-options': 'ServerSideDiff=true',
            'kustomize.toolkit.fluxcd.io/prune': 'disabled',
            'kustomize.toolkit.fluxcd.io/ssa': 'Merge',
          },
        },
        spec: { replicas: 0, selector: { matchLabels: { deployment: 'system-app' } }, template: { spec: { containers: [] } } },
      },
    ]);
  });

  test('GIVEN a selector of its own (the OLM operator\'s) WHEN the overlay renders THEN that selector is carried instead', () => {
    // GIVEN
    const selector = { app: '3scale-api-management', 'control-plane': 'controller-manager' };

    // WHEN
    const [overlay] = render(1, 'Deployment', selector);

    // THEN
    expect(overlay!.spec).toEqual({ replicas: 1, selector: { matchLabels: selector }, template: { spec: { containers: [] } } });
  });

  test('has no labels, so it never claims ownership of fields the operator sets', () => {
    // GIVEN / WHEN
    const [overlay] = render(3);

    // THEN
    expect(overlay!.metadata.labels).toBeUndefined();
    expect((overlay!.spec as { replicas: number }).replicas).toBe(3);
  });

  test('for a DeploymentConfig (3scale before 2.15): the same partial object under apps.openshift.io/v1', () => {
    // GIVEN / WHEN
    const [dc] = render(0, 'DeploymentConfig');
    const [deployment] = render(0, 'Deployment');

    // THEN only apiVersion, kind and the Deployment's selector and template differ from the Deployment overlay
    // (a DeploymentConfig is a custom resource to Flux: no typed normalization)
    expect(dc).toEqual({ ...deployment, apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', spec: { replicas: 0 } });
  });

  test('a partial DeploymentConfig validates against the project\'s CRD; a negative count does not', () => {
    // GIVEN
    const [dc] = render(2, 'DeploymentConfig');

    // WHEN
    const issues = validateManifest(dc, { partial: true });
    const negative = validateManifest({ ...dc!, spec: { replicas: -1 } }, { partial: true });

    // THEN
    expect(issues).toEqual([]);
    expect(negative.map((i) => i.path)).toEqual(['spec.replicas']);
  });

  test('validates as a partial Deployment', () => {
    // GIVEN
    const [overlay] = render(2);

    // WHEN
    const issues = validateManifest(overlay, { partial: true });

    // THEN
    expect(issues).toEqual([]);
  });
});
