import { describe, expect, it } from 'vitest';
import { builtInKind, isBagField, isIntOrStringField, isQuantityField } from '../../src/diff/field-types.js';

const path = (dotted: string): string[] => dotted.split('.');

describe('field-types', () => {
  it('finds quantity fields by position (N8)', () => {
    // GIVEN field paths
    // WHEN classified
    // THEN requirement maps, emptyDir sizeLimit and quota maps are quantities; other text is not
    expect(isQuantityField('Deployment', path('spec.template.spec.containers.[].resources.limits.cpu'))).toBe(true);
    expect(isQuantityField('PersistentVolumeClaim', path('spec.resources.requests.storage'))).toBe(true);
    expect(isQuantityField('Deployment', path('spec.template.spec.volumes.[].emptyDir.sizeLimit'))).toBe(true);
    expect(isQuantityField('ResourceQuota', ['spec', 'hard', 'requests.cpu'])).toBe(true);
    expect(isQuantityField('LimitRange', path('spec.limits.[].max.memory'))).toBe(true);
    expect(isQuantityField('ConfigMap', path('data.cpu'))).toBe(false);
    expect(isQuantityField('Deployment', path('metadata.annotations.limits'))).toBe(false);
  });

  it('finds int-or-string port fields (N10)', () => {
    // GIVEN port-like and other fields
    // WHEN classified
    // THEN only the API's integer/int-or-string fields match
    expect(isIntOrStringField(path('spec.ports.[].targetPort'))).toBe(true);
    expect(isIntOrStringField(path('spec.strategy.rollingUpdate.maxSurge'))).toBe(true);
    expect(isIntOrStringField(path('spec.template.spec.containers.[].env.[].value'))).toBe(false);
  });

  it('knows which empty maps are bags and which are markers (N6, argo-cd#23360)', () => {
    // GIVEN empty-map positions
    // WHEN classified
    // THEN bags are droppable, emptyDir is not
    expect(isBagField('Deployment', path('metadata.labels'))).toBe(true);
    expect(isBagField('Deployment', path('spec.template.spec.securityContext'))).toBe(true);
    expect(isBagField('Deployment', path('spec.template.spec.containers.[].resources.limits'))).toBe(true);
    expect(isBagField('Secret', ['data'])).toBe(true);
    expect(isBagField('Deployment', path('spec.template.spec.volumes.[].emptyDir'))).toBe(false);
    expect(isBagField('Deployment', ['metadata'])).toBe(false);
  });

  it('tells built-in kinds from custom resources with the same kind name', () => {
    // GIVEN objects of several groups
    // WHEN classified
    // THEN only built-in groups count
    expect(builtInKind({ apiVersion: 'v1', kind: 'Service' })).toBe('Service');
    expect(builtInKind({ apiVersion: 'apps/v1', kind: 'Deployment' })).toBe('Deployment');
    expect(builtInKind({ apiVersion: 'serving.knative.dev/v1', kind: 'Service' })).toBeUndefined();
    expect(builtInKind({ apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager' })).toBeUndefined();
  });
});
