/**
 * Specification of src/patches/json-patch-steps.ts: the `steps` index the patch Job reads, the documents,
 * the file names, and the checks `diff` derives from done steps, shared by every procedure that patches.
 */
import { describe, expect, test } from 'vitest';
import { type JsonPatchStep, jsonpathKey, patchCheckObjects, patchStepDocument, patchStepsIndex, pointerSegment, stepFileName } from '../../src/patches/json-patch-steps.js';

const step = (over: Partial<JsonPatchStep>): JsonPatchStep => ({
  apiVersion: 'apps.openshift.io/v1',
  kind: 'DeploymentConfig',
  resource: 'deploymentconfig.apps.openshift.io',
  name: 'system-app',
  file: '01-deploymentconfig-system-app-x.json',
  operations: [{ op: 'test', path: '/metadata/name', value: 'system-app' }],
  probe: 'jsonpath={.spec.template.spec.serviceAccountName}',
  done: 'amp',
  check: { fragment: {} },
  ...over,
});

describe('patchStepsIndex', () => {
  test('GIVEN steps with and without a discovered probe output WHEN indexed THEN one line each, - for empty and * for any, the format last', () => {
    const index = patchStepsIndex([step({ before: '' }), step({ name: 'zync', file: '02-x.json', before: undefined, done: 'a,b,' })]);
    expect(index).toBe(
      'deploymentconfig.apps.openshift.io system-app 01-deploymentconfig-system-app-x.json - amp jsonpath={.spec.template.spec.serviceAccountName}\n' +
        'deploymentconfig.apps.openshift.io zync 02-x.json * a,b, jsonpath={.spec.template.spec.serviceAccountName}\n',
    );
    expect(patchStepsIndex([])).toBe('');
  });

  test('GIVEN a probe value holding a space WHEN indexed THEN it is a bug of the step builder, refused', () => {
    expect(() => patchStepsIndex([step({ done: 'two words' })])).toThrow(/probe value of 01-deploymentconfig-system-app-x\.json holds a space/);
  });
});

describe('documents, names and escaping', () => {
  test('GIVEN a step WHEN written THEN its operations as pretty JSON with a final newline', () => {
    expect(patchStepDocument(step({}))).toBe('[\n  {\n    "op": "test",\n    "path": "/metadata/name",\n    "value": "system-app"\n  }\n]\n');
  });

  test('GIVEN a position, resource, object and purpose WHEN named THEN NN-resource-name-purpose.json with the short resource', () => {
    expect(stepFileName(0, 'deploymentconfig.apps.openshift.io', 'zync', 'service-account')).toBe('01-deploymentconfig-zync-service-account.json');
    expect(stepFileName(11, 'secret', 'system-redis', 'key-NAMESPACE')).toBe('12-secret-system-redis-key-NAMESPACE.json');
  });

  test('GIVEN keys with / ~ and dots WHEN escaped THEN RFC 6901 for pointers, backslashed dots for jsonpath', () => {
    expect(pointerSegment('app.kubernetes.io/name~x')).toBe('app.kubernetes.io~1name~0x');
    expect(jsonpathKey('app.kubernetes.io/name')).toBe('app\\.kubernetes\\.io/name');
  });
});

describe('patchCheckObjects', () => {
  test('GIVEN several steps on one object WHEN checks are built THEN one partial object merging the fragments, named list items merged by name', () => {
    const containers = (env: object[]) => ({ spec: { template: { spec: { containers: [{ name: 'system-master', env }] } } } });
    const checks = patchCheckObjects(
      [
        step({ check: { fragment: containers([{ name: 'REDIS_NAMESPACE' }]) } }),
        step({ check: { fragment: containers([{ name: 'AMP_RELEASE', value: '2.6' }]) } }),
        step({ check: { fragment: { spec: { template: { spec: { serviceAccountName: 'amp' } } } } } }),
        step({ kind: 'Secret', apiVersion: 'v1', resource: 'secret', name: 'system-redis', check: { fragment: { data: { NAMESPACE: '' } } } }),
      ],
      '3scale',
    );
    expect(checks).toEqual([
      {
        object: {
          apiVersion: 'apps.openshift.io/v1',
          kind: 'DeploymentConfig',
          metadata: { name: 'system-app', namespace: '3scale' },
          spec: { template: { spec: { containers: [{ name: 'system-master', env: [{ name: 'REDIS_NAMESPACE' }, { name: 'AMP_RELEASE', value: '2.6' }] }], serviceAccountName: 'amp' } } },
        },
        removedPaths: [],
      },
      { object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'system-redis', namespace: '3scale' }, data: { NAMESPACE: '' } }, removedPaths: [] },
    ]);
  });

  test('GIVEN removal steps WHEN checks are built THEN their pointers are listed on the object', () => {
    const checks = patchCheckObjects([step({ check: { removedPath: '/metadata/labels/app' } }), step({ check: { removedPath: '/metadata/ownerReferences/uid=1' } })], 'ns');
    expect(checks[0]!.removedPaths).toEqual(['/metadata/labels/app', '/metadata/ownerReferences/uid=1']);
  });
});
