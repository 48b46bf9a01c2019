/**
 * Specification of charts/constructs/api-manager-overlay.ts: a partial APIManager carrying only the
 * external-component flags the migration owns, plus `spec.system.database.postgresql: {}` when rolling the
 * System database back to the internal PostgreSQL.
 */
import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { ApiManagerOverlay, type ApiManagerOverlayProps } from '../../charts/constructs/api-manager-overlay.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';

const PARTIAL_ANNOTATIONS = {
  'threescale-migrate.3scale.net/partial': 'true',
  'threescale-migrate.3scale.net/phase': 'cutover',
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false,ServerSideApply=true',
  'argocd.argoproj.io/compare-options': 'ServerSideDiff=true',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
  'kustomize.toolkit.fluxcd.io/ssa': 'Merge',
};

function render(props: Partial<ApiManagerOverlayProps>): KubeObject {
  const chart = Testing.chart();
  new ApiManagerOverlay(chart, 'ApiManager', { name: 'apimanager', namespace: '3scale', phaseId: 'cutover', externalComponents: {}, ...props });
  const objects = chart.toJson() as KubeObject[];
  expect(objects).toHaveLength(1);
  return objects[0]!;
}

describe('ApiManagerOverlay', () => {
  test('carries the three flags and the partial-object annotations, nothing else', () => {
    // GIVEN
    const externalComponents = { systemDatabase: true, systemRedis: true, backendRedis: true };

    // WHEN
    const overlay = render({ externalComponents });

    // THEN
    expect(overlay).toEqual({
      apiVersion: 'apps.3scale.net/v1alpha1',
      kind: 'APIManager',
      metadata: { name: 'apimanager', namespace: '3scale', annotations: PARTIAL_ANNOTATIONS },
      spec: { externalComponents: { system: { database: true, redis: true }, backend: { redis: true } } },
    });
  });

  test('owns only the flags it is given', () => {
    // GIVEN
    const redisOnly = { systemRedis: true, backendRedis: true };
    const databaseOnly = { systemDatabase: false };

    // WHEN
    const a = render({ externalComponents: redisOnly });
    const b = render({ externalComponents: databaseOnly });
    const none = render({ externalComponents: {} });

    // THEN
    expect(a.spec).toEqual({ externalComponents: { system: { redis: true }, backend: { redis: true } } });
    expect(b.spec).toEqual({ externalComponents: { system: { database: false } } });
    expect(none.spec).toEqual({ externalComponents: {} });
  });

  test('never carries spec.system.database unless asked to put the internal PostgreSQL back', () => {
    // GIVEN
    const externalComponents = { systemDatabase: false, systemRedis: false, backendRedis: false };

    // WHEN
    const plain = render({ externalComponents });
    const rollback = render({ externalComponents, restoreInternalPostgresql: true });

    // THEN
    expect((plain.spec as any).system).toBeUndefined();
    expect(rollback.spec).toEqual({
      externalComponents: { system: { database: false, redis: false }, backend: { redis: false } },
      system: { database: { postgresql: {} } },
    });
  });

  test('validates as a partial APIManager against the CRD', () => {
    // GIVEN
    const overlays = [
      render({ externalComponents: { systemDatabase: true, systemRedis: true, backendRedis: true } }),
      render({ externalComponents: { systemDatabase: false }, restoreInternalPostgresql: true }),
    ];

    // WHEN
    const issues = overlays.flatMap((o) => validateManifest(o, { partial: true }));

    // THEN
    expect(issues).toEqual([]);
  });
});
