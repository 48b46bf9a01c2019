/**
 * Specification of charts/constructs/replica-overlay.ts: a partial Deployment carrying only `spec.replicas`
 * for a Deployment the operator or OLM owns, applied with server-side apply and never pruned or deleted.
 */
import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { ReplicaOverlay } from '../../charts/constructs/replica-overlay.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';

function render(replicas: number, kind?: 'Deployment' | 'DeploymentConfig'): KubeObject[] {
  const chart = Testing.chart();
  new ReplicaOverlay(chart, 'Overlay', { name: 'system-app', namespace: '3scale', replicas, phaseId: 'scale-down', ...(kind ? { kind } : {}) });
  return chart.toJson() as KubeObject[];
}

describe('ReplicaOverlay', () => {
  test('carries only spec.replicas and the GitOps annotations of a partial object', () => {
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
        spec: { replicas: 0 },
      },
    ]);
  });

  test('has no labels, so it never claims ownership of fields the operator sets', () => {
    // GIVEN / WHEN
    const [overlay] = render(3);

    // THEN
    expect(overlay!.metadata.labels).toBeUndefined();
    expect(overlay!.spec).toEqual({ replicas: 3 });
  });

  test('for a DeploymentConfig (3scale before 2.15): the same partial object under apps.openshift.io/v1', () => {
    // GIVEN / WHEN
    const [dc] = render(0, 'DeploymentConfig');
    const [deployment] = render(0, 'Deployment');

    // THEN only apiVersion and kind differ from the Deployment overlay
    expect(dc).toEqual({ ...deployment, apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig' });
    expect(dc!.spec).toEqual({ replicas: 0 });
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
