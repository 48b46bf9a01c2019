/**
 * Specification of charts/template-upgrade/registry-auth-chart.ts: ServiceAccount amp pulling with the
 * user's registry Secret (by name), the view role where service discovery had it, and the patch Job.
 */
import { describe, expect, test } from 'vitest';
import * as registryAuth from '../../../charts/template-upgrade/registry-auth-chart.js';
import { validateManifests } from '../../../src/validate/validate-manifest.js';
import { renderChart } from '../../support/charts.js';
import { find, refs, templateExample } from '../../support/plans.js';

describe('registry-auth chart', () => {
  test('GIVEN the example (view granted to default) WHEN rendered THEN amp, its view binding and the Job moving 15 DeploymentConfigs', () => {
    const { objects, files } = renderChart(registryAuth as never, templateExample() as never, 'registry-auth');
    expect(find(objects, 'ServiceAccount', 'amp').imagePullSecrets).toEqual([{ name: 'threescale-registry-auth' }]);
    expect(find(objects, 'ClusterRoleBinding', 'threescale-3scale-amp-view')).toMatchObject({ roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'amp', namespace: '3scale' }] });
    expect(refs(objects)).toContain('Job 3scale/move-to-amp-service-account');
    expect(files.filter((f) => f.path.startsWith('patches/'))).toHaveLength(15);
    expect(refs(objects).some((r) => r.startsWith('Secret'))).toBe(false);
    expect(validateManifests(objects)).toEqual([]);
  });

  test('GIVEN no view role on default and another pull Secret WHEN rendered THEN no binding, and amp pulls with that Secret', () => {
    const loaded = templateExample((raw) => (raw.spec.registry = { pullSecretName: 'rh-pull', grantView: false }));
    const { objects } = renderChart(registryAuth as never, loaded as never, 'registry-auth');
    expect(refs(objects).filter((r) => r.startsWith('ClusterRoleBinding'))).toEqual([]);
    expect(find(objects, 'ServiceAccount', 'amp').imagePullSecrets).toEqual([{ name: 'rh-pull' }]);
  });
});
