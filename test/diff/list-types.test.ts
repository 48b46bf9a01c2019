import { describe, expect, test } from 'vitest';
import { BUILT_IN_LISTS, listRulesFor } from '../../src/diff/list-types.js';

describe('listRulesFor', () => {
  const apiManager = { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager' };
  test.each([
    { given: 'a built-in Deployment', obj: { apiVersion: 'apps/v1', kind: 'Deployment' }, path: ['spec', 'template', 'spec', 'containers'], expected: undefined },
    { given: 'an OpenShift DeploymentConfig (Go types)', obj: { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig' }, path: ['spec', 'template', 'spec', 'containers'], expected: undefined },
    { given: 'an APIManager list its CRD types without x-kubernetes-list-type', obj: apiManager, path: ['spec', 'imagePullSecrets'], expected: { type: 'atomic' } },
    { given: 'an APIManager list inside a subtree its CRD leaves open', obj: apiManager, path: ['spec', 'apicast', 'productionSpec', 'env'], expected: { type: 'atomic' } },
    { given: 'the metadata of a custom resource (ObjectMeta)', obj: apiManager, path: ['metadata', 'ownerReferences'], expected: undefined },
    { given: 'a custom kind without a CRD in crds/', obj: { apiVersion: 'example.com/v1', kind: 'Widget' }, path: ['spec', 'items'], expected: { type: 'atomic' } },
  ])('GIVEN $given WHEN the list rule is asked THEN it is $expected', ({ obj, path, expected }) => {
    expect(listRulesFor(obj)(path)).toEqual(expected);
  });

  test('GIVEN a built-in kind THEN the name table decides everywhere', () => {
    expect(listRulesFor({ apiVersion: 'v1', kind: 'Service' })).toBe(BUILT_IN_LISTS);
  });
});
