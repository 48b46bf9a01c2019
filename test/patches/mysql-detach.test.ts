/**
 * Specification of src/procedures/externalize-on-cluster/mysql-detach.ts: the guarded RFC 6902 patches that detach a kept-in-place
 * system-mysql from the operator (seed 3.3). Each removal is guarded by `test` operations on the values
 * discovery saw; the patches are applied here with fast-json-patch to the objects of a real 2.15 export.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { defaultDetachObjects, type DetachStep, detachStepDocument, detachStepsIndex, mysqlDetachSteps, pointerSegment } from '../../src/procedures/externalize-on-cluster/mysql-detach.js';
import { examplePlanWith, loadExample, ROOT } from '../support/plans.js';

/** The objects of the exported MySQL-backed 2.15 install (test/fixtures/live-2.15-mysql.yaml). */
let fixture: KubeObject[] | undefined;
function liveMysqlObjects(): KubeObject[] {
  fixture ??= (parse(readFileSync(join(ROOT, 'test', 'fixtures', 'live-2.15-mysql.yaml'), 'utf8')) as { items: KubeObject[] }).items;
  return fixture;
}

function live(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`fixture has no ${kind} ${name}`);
  return found;
}

/** Applies the steps of one object in order, as the Job does; returns the patched copy. */
function applySteps(object: KubeObject, steps: readonly DetachStep[]): KubeObject {
  let doc = structuredClone(object);
  for (const s of steps) doc = jsonpatch.applyPatch(doc, structuredClone(s.operations) as jsonpatch.Operation[], true, false).newDocument;
  return doc;
}

const METADATA_LABELS = ['app', 'threescale_component', 'threescale_component_element'];
const POD_LABELS = [...METADATA_LABELS, 'com.company', 'rht.comp', 'rht.comp_ver', 'rht.prod_name', 'rht.prod_ver', 'rht.subcomp', 'rht.subcomp_t'];

describe('mysqlDetachSteps', () => {
  test('renders nothing unless MySQL is kept in place', () => {
    // GIVEN
    const plans = [
      loadExample('postgresql-and-redis').plan,
      loadExample('redis-only').plan,
      examplePlanWith('mysql-in-place-and-redis', (raw) => (raw.spec.systemDatabase = { kind: 'mysql', strategy: 'already-external' })).plan,
    ];

    // WHEN
    const steps = plans.map((p) => mysqlDetachSteps(p));

    // THEN
    expect(steps).toEqual([[], [], []]);
  });

  test('precedes every remove with test operations in the same step, and removes exactly one path per step', () => {
    // GIVEN
    const { plan } = loadExample('mysql-in-place-and-redis');

    // WHEN
    const steps = mysqlDetachSteps(plan);

    // THEN
    expect(steps.length).toBeGreaterThan(0);
    for (const s of steps) {
      const ops = s.operations;
      const removes = ops.filter((o) => o.op === 'remove');
      expect(removes).toHaveLength(1);
      expect(ops.at(-1)).toEqual({ op: 'remove', path: s.removedPath });
      expect(ops.length).toBeGreaterThanOrEqual(2);
      for (const o of ops.slice(0, -1)) {
        expect(o.op).toBe('test');
        expect(o.path === s.removedPath || o.path.startsWith(`${s.removedPath}/`)).toBe(true);
      }
      expect(ops.some((o) => o.op === 'test')).toBe(true);
    }
  });

  test('guards the ownerReference removal by the APIManager kind and name at the recorded index', () => {
    // GIVEN
    const { plan } = examplePlanWith('mysql-in-place-and-redis', (raw) => (raw.spec.systemDatabase.detach[0].apiManagerOwnerIndex = 1));

    // WHEN
    const owner = mysqlDetachSteps(plan).find((s) => s.file.endsWith('-deployment-system-mysql-owner.json'))!;

    // THEN
    expect(owner.operations).toEqual([
      { op: 'test', path: '/metadata/ownerReferences/1/kind', value: 'APIManager' },
      { op: 'test', path: '/metadata/ownerReferences/1/name', value: '3scale' },
      { op: 'remove', path: '/metadata/ownerReferences/1' },
    ]);
    expect(owner.doneWhenEmpty).toBe('{.metadata.ownerReferences[?(@.kind=="APIManager")].name}');
  });

  test('never removes the pod template label `deployment`, which the selector uses, even when recorded', () => {
    // GIVEN
    const { plan } = examplePlanWith('mysql-in-place-and-redis', (raw) => {
      raw.spec.systemDatabase.detach[0].podTemplateLabels.deployment = 'system-mysql';
      raw.spec.systemDatabase.detach[0].labels.deployment = 'system-mysql';
    });

    // WHEN
    const paths = mysqlDetachSteps(plan).flatMap((s) => s.operations.map((o) => o.path));

    // THEN
    expect(paths.filter((p) => p.endsWith('/deployment'))).toEqual([]);
  });

  test('never removes a label absent from the detach record, nor a recorded label that is not a 3scale label', () => {
    // GIVEN
    const { plan } = examplePlanWith('mysql-in-place-and-redis', (raw) => {
      raw.spec.systemDatabase.detach = [
        { kind: 'Deployment', name: 'system-mysql', labels: { app: '3scale-api-management', team: 'payments' }, podTemplateLabels: { 'rht.comp': '3scale', 'app.kubernetes.io/name': 'mysql' } },
        { kind: 'ConfigMap', name: 'mysql-main-conf', labels: { threescale_component_element: 'mysql' } },
      ];
    });

    // WHEN
    const removed = mysqlDetachSteps(plan).map((s) => `${s.kind}/${s.name} ${s.removedPath}`);

    // THEN
    expect(removed).toEqual([
      'Deployment/system-mysql /metadata/labels/app',
      'Deployment/system-mysql /spec/template/metadata/labels/rht.comp',
      'ConfigMap/mysql-main-conf /metadata/labels/threescale_component_element',
    ]);
  });

  test('removes no ownerReference when the record has no APIManager owner index', () => {
    // GIVEN
    const { plan } = examplePlanWith('mysql-in-place-and-redis', (raw) => {
      for (const o of raw.spec.systemDatabase.detach) delete o.apiManagerOwnerIndex;
    });

    // WHEN
    const steps = mysqlDetachSteps(plan);

    // THEN
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.filter((s) => s.removedPath.startsWith('/metadata/ownerReferences'))).toEqual([]);
  });

  test('falls back to what the 2.15 operator writes when the plan records nothing', () => {
    // GIVEN
    const { plan } = examplePlanWith('mysql-in-place-and-redis', (raw) => delete raw.spec.systemDatabase.detach);

    // WHEN
    const objects = [...new Set(mysqlDetachSteps(plan).map((s) => `${s.kind}/${s.name}`))];
    const defaults = defaultDetachObjects(plan);

    // THEN
    expect(objects).toEqual(['Deployment/system-mysql', 'PersistentVolumeClaim/mysql-storage', 'ConfigMap/mysql-extra-conf', 'ConfigMap/mysql-main-conf', 'Service/system-mysql', 'ServiceAccount/amp']);
    expect(defaults[0]!.labels).toEqual({ app: '3scale-api-management', threescale_component: 'system', threescale_component_element: 'mysql' });
    expect(Object.keys(defaults[0]!.podTemplateLabels!).sort()).toEqual([...POD_LABELS].sort());
    for (const o of defaults) expect(o.apiManagerOwnerIndex).toBe(0);
  });

  test('takes the default app label from spec.threescale.appLabel', () => {
    // GIVEN
    const { plan } = examplePlanWith('mysql-in-place-and-redis', (raw) => {
      delete raw.spec.systemDatabase.detach;
      raw.spec.threescale.appLabel = 'my-3scale';
    });

    // WHEN
    const appTests = mysqlDetachSteps(plan).flatMap((s) => s.operations).filter((o) => o.op === 'test' && o.path.endsWith('/labels/app'));

    // THEN
    expect(appTests.length).toBe(6);
    for (const o of appTests) expect(o).toMatchObject({ value: 'my-3scale' });
  });

  test('names each step file uniquely, numbered in order, after the object and what it removes', () => {
    // GIVEN
    const { plan } = loadExample('mysql-in-place-and-redis');

    // WHEN
    const files = mysqlDetachSteps(plan).map((s) => s.file);

    // THEN
    expect(new Set(files).size).toBe(files.length);
    files.forEach((f, i) => expect(f.startsWith(`${String(i + 1).padStart(2, '0')}-`)).toBe(true));
    expect(files.slice(0, 3)).toEqual(['01-deployment-system-mysql-owner.json', '02-deployment-system-mysql-label-app.json', '03-deployment-system-mysql-label-threescale_component.json']);
    expect(files).toContain('13-deployment-system-mysql-pod-label-rht.subcomp.json');
    expect(files.slice(-2)).toEqual(['29-service-system-mysql-label-threescale_component_element.json', '30-serviceaccount-amp-owner.json']);
  });

  test('escapes dots in the kubectl jsonpath that tells a step is done', () => {
    // GIVEN
    const { plan } = loadExample('mysql-in-place-and-redis');

    // WHEN
    const step = mysqlDetachSteps(plan).find((s) => s.removedPath === '/spec/template/metadata/labels/rht.comp_ver')!;

    // THEN
    expect(step.doneWhenEmpty).toBe('{.spec.template.metadata.labels.rht\\.comp_ver}');
  });
});

describe('pointerSegment', () => {
  test('escapes "~" as "~0" and "/" as "~1", in that order (RFC 6901)', () => {
    // GIVEN
    const keys = ['app', 'rht.comp', 'app.kubernetes.io/name', 'a~b', '~1', 'a/~/b'];

    // WHEN
    const segments = keys.map(pointerSegment);

    // THEN
    expect(segments).toEqual(['app', 'rht.comp', 'app.kubernetes.io~1name', 'a~0b', '~01', 'a~1~0~1b']);
  });

  test('builds pointers that resolve to exactly the escaped key, whatever the key', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (key, other) => {
        // GIVEN
        fc.pre(key !== other);
        // fast-json-patch refuses these keys to prevent prototype pollution (no label key can be one: a
        // label name starts with a letter or digit).
        fc.pre(![key, other].some((k) => k === '__proto__' || k === 'constructor' || k === 'prototype'));
        const doc = { metadata: { labels: { [key]: 'mine', [other]: 'other' } } };

        // WHEN
        const value = jsonpatch.getValueByPointer(doc, `/metadata/labels/${pointerSegment(key)}`);

        // THEN
        expect(value).toBe('mine');
      }),
    );
  });
});

describe('the patches applied to the live objects of a 2.15 MySQL install', () => {
  test('remove the recorded labels and the APIManager ownerReference and change nothing else', () => {
    // GIVEN
    const { plan } = loadExample('mysql-in-place-and-redis');
    const objects = liveMysqlObjects();
    const steps = mysqlDetachSteps(plan);
    const targets = [...new Map(steps.map((s) => [`${s.kind}/${s.name}`, s])).values()];
    expect(targets).toHaveLength(6);

    for (const { kind, name } of targets) {
      const before = live(objects, kind, name);

      // WHEN
      const after = applySteps(before, steps.filter((s) => s.kind === kind && s.name === name));

      // THEN
      const expected = structuredClone(before);
      for (const key of METADATA_LABELS) delete expected.metadata.labels?.[key];
      expected.metadata.ownerReferences = (expected.metadata.ownerReferences as { kind: string }[]).filter((r) => r.kind !== 'APIManager');
      if (kind === 'Deployment') {
        const labels = (expected as any).spec.template.metadata.labels as Record<string, string>;
        for (const key of POD_LABELS) delete labels[key];
        expect(labels).toEqual({ deployment: 'system-mysql' });
        expect((after as any).spec.selector).toEqual({ matchLabels: { deployment: 'system-mysql' } });
      }
      expect(after, `${kind}/${name}`).toEqual(expected);
      expect(after.metadata.labels ?? {}).toEqual({});
      expect(after.metadata.ownerReferences).toEqual([]);
    }
  });

  test('fail on the test operation, and change nothing, when a label value differs from the recorded one', () => {
    // GIVEN
    const { plan } = loadExample('mysql-in-place-and-redis');
    const before = structuredClone(live(liveMysqlObjects(), 'PersistentVolumeClaim', 'mysql-storage'));
    before.metadata.labels!.threescale_component = 'backend';
    const step = mysqlDetachSteps(plan).find((s) => s.kind === 'PersistentVolumeClaim' && s.removedPath === '/metadata/labels/threescale_component')!;
    const snapshot = structuredClone(before);

    // WHEN
    let error: unknown;
    try {
      jsonpatch.applyPatch(before, structuredClone(step.operations) as jsonpatch.Operation[], true, false);
    } catch (err) {
      error = err;
    }

    // THEN
    expect(error).toBeInstanceOf(jsonpatch.JsonPatchError);
    expect((error as jsonpatch.JsonPatchError).name).toBe('TEST_OPERATION_FAILED');
    expect(before).toEqual(snapshot);
  });

  test('fail on the test operation when the ownerReference at the recorded index is not the APIManager', () => {
    // GIVEN
    const { plan } = loadExample('mysql-in-place-and-redis');
    const before = structuredClone(live(liveMysqlObjects(), 'Service', 'system-mysql'));
    (before.metadata.ownerReferences as { kind: string }[])[0]!.kind = 'ClusterServiceVersion';
    const step = mysqlDetachSteps(plan).find((s) => s.kind === 'Service' && s.file.endsWith('-owner.json'))!;

    // WHEN / THEN
    expect(() => jsonpatch.applyPatch(before, structuredClone(step.operations) as jsonpatch.Operation[], true, false)).toThrow(
      expect.objectContaining({ name: 'TEST_OPERATION_FAILED' }),
    );
  });

  test('never remove a path that is not there: a label already gone fails the guard instead', () => {
    // GIVEN
    const { plan } = loadExample('mysql-in-place-and-redis');
    const before = structuredClone(live(liveMysqlObjects(), 'ConfigMap', 'mysql-extra-conf'));
    delete before.metadata.labels!.app;
    const step = mysqlDetachSteps(plan).find((s) => s.name === 'mysql-extra-conf' && s.removedPath === '/metadata/labels/app')!;

    // WHEN / THEN
    expect(() => jsonpatch.applyPatch(before, structuredClone(step.operations) as jsonpatch.Operation[], true, false)).toThrow(
      expect.objectContaining({ name: 'TEST_OPERATION_FAILED' }),
    );
  });

  test('refuse the operator defaults on this install, whose system-mysql pod template has no rht.subcomp_t', () => {
    // GIVEN
    const { plan } = examplePlanWith('mysql-in-place-and-redis', (raw) => {
      delete raw.spec.systemDatabase.detach;
      raw.spec.threescale.apiManagerName = '3scale';
    });
    const deployment = live(liveMysqlObjects(), 'Deployment', 'system-mysql');
    const step = mysqlDetachSteps(plan).find((s) => s.removedPath === '/spec/template/metadata/labels/rht.subcomp_t')!;

    // WHEN / THEN
    expect(() => jsonpatch.applyPatch(structuredClone(deployment), structuredClone(step.operations) as jsonpatch.Operation[], true, false)).toThrow(
      expect.objectContaining({ name: 'TEST_OPERATION_FAILED' }),
    );
  });
});

describe('detachStepsIndex and detachStepDocument', () => {
  test('write one line per step for the Job: resource, name, file, any value before, empty once done, and the jsonpath probe', () => {
    // GIVEN
    const { plan } = loadExample('mysql-in-place-and-redis');
    const steps = mysqlDetachSteps(plan);

    // WHEN
    const index = detachStepsIndex(steps);

    // THEN
    const lines = index.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1)).toHaveLength(steps.length);
    expect(lines[0]).toBe('deployment system-mysql 01-deployment-system-mysql-owner.json * - jsonpath={.metadata.ownerReferences[?(@.kind=="APIManager")].name}');
    expect(lines).toContain('persistentvolumeclaim mysql-storage 14-persistentvolumeclaim-mysql-storage-owner.json * - jsonpath={.metadata.ownerReferences[?(@.kind=="APIManager")].name}');
    for (const l of lines.slice(0, -1)) expect(l.split(' ')).toHaveLength(6);
    expect(detachStepsIndex([])).toBe('');
  });

  test('write each patch document as stable, pretty JSON that parses back to the operations', () => {
    // GIVEN
    const step = mysqlDetachSteps(loadExample('mysql-in-place-and-redis').plan)[1]!;

    // WHEN
    const doc = detachStepDocument(step);

    // THEN
    expect(JSON.parse(doc)).toEqual(step.operations);
    expect(doc).toBe(
      '[\n  {\n    "op": "test",\n    "path": "/metadata/labels/app",\n    "value": "3scale-api-management"\n  },\n  {\n    "op": "remove",\n    "path": "/metadata/labels/app"\n  }\n]\n',
    );
    expect(jsonpatch.validate(JSON.parse(doc))).toBeUndefined();
  });
});
