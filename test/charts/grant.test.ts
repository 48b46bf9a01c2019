/**
 * Specification of the resource table (src/kube/resource-types.ts) and the Job grant API
 * (charts/constructs/grant.ts): an RBAC rule names a type's real group and plural, read from the table, never
 * guessed from a kubectl name; a type the table does not know is refused at render time.
 */
import { describe, expect, test } from 'vitest';
import { grant } from '../../charts/constructs/grant.js';
import { apiGroupOf, RESOURCE_TYPES, resourceType } from '../../src/kube/resource-types.js';

describe('resource types and grants', () => {
  test('GIVEN the kubectl names the Jobs use WHEN looked up THEN each gives its kind, API version and REST plural', () => {
    const rows = ['deploymentconfig.apps.openshift.io', 'deploymentconfig', 'imagestream.image.openshift.io', 'secret', 'route.route.openshift.io', 'service', 'operatorgroup'].map((n) => {
      const t = resourceType(n);
      return `${n} ${t.apiVersion} ${t.kind} ${t.plural}`;
    });
    expect(rows).toEqual([
      'deploymentconfig.apps.openshift.io apps.openshift.io/v1 DeploymentConfig deploymentconfigs',
      'deploymentconfig apps.openshift.io/v1 DeploymentConfig deploymentconfigs',
      'imagestream.image.openshift.io image.openshift.io/v1 ImageStream imagestreams',
      'secret v1 Secret secrets',
      'route.route.openshift.io route.openshift.io/v1 Route routes',
      'service v1 Service services',
      'operatorgroup operators.coreos.com/v1 OperatorGroup operatorgroups',
    ]);
  });

  test('GIVEN the table WHEN checked THEN no kubectl name names two types and every plural is the lower-case kind plus s', () => {
    const names = RESOURCE_TYPES.flatMap((t) => t.kubectlNames);
    expect(new Set(names).size).toBe(names.length);
    // Every type the Jobs touch pluralizes regularly; a type that does not (e.g. Ingress -> ingresses) must say so here.
    expect(RESOURCE_TYPES.filter((t) => t.plural !== `${t.kind.toLowerCase()}s`).map((t) => t.kind)).toEqual([]);
    // A qualified name's group is the type's group.
    for (const t of RESOURCE_TYPES) for (const n of t.kubectlNames.filter((k) => k.includes('.'))) expect(n.slice(n.indexOf('.') + 1)).toBe(apiGroupOf(t));
  });

  test('GIVEN a name the table does not know (a guessed plural, a typo, an ingress) WHEN granted THEN refused naming it', () => {
    for (const name of ['secrets', 'ingress', 'route', '']) {
      expect(() => grant({ types: name }, ['get'])).toThrow(`resource type "${name}" is not in RESOURCE_TYPES`);
    }
  });

  test('GIVEN grants on names, on a subresource and on two core types WHEN rendered THEN the rules carry the group, plural and names exactly', () => {
    expect(grant({ types: 'route.route.openshift.io', names: ['a', 'b'] }, ['get', 'patch'])).toEqual({ apiGroups: ['route.openshift.io'], resources: ['routes'], resourceNames: ['a', 'b'], verbs: ['get', 'patch'] });
    expect(grant({ types: 'pod', subresource: 'exec' }, ['create', 'get'])).toEqual({ apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] });
    expect(grant({ types: ['configmap', 'secret'] }, ['create'])).toEqual({ apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['create'] });
  });

  test('GIVEN types of two API groups in one grant WHEN rendered THEN refused: one rule per group', () => {
    expect(() => grant({ types: ['secret', 'deployment'] }, ['get'])).toThrow('span API groups , apps');
  });
});
