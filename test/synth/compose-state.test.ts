/**
 * Specification of src/synth/compose-state.ts: a phase folder is the state after the previous phase minus
 * its phase-local objects (Jobs and what only they use), with this phase's objects laid over it whole.
 */
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { isPhaseLocal } from '../../src/contract/on-cluster.js';
import { composeState } from '../../src/synth/compose-state.js';

const SCOPE = 'threescale-migrate.3scale.net/scope';

function obj(kind: string, name: string, extra: Partial<KubeObject> & { namespace?: string; local?: boolean; apiVersion?: string } = {}): KubeObject {
  const { namespace = 'ns', local = false, apiVersion = kind === 'Deployment' ? 'apps/v1' : kind === 'Job' ? 'batch/v1' : 'v1', ...rest } = extra;
  return {
    apiVersion,
    kind,
    metadata: { name, namespace, ...(local ? { annotations: { [SCOPE]: 'phase' } } : {}) },
    ...rest,
  };
}

const names = (objects: readonly KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe('isPhaseLocal', () => {
  test('is true only for objects annotated with scope "phase"', () => {
    // GIVEN
    const job = obj('Job', 'copy', { local: true });
    const pvc = obj('PersistentVolumeClaim', 'data');
    const other = obj('ConfigMap', 'c', { metadata: { name: 'c', annotations: { [SCOPE]: 'state' } } } as never);

    // WHEN / THEN
    expect(isPhaseLocal(job)).toBe(true);
    expect(isPhaseLocal(pvc)).toBe(false);
    expect(isPhaseLocal(other)).toBe(false);
  });
});

describe('composeState', () => {
  test('carries the previous state forward without its phase-local objects', () => {
    // GIVEN
    const previous = [obj('Deployment', 'redis'), obj('Job', 'copy-redis', { local: true }), obj('ServiceAccount', 'copy-redis', { local: true }), obj('PersistentVolumeClaim', 'data')];

    // WHEN
    const state = composeState(previous, []);

    // THEN
    expect(names(state)).toEqual(['PersistentVolumeClaim/data', 'Deployment/redis']);
  });

  test("keeps this phase's own phase-local objects", () => {
    // GIVEN
    const contribution = [obj('Job', 'verify', { local: true })];

    // WHEN
    const state = composeState([obj('ConfigMap', 'state')], contribution);

    // THEN
    expect(names(state)).toEqual(['ConfigMap/state', 'Job/verify']);
  });

  test('replaces an object the phase renders again whole, not merged', () => {
    // GIVEN
    const before = obj('Deployment', 'backend-redis-external', { spec: { replicas: 0, template: { metadata: { annotations: { a: '1' } } } } } as never);
    const after = obj('Deployment', 'backend-redis-external', { spec: { replicas: 1 } } as never);

    // WHEN
    const state = composeState([before], [after]);

    // THEN
    expect(state).toHaveLength(1);
    expect(state[0]).toBe(after);
    expect(state[0]!.spec).toEqual({ replicas: 1 });
  });

  test('treats two API versions of one object as the same object', () => {
    // GIVEN
    const old = obj('HorizontalPodAutoscaler', 'h', { apiVersion: 'autoscaling/v1' });
    const renewed = obj('HorizontalPodAutoscaler', 'h', { apiVersion: 'autoscaling/v2' });

    // WHEN
    const state = composeState([old], [renewed]);

    // THEN
    expect(state).toEqual([renewed]);
  });

  test('keeps objects of the same kind and name in different namespaces apart', () => {
    // GIVEN
    const a = obj('ConfigMap', 'redis-config-external', { namespace: 'a' });
    const b = obj('ConfigMap', 'redis-config-external', { namespace: 'b' });

    // WHEN
    const state = composeState([a], [b]);

    // THEN
    expect(state).toEqual([a, b]);
  });

  test('refuses a phase that renders one object twice', () => {
    // GIVEN
    const twice = [obj('ConfigMap', 'x'), obj('ConfigMap', 'x')];

    // WHEN / THEN
    expect(() => composeState([], twice)).toThrow('threescale-migrate: one phase rendered /ConfigMap/ns/x twice');
  });

  test('returns the objects in apply order: namespaces and identities first, workloads later, Jobs and custom resources last', () => {
    // GIVEN
    const contribution = [
      obj('APIManager', 'apimanager', { apiVersion: 'apps.3scale.net/v1alpha1' }),
      obj('Job', 'j', { local: true }),
      obj('Deployment', 'd'),
      obj('Service', 's'),
      obj('RoleBinding', 'rb', { apiVersion: 'rbac.authorization.k8s.io/v1' }),
      obj('Role', 'r', { apiVersion: 'rbac.authorization.k8s.io/v1' }),
      obj('PersistentVolumeClaim', 'p'),
      obj('ConfigMap', 'c'),
      obj('ServiceAccount', 'sa'),
      obj('Namespace', 'n', { namespace: undefined }),
    ];

    // WHEN
    const state = composeState([], contribution);

    // THEN
    expect(names(state)).toEqual([
      'Namespace/n',
      'ServiceAccount/sa',
      'ConfigMap/c',
      'PersistentVolumeClaim/p',
      'Role/r',
      'RoleBinding/rb',
      'Service/s',
      'Deployment/d',
      'Job/j',
      'APIManager/apimanager',
    ]);
  });

  test('orders objects of one kind by namespace, then name, whatever the input order', () => {
    // GIVEN
    const input = [obj('ConfigMap', 'b', { namespace: 'y' }), obj('ConfigMap', 'a', { namespace: 'y' }), obj('ConfigMap', 'z', { namespace: 'x' })];

    // WHEN
    const forward = composeState([], input);
    const reversed = composeState([], [...input].reverse());

    // THEN
    expect(forward.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['x/z', 'y/a', 'y/b']);
    expect(reversed).toEqual(forward);
  });

  test('does not modify its inputs', () => {
    // GIVEN
    const previous = [obj('Job', 'j', { local: true }), obj('ConfigMap', 'c')];
    const contribution = [obj('ConfigMap', 'c')];
    const copies = structuredClone([previous, contribution]);

    // WHEN
    composeState(previous, contribution);

    // THEN
    expect([previous, contribution]).toEqual(copies);
  });
});

describe('composeState with deletions', () => {
  test('GIVEN a phase whose Job deletes an object carried so far WHEN composed THEN the state no longer carries it', () => {
    // GIVEN the old Redis overlay carried from an earlier phase, and a cleanup that deletes it
    const previous = [obj('Deployment', 'backend-redis', { spec: { replicas: 0 } }), obj('ConfigMap', 'kept')];
    const contribution = [obj('Job', 'delete-old-databases', { local: true })];

    // WHEN
    const state = composeState(previous, contribution, [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'backend-redis', namespace: 'ns' } }]);

    // THEN
    expect(names(state)).toEqual(['ConfigMap/kept', 'Job/delete-old-databases']);
  });
});
