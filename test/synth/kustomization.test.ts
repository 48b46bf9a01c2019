/**
 * Specification of src/synth/kustomization.ts: one file per object, named so two objects never share a
 * file, and the folder's kustomization.yaml listing them in apply order.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { kustomizationFor, objectFileName } from '../../src/synth/kustomization.js';

const o = (kind: string, name: string, namespace?: string): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) } });

describe('objectFileName', () => {
  test('is namespace, lower-case kind and name', () => {
    // GIVEN
    const pvc = o('PersistentVolumeClaim', 'postgresql-data-external', '3scale-db');

    // WHEN
    const name = objectFileName(pvc);

    // THEN
    expect(name).toBe('3scale-db_persistentvolumeclaim_postgresql-data-external.yaml');
  });

  test('marks cluster-scoped objects with _cluster', () => {
    // GIVEN
    const ns = o('Namespace', '3scale-db');

    // WHEN
    const name = objectFileName(ns);

    // THEN
    expect(name).toBe('_cluster_namespace_3scale-db.yaml');
  });

  test('gives objects that differ only by namespace different files (cdk8s naming would overwrite one)', () => {
    // GIVEN
    const a = o('ConfigMap', 'redis-config-external', 'redis-a');
    const b = o('ConfigMap', 'redis-config-external', 'redis-b');

    // WHEN / THEN
    expect(objectFileName(a)).not.toBe(objectFileName(b));
  });

  test('replaces characters unsafe in a file name', () => {
    // GIVEN
    const odd = o('ConfigMap', 'a b/c:d', 'ns');

    // WHEN
    const name = objectFileName(odd);

    // THEN
    expect(name).toBe('ns_configmap_a-b-c-d.yaml');
  });

  test('never gives two distinct Kubernetes objects the same file name', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
    const subdomain = fc.array(label, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
    const kind = fc.constantFrom('ConfigMap', 'Service', 'Deployment', 'Job', 'Role', 'Namespace');
    fc.assert(
      fc.property(kind, subdomain, fc.option(label, { nil: undefined }), kind, subdomain, fc.option(label, { nil: undefined }), (k1, n1, ns1, k2, n2, ns2) => {
        // GIVEN
        fc.pre(k1 !== k2 || n1 !== n2 || ns1 !== ns2);

        // WHEN
        const a = objectFileName(o(k1, n1, ns1));
        const b = objectFileName(o(k2, n2, ns2));

        // THEN
        expect(a).not.toBe(b);
      }),
    );
  });
});

describe('kustomizationFor', () => {
  test('lists the files in the order given, as a kustomize Kustomization', () => {
    // GIVEN
    const files = ['_cluster_namespace_db.yaml', 'db_serviceaccount_x.yaml', 'db_deployment_x.yaml'];

    // WHEN
    const k = kustomizationFor(files);

    // THEN
    expect(k).toEqual({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: files });
  });

  test('copies the list, so later changes to the input do not leak into it', () => {
    // GIVEN
    const files = ['a.yaml'];

    // WHEN
    const k = kustomizationFor(files);
    files.push('b.yaml');

    // THEN
    expect(k.resources).toEqual(['a.yaml']);
  });
});
