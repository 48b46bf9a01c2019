/**
 * The health rules, one fixture per state (test/fixtures/health/<kind>/<state>.yaml, read by
 * test/support/health-fixtures.ts).
 */
import { describe, expect, test } from 'vitest';
import { HEALTH_CHECKS, healthOf, healthRule, relatedListings } from '../../src/health/registry.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { fixtureAnnotation as annotation, fixtureLookup as lookupIn, HEALTH_FIXTURES as FIXTURES } from '../support/health-fixtures.js';

describe('the health of a live object, by kind', () => {
  test.each(FIXTURES.map((f) => [f.name, f] as const))('GIVEN fixture %s WHEN its health is judged THEN it is the verdict and sentence its annotations state', (_name, f) => {
    // WHEN
    const health = healthOf({ live: f.live, related: lookupIn(f) });

    // THEN
    expect(health).toEqual({ status: annotation(f, 'status'), message: annotation(f, 'message') });
  });

  test('GIVEN every kind in the dispatch table WHEN its fixtures are counted THEN each has one, and each kind with a wait or a failure has a healthy fixture and one that is not', () => {
    const folderOf = (kind: string) => kind.toLowerCase();
    const fixtures = (kind: string) => FIXTURES.filter((f) => f.live.kind === kind);
    for (const rule of HEALTH_CHECKS) {
      const statuses = new Set(fixtures(rule.kind).map((f) => annotation(f, 'status')));
      expect({ kind: rule.kind, fixtures: statuses.size > 0 }).toEqual({ kind: rule.kind, fixtures: true });
      expect(FIXTURES.filter((f) => f.name.startsWith(`${folderOf(rule.kind)}/`)).every((f) => f.live.kind === rule.kind)).toBe(true);
      const alwaysHealthy = ['APIManager', 'Secret', 'ConfigMap'].includes(rule.kind);
      if (!alwaysHealthy) expect({ kind: rule.kind, healthy: statuses.has('healthy'), notHealthy: statuses.has('progressing') || statuses.has('degraded') }).toEqual({ kind: rule.kind, healthy: true, notHealthy: true });
    }
  });

  test('GIVEN a kind with no rule WHEN it is dispatched THEN the "present" rule applies; GIVEN a Deployment of another group THEN it is not the apps Deployment rule', () => {
    expect(healthRule({ apiVersion: 'operators.coreos.com/v1', kind: 'OperatorGroup' }).healthyWhen).toMatch(/^present/);
    expect(healthRule({ apiVersion: 'example.com/v1', kind: 'Deployment' }).healthyWhen).toMatch(/^present/);
    expect(healthRule({ apiVersion: 'apps/v1', kind: 'Deployment' }).kind).toBe('Deployment');
  });

  test('GIVEN a Subscription WHEN its related listings are asked THEN it is the CSVs of its namespace; other kinds read nothing more', () => {
    const sub = FIXTURES.find((f) => f.name === 'subscription/installed')!.live;
    expect(relatedListings(sub)).toEqual([{ apiVersion: 'operators.coreos.com/v1alpha1', kind: 'ClusterServiceVersion', namespace: '3scale' }]);
    expect(relatedListings(FIXTURES.find((f) => f.name === 'deployment/ready')!.live)).toEqual([]);
  });

  test('GIVEN a Deployment whose desired replicas differ from the live spec WHEN judged THEN the desired count is the one waited for', () => {
    const live = FIXTURES.find((f) => f.name === 'deployment/ready')!.live;
    const desired: KubeObject = { ...live, spec: { replicas: 3 } };
    expect(healthOf({ live, desired, related: () => undefined })).toEqual({ status: 'progressing', message: 'waits for the rollout: 2 of 3 pods updated' });
  });

  test.each<[string, unknown]>([
    ['a status that is a list', []],
    ['conditions that are not a list', { conditions: 'Ready' }],
    ['condition entries without a type', { conditions: [null, 7, { status: 'True' }] }],
    ['counts that are strings', { readyReplicas: '2', replicas: '2' }],
  ])('GIVEN a Deployment with %s WHEN judged THEN it reads as no pod ready, without throwing', (_name, status) => {
    const live: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'n' }, spec: { replicas: 2 }, status };
    expect(healthOf({ live, related: () => undefined })).toEqual({ status: 'progressing', message: 'waits for pods to be ready: 0 of 2 ready' });
  });

  test('GIVEN an ImageStream whose status tags are malformed WHEN judged THEN its tags read as unresolved', () => {
    const live: KubeObject = { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: 'x' }, spec: { tags: [{ name: 'a' }, null, { name: 7 }] }, status: { tags: [null, { tag: 'a', items: 'sha' }] } };
    expect(healthOf({ live, related: () => undefined })).toEqual({ status: 'progressing', message: 'waits for tag a to resolve to an image' });
  });
});
