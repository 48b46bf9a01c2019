/**
 * Specification of the judge the Flux walk uses (test/support/gitops-walk/creation-order.ts): from the API
 * server's ADDED/DELETED events with their revisions, which objects a Job uses did not exist when it was created.
 */
import { describe, expect, test } from 'vitest';
import { missingAtJobCreation, type Seen } from '../support/gitops-walk/creation-order.js';

const meta = (namespace: string, name: string) => ({ metadata: { namespace, name } });
const added = (kind: string, rv: number, object: object): Seen => ({ kind, type: 'ADDED', rv: BigInt(rv), object });
const deleted = (kind: string, rv: number, namespace: string, name: string): Seen => ({ kind, type: 'DELETED', rv: BigInt(rv), object: meta(namespace, name) });
const job = (rv: number) =>
  added('Job', rv, { ...meta('3scale', 'copy'), spec: { template: { spec: { serviceAccountName: 'copy', volumes: [{ name: 's', configMap: { name: 'copy-scripts' } }, { name: 'e', emptyDir: {} }] } } } });
const binding = (rv: number, namespace: string) => added('RoleBinding', rv, { ...meta(namespace, 'copy'), subjects: [{ kind: 'ServiceAccount', name: 'copy', namespace: '3scale' }] });

describe('missingAtJobCreation', () => {
  test('GIVEN the ServiceAccount, ConfigMap and both RoleBindings created before the Job WHEN judged THEN nothing is missing', () => {
    // GIVEN
    const seen = [added('ServiceAccount', 10, meta('3scale', 'copy')), binding(11, '3scale'), binding(12, '3scale-db'), added('ConfigMap', 13, meta('3scale', 'copy-scripts')), job(14)];

    // WHEN / THEN
    expect(missingAtJobCreation(seen)).toEqual([]);
  });

  test('GIVEN events delivered out of revision order by separate watches WHEN judged THEN revisions decide, not arrival', () => {
    // GIVEN the Job's event arrives first, its dependencies' later but at lower revisions
    const seen = [job(20), added('ConfigMap', 13, meta('3scale', 'copy-scripts')), added('ServiceAccount', 10, meta('3scale', 'copy'))];

    // WHEN / THEN
    expect(missingAtJobCreation(seen)).toEqual([]);
  });

  test('GIVEN a Job created before its ServiceAccount and its other namespace\'s RoleBinding WHEN judged THEN both are named', () => {
    // GIVEN
    const seen = [added('ConfigMap', 9, meta('3scale', 'copy-scripts')), job(10), added('ServiceAccount', 11, meta('3scale', 'copy')), binding(12, '3scale-db')];

    // WHEN / THEN
    expect(missingAtJobCreation(seen)).toEqual(['Job 3scale/copy (revision 10) before ServiceAccount 3scale/copy', 'Job 3scale/copy (revision 10) before RoleBinding 3scale-db/copy']);
  });

  test('GIVEN a script ConfigMap deleted before the Job is recreated WHEN judged THEN the recreation misses it', () => {
    // GIVEN
    const seen = [added('ServiceAccount', 1, meta('3scale', 'copy')), added('ConfigMap', 2, meta('3scale', 'copy-scripts')), job(3), deleted('ConfigMap', 4, '3scale', 'copy-scripts'), job(5)];

    // WHEN / THEN
    expect(missingAtJobCreation(seen)).toEqual(['Job 3scale/copy (revision 5) before ConfigMap 3scale/copy-scripts']);
  });
});
