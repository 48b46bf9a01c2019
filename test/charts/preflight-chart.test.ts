/**
 * Specification of charts/preflight-chart.ts: the ConfigMap that records in the cluster which plan runs and
 * the replica counts captured before the scale-down, so they outlive the operator's workstation.
 */
import { describe, expect, test } from 'vitest';
import * as preflight from '../../charts/preflight-chart.js';
import { THREESCALE_DEPLOYMENTS } from '../../src/plan/deployments.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { loadExample } from '../support/plans.js';
import { renderChart } from '../support/charts.js';

describe('preflight chart', () => {
  test('records the migration, the plan digest, the APIManager and all twelve replica counts, kept from pruning', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(preflight, loaded, 'preflight');

    // THEN (the version-check Jobs beside it are specified in version-check-jobs.test.ts)
    expect(objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'threescale-migrate-state')).toEqual([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'threescale-migrate-state',
          namespace: '3scale',
          labels: { 'app.kubernetes.io/managed-by': 'threescale-migrate', 'threescale-migrate.3scale.net/migration': 'prod-3scale' },
          annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
        },
        data: {
          migration: 'prod-3scale',
          procedure: 'externalize-on-cluster',
          'plan.sha256': loaded.sha256,
          apimanager: 'apimanager',
          ...Object.fromEntries(THREESCALE_DEPLOYMENTS.map((d) => [`replicas.${d}`, String(loaded.plan.spec.replicas[d])])),
        },
      },
    ]);
    for (const o of objects) expect(validateManifest(o), `${o.kind} ${o.metadata.name}`).toEqual([]);
  });

  test('asks the servers in use for their versions, one Job per client image', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(preflight, loaded, 'preflight');

    // THEN
    expect(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual(['check-versions-system-database', 'check-versions-redis']);
  });
});
