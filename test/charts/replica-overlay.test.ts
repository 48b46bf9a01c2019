/**
 * Specification of charts/constructs/replica-overlay.ts: a partial Deployment carrying only `spec.replicas`
 * for a Deployment the operator or OLM owns, applied with server-side apply and never pruned or deleted.
 */
import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { ReplicaOverlay } from '../../charts/constructs/replica-overlay.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';

function render(replicas: number): KubeObject[] {
  const chart = Testing.chart();
  new ReplicaOverlay(chart, 'Overlay', { name: 'system-app', namespace: '3scale', replicas, phaseId: 'scale-down' });
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

  test('validates as a partial Deployment', () => {
    // GIVEN
    const [overlay] = render(2);

    // WHEN
    const issues = validateManifest(overlay, { partial: true });

    // THEN
    expect(issues).toEqual([]);
  });
});
