/**
 * Specification of charts/constructs/scale-overlays.ts: replica overlays for the operator and the twelve
 * 3scale Deployments, all to zero or all to their captured counts (replacing the seed's `oc scale`).
 */
import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { scaleThreescale } from '../../charts/constructs/scale-overlays.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { THREESCALE_DEPLOYMENTS } from '../../src/plan/deployments.js';
import { loadExample } from '../support/plans.js';

function render(target: 'down' | 'up'): KubeObject[] {
  const chart = Testing.chart();
  scaleThreescale(chart, loadExample('postgresql-and-redis').plan, 'some-phase', target);
  return chart.toJson() as KubeObject[];
}

const replicas = (objects: KubeObject[]) => Object.fromEntries(objects.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, (o.spec as { replicas: number }).replicas]));

const waves = (objects: KubeObject[]) => Object.fromEntries(objects.map((o) => [o.metadata.name, o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? '0']));

describe('scaleThreescale', () => {
  test.each([
    ['down', '-1'],
    ['up', '1'],
  ] as const)('GIVEN scale %s WHEN rendered THEN the operator is in Argo CD wave %s, every component in wave 0 (operator stops first, starts last)', (target, operatorWave) => {
    // WHEN
    const objects = render(target);

    // THEN
    expect(waves(objects)).toEqual({ 'threescale-operator-controller-manager-v2': operatorWave, ...Object.fromEntries(THREESCALE_DEPLOYMENTS.map((d) => [d, '0'])) });
  });

  test('down: the operator and every 3scale Deployment to 0, nothing else', () => {
    // GIVEN
    const target = 'down';

    // WHEN
    const objects = render(target);

    // THEN
    expect(objects).toHaveLength(13);
    expect(replicas(objects)).toEqual({
      '3scale/threescale-operator-controller-manager-v2': 0,
      ...Object.fromEntries(THREESCALE_DEPLOYMENTS.map((d) => [`3scale/${d}`, 0])),
    });
  });

  test('up: every 3scale Deployment to its captured count and the operator to 1', () => {
    // GIVEN
    const { plan } = loadExample('postgresql-and-redis');

    // WHEN
    const objects = render('up');

    // THEN
    expect(replicas(objects)).toEqual({
      '3scale/threescale-operator-controller-manager-v2': 1,
      ...Object.fromEntries(THREESCALE_DEPLOYMENTS.map((d) => [`3scale/${d}`, plan.spec.replicas[d]])),
    });
    expect(replicas(objects)['3scale/apicast-production']).toBe(3);
  });

  test('GIVEN spec.autoscaled WHEN scaling up THEN those Deployments get no overlay (no replicas to pin) and are returned for the phase to release; scaling down still stops them', () => {
    // GIVEN the example with APIcast production and the backend worker left to their HPA
    const { plan } = loadExample('postgresql-and-redis');
    const autoscaled = { ...plan, spec: { ...plan.spec, autoscaled: ['apicast-production', 'backend-worker'] as ['apicast-production', 'backend-worker'] } };

    // WHEN
    const up = Testing.chart();
    const released = scaleThreescale(up, autoscaled, 'some-phase', 'up');
    const down = Testing.chart();
    const releasedDown = scaleThreescale(down, autoscaled, 'some-phase', 'down');

    // THEN
    const names = (c: ReturnType<typeof Testing.chart>) => (c.toJson() as KubeObject[]).map((o) => o.metadata.name);
    expect(names(up)).not.toContain('apicast-production');
    expect(names(up)).not.toContain('backend-worker');
    expect(names(up)).toHaveLength(11);
    expect(released).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: '3scale', name: 'apicast-production' },
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: '3scale', name: 'backend-worker' },
    ]);
    expect(releasedDown).toEqual([]);
    expect(replicas(down.toJson() as KubeObject[])).toMatchObject({ '3scale/apicast-production': 0, '3scale/backend-worker': 0 });
  });

  test('before 2.15: the twelve components as DeploymentConfigs, the operator still a Deployment', () => {
    // GIVEN the pre-2.15 example (workloadKind: DeploymentConfig)
    const { plan } = loadExample('pre-2.15-deploymentconfigs');

    // WHEN
    const chart = Testing.chart();
    scaleThreescale(chart, plan, 'some-phase', 'up');
    const objects = chart.toJson() as KubeObject[];

    // THEN
    const kinds = Object.fromEntries(objects.map((o) => [o.metadata.name, `${o.apiVersion} ${o.kind}`]));
    expect(kinds).toEqual({
      'threescale-operator-controller-manager-v2': 'apps/v1 Deployment',
      ...Object.fromEntries(THREESCALE_DEPLOYMENTS.map((d) => [d, 'apps.openshift.io/v1 DeploymentConfig'])),
    });
    expect(replicas(objects)).toMatchObject({ '3scale/apicast-production': 3, '3scale/system-app': 2, '3scale/threescale-operator-controller-manager-v2': 1 });
  });

  test('renders only partial objects recording the phase, each with its live selector (the OLM operator\'s CSV selector, `deployment: <name>` for the components)', () => {
    // GIVEN / WHEN
    const objects = render('down');

    // THEN
    for (const o of objects) {
      expect(o.metadata.annotations).toMatchObject({ 'threescale-migrate.3scale.net/partial': 'true', 'threescale-migrate.3scale.net/phase': 'some-phase' });
      expect(Object.keys(o.spec as object)).toEqual(['replicas', 'selector']);
      const operator = o.metadata.name === 'threescale-operator-controller-manager-v2';
      expect((o.spec as { selector: unknown }).selector, o.metadata.name).toEqual({ matchLabels: operator ? { app: '3scale-api-management', 'control-plane': 'controller-manager' } : { deployment: o.metadata.name } });
    }
  });
});
