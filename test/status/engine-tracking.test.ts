/**
 * Specification of the object a dry run sends as the engine's field manager: Argo CD applies its tracking
 * label with every object, so the dry run keeps it; nothing else is added.
 */
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { asEngineApplies } from '../../src/status/engine-tracking.js';

const configMap = (labels?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'threescale-migrate-state', namespace: '3scale', ...(labels ? { labels } : {}) } });

describe('asEngineApplies', () => {
  test('GIVEN a live object tracked by an Application (label app.kubernetes.io/instance) WHEN dry-run as argocd-controller THEN the label is sent with the live value, the rest as the folder has it', () => {
    // GIVEN
    const desired = configMap({ 'app.kubernetes.io/managed-by': 'threescale-migrate' });
    const live = configMap({ 'app.kubernetes.io/managed-by': 'threescale-migrate', 'app.kubernetes.io/instance': 'prod-3scale-migration' });

    // WHEN
    const applied = asEngineApplies(desired, live, 'argocd-controller');

    // THEN
    expect(applied.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'threescale-migrate', 'app.kubernetes.io/instance': 'prod-3scale-migration' });
    expect(desired.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'threescale-migrate' });
  });

  test('GIVEN the same live object WHEN dry-run as Flux, kubectl or threescale-migrate THEN the folder object is sent unchanged (the label would be removed, and that is a change)', () => {
    const desired = configMap();
    const live = configMap({ 'app.kubernetes.io/instance': 'prod-3scale-migration' });
    for (const manager of ['kustomize-controller', 'kubectl', 'threescale-migrate']) expect(asEngineApplies(desired, live, manager)).toBe(desired);
  });

  test('GIVEN a folder object setting app.kubernetes.io/instance itself, or a live object without it WHEN dry-run as argocd-controller THEN the folder object is sent unchanged', () => {
    const own = configMap({ 'app.kubernetes.io/instance': 'mine' });
    expect(asEngineApplies(own, configMap({ 'app.kubernetes.io/instance': 'prod-3scale-migration' }), 'argocd-controller')).toBe(own);
    const untracked = configMap();
    expect(asEngineApplies(untracked, configMap(), 'argocd-controller')).toBe(untracked);
  });
});
