import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { parseExportText, readExport, readExportFile } from '../../src/live/export-file.js';
import { LiveReadError } from '../../src/live/kube-errors.js';
import { FIXTURES_DIR, LIVE_FIXTURES, leakedSecrets, loadLiveFixture, pick } from '../support/live-fixtures.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'export-file-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

async function failure(promise: Promise<unknown>): Promise<LiveReadError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(LiveReadError.isLiveReadError(err)).toBe(true);
  const e = err as LiveReadError;
  expect(e.kind).toBe('export-file');
  expect(e.message.split('\n')).toHaveLength(1);
  expect(leakedSecrets(e.message)).toEqual([]);
  return e;
}

const countKinds = (objects: readonly KubeObject[]): Record<string, number> =>
  objects.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o.kind]: (acc[o.kind] ?? 0) + 1 }), {});

type Deployment = KubeObject & {
  spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string>; creationTimestamp: null; annotations?: Record<string, string> }; spec: { containers: { name: string; env?: { name: string; value?: string }[] }[] } } };
};

describe('the live 2.15 fixtures', () => {
  test('are what `oc get deployment,pvc,svc,configmap,secret,serviceaccount,apimanager -o yaml` prints', async () => {
    // GIVEN / WHEN
    const pg = await loadLiveFixture('postgresql');
    const my = await loadLiveFixture('mysql');
    // THEN: kinds in that order, names sorted within a kind
    expect(countKinds(pg)).toEqual({ Deployment: 16, PersistentVolumeClaim: 5, Service: 14, ConfigMap: 8, Secret: 20, ServiceAccount: 6, APIManager: 1 });
    expect(countKinds(my)).toEqual({ Deployment: 16, PersistentVolumeClaim: 5, Service: 14, ConfigMap: 10, Secret: 20, ServiceAccount: 6, APIManager: 1 });
    for (const objects of [pg, my]) {
      const kinds = [...new Set(objects.map((o) => o.kind))];
      expect(kinds).toEqual(['Deployment', 'PersistentVolumeClaim', 'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'APIManager']);
      for (const kind of kinds) {
        const names = objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
        expect(names).toEqual([...names].sort());
      }
      expect(objects.every((o) => o.metadata.namespace === '3scale' && typeof o.metadata.uid === 'string' && typeof o.metadata.resourceVersion === 'string')).toBe(true);
    }
  });

  test('the 15 operator Deployments: labels, selector, metering, ownerReference, defaults and replica sources', async () => {
    // GIVEN
    for (const [which, apimName, db] of [
      ['postgresql', 'apimanager', 'system-postgresql'],
      ['mysql', '3scale', 'system-mysql'],
    ] as const) {
      const objects = await loadLiveFixture(which);
      const apim = pick(objects, 'APIManager', apimName);
      const deployments = objects.filter((o) => o.kind === 'Deployment' && o.metadata.name !== 'threescale-operator-controller-manager-v2') as Deployment[];
      // WHEN / THEN
      expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
        [
          'apicast-production',
          'apicast-staging',
          'backend-cron',
          'backend-listener',
          'backend-redis',
          'backend-worker',
          'system-app',
          'system-memcache',
          db,
          'system-redis',
          'system-searchd',
          'system-sidekiq',
          'zync',
          'zync-database',
          'zync-que',
        ].sort(),
      );
      for (const d of deployments) {
        expect(d.metadata.labels?.app).toBe('3scale-api-management');
        expect(d.spec.selector).toEqual({ matchLabels: { deployment: d.metadata.name } });
        const podLabels = d.spec.template.metadata.labels;
        expect(podLabels).toMatchObject({ deployment: d.metadata.name, 'rht.subcomp': d.metadata.name, 'com.company': 'Red_Hat', 'rht.comp_ver': '2.15' });
        expect(podLabels['rht.subcomp_t']).toBe(d.metadata.name === 'system-mysql' ? undefined : 'application');
        expect(d.spec.template.metadata.creationTimestamp).toBeNull();
        expect(d.metadata.ownerReferences).toEqual([
          { apiVersion: 'apps.3scale.net/v1alpha1', blockOwnerDeletion: true, controller: true, kind: 'APIManager', name: apimName, uid: apim.metadata.uid },
        ]);
        expect(d.spec).toMatchObject({ progressDeadlineSeconds: 600, revisionHistoryLimit: 10 });
        expect(d.spec.template.spec).toMatchObject({ dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', restartPolicy: 'Always' });
        expect((d.metadata.managedFields as { manager: string }[])[0].manager).toBe('manager');
        expect(d.status).toBeDefined();
      }
      const replicas = Object.fromEntries(deployments.map((d) => [d.metadata.name, d.spec.replicas]));
      expect(replicas).toMatchObject({ 'apicast-production': 3, 'backend-worker': 2, 'backend-listener': 2, 'system-app': 2, 'apicast-staging': 1, [db]: 1 });
      expect(apim.spec).toMatchObject({ apicast: { productionSpec: { replicas: 3 } }, backend: { workerSpec: { replicas: 2 }, listenerSpec: {} }, system: { appSpec: {} } });
      for (const name of ['backend-listener', 'system-app']) {
        const mf = pick(objects, 'Deployment', name).metadata.managedFields as { manager: string; subresource?: string; fieldsV1: { 'f:spec'?: Record<string, unknown> } }[];
        expect(mf.find((m) => m.manager === 'oc')).toMatchObject({ subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
        expect(mf.find((m) => m.manager === 'manager')?.fieldsV1['f:spec']?.['f:replicas']).toBeUndefined();
      }
    }
  });

  test('annotations, resource versions and database specifics', async () => {
    // GIVEN
    const pg = await loadLiveFixture('postgresql');
    const my = await loadLiveFixture('mysql');
    // WHEN / THEN: APIManager annotations
    for (const [objects, name] of [
      [pg, 'apimanager'],
      [my, '3scale'],
    ] as const) {
      const apim = pick(objects, 'APIManager', name);
      expect(apim.metadata.annotations).toMatchObject({
        'apps.3scale.net/apimanager-threescale-version': '2.15.5',
        'apps.3scale.net/threescale-operator-version': '0.12.5',
        'apps.3scale.net/apimanager-confirmed-requirements-version': pick(objects, 'ConfigMap', '3scale-api-management-operator-requirements').metadata.resourceVersion,
      });
      const redisRv = pick(objects, 'ConfigMap', 'redis-config').metadata.resourceVersion;
      for (const d of ['backend-redis', 'system-redis']) {
        expect((pick(objects, 'Deployment', d) as Deployment).spec.template.metadata.annotations?.redisConfigMapResourceVersion).toBe(redisRv);
      }
      const operator = pick(objects, 'Deployment', 'threescale-operator-controller-manager-v2');
      expect(operator.metadata.ownerReferences).toMatchObject([{ kind: 'ClusterServiceVersion', name: '3scale-operator.v0.12.5' }]);
      expect(objects.filter((o) => o.kind === 'Secret').every((s) => s.metadata.ownerReferences === undefined || s.type === 'kubernetes.io/dockercfg')).toBe(true);
    }
    // PostgreSQL
    const pgApim = pick(pg, 'APIManager', 'apimanager');
    expect((pgApim.spec as { system: unknown }).system).toMatchObject({ database: { postgresql: { persistentVolumeClaim: { resources: { requests: '10Gi' } } } } });
    expect(pick(pg, 'PersistentVolumeClaim', 'postgresql-data').spec).toMatchObject({ resources: { requests: { storage: '10Gi' } } });
    expect((pick(pg, 'Deployment', 'system-postgresql') as Deployment).spec.template.spec.containers[0]).toMatchObject({
      image: expect.stringMatching(/^registry\.redhat\.io\/rhel8\/postgresql-10@sha256:[0-9a-f]{64}$/),
    });
    expect((pick(pg, 'Deployment', 'backend-redis') as Deployment).spec.template.spec.containers[0]).toMatchObject({
      image: expect.stringMatching(/^registry\.redhat\.io\/rhel8\/redis-6@sha256:[0-9a-f]{64}$/),
      resources: { limits: { cpu: '2', memory: '32Gi' }, requests: { cpu: '1', memory: '1Gi' } },
    });
    // MySQL
    expect((pick(my, 'APIManager', '3scale').spec as { system: Record<string, unknown> }).system.database).toBeUndefined();
    expect(pick(my, 'PersistentVolumeClaim', 'mysql-storage').spec).toMatchObject({ resources: { requests: { storage: '10Gi' } }, volumeName: expect.stringMatching(/^pvc-/) });
    for (const name of ['mysql-main-conf', 'mysql-extra-conf']) expect(pick(my, 'ConfigMap', name).metadata.ownerReferences).toHaveLength(1);
    const env = (pick(my, 'Deployment', 'system-mysql') as Deployment).spec.template.spec.containers[0].env ?? [];
    const root = env.find((e) => e.name === 'MYSQL_ROOT_PASSWORD')?.value;
    expect(root).toBeDefined();
    expect(leakedSecrets(String(root))).toEqual([root]);
    const url = Buffer.from((pick(my, 'Secret', 'system-database').data as { URL: string }).URL, 'base64').toString();
    expect(url).toBe(`mysql2://root:${String(root)}@system-mysql/system`);
  });

  test('every fake secret listed in FAKE-SECRETS.md occurs in a fixture, and the generator is deterministic', () => {
    // GIVEN the committed files
    const out = mkdtempSync(join(tmpdir(), 'fixtures-regen-'));
    try {
      // WHEN the generator runs again into another folder
      execFileSync(process.execPath, [join(FIXTURES_DIR, 'make-live-fixtures.mjs'), out]);
      // THEN it writes byte-identical files
      for (const name of ['live-2.15-postgresql.yaml', 'live-2.15-mysql.yaml', 'FAKE-SECRETS.md']) {
        expect(readFileSync(join(out, name), 'utf8'), name).toBe(readFileSync(join(FIXTURES_DIR, name), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    const both = readFileSync(LIVE_FIXTURES.postgresql, 'utf8') + readFileSync(LIVE_FIXTURES.mysql, 'utf8');
    // Secret data is base64; docker config JSON inside it holds base64 again.
    const decode = (text: string): string =>
      [...text.matchAll(/[A-Za-z0-9+/]{8,}={0,2}/g)].map((m) => Buffer.from(m[0], 'base64').toString('utf8')).join('\n');
    const once = decode(both);
    const decoded = `${once}\n${decode(once)}`;
    const plain = readFileSync(join(FIXTURES_DIR, 'FAKE-SECRETS.md'), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(plain.length).toBeGreaterThan(10);
    for (const value of plain) expect(both.includes(value) || decoded.includes(value), value).toBe(true);
  });
});

describe('readExport', () => {
  test('multi-document YAML, typed lists and nested Lists are flattened; typed list items get apiVersion/kind', () => {
    // GIVEN
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: a, namespace: 3scale}',
      '---',
      '# only a comment',
      '---',
      'apiVersion: apps/v1',
      'kind: DeploymentList',
      'metadata: {resourceVersion: "12"}',
      'items:',
      '- metadata: {name: d1, namespace: 3scale}',
      '  spec: {replicas: 1}',
      '---',
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- apiVersion: v1',
      '  kind: List',
      '  items:',
      '  - {apiVersion: v1, kind: Secret, metadata: {name: s}}',
      '',
    ].join('\n');
    // WHEN
    const objects = parseExportText(text, 'mixed.yaml');
    // THEN
    expect(objects).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: '3scale' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd1', namespace: '3scale' }, spec: { replicas: 1 } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } },
    ]);
  });

  test('JSON exports (oc get -o json) and empty Lists', () => {
    // GIVEN
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } }], metadata: {} }, null, '\t');
    // WHEN / THEN
    expect(parseExportText(json, 'svc.json')).toHaveLength(1);
    expect(parseExportText('apiVersion: v1\nitems: []\nkind: List\nmetadata: {resourceVersion: ""}\n', 'empty-list.yaml')).toEqual([]);
  });

  test('a folder is read recursively in path order, hidden entries and other files skipped', async () => {
    // GIVEN
    write('tree/b.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n');
    write('tree/a/z.yml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: az}\n');
    write('tree/c.json', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}');
    write('tree/.hidden.yaml', 'not: [valid');
    write('tree/notes.txt', 'ignored');
    // WHEN
    const objects = await readExport(join(dir, 'tree'));
    // THEN
    expect(objects.map((o) => o.metadata.name)).toEqual(['az', 'b', 'c']);
  });

  test('reads the realistic fixture through the same entry point', async () => {
    // GIVEN / WHEN
    const objects = await readExport(LIVE_FIXTURES.postgresql);
    // THEN
    expect(objects).toHaveLength(70);
  });
});

describe('readExport errors: one sentence naming the file', () => {
  test('not YAML', async () => {
    // GIVEN
    const path = write('bad.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n   namespace: y\ndata:\n  password: RmFrZVBnQXBwUHctN1F4Mg==\n');
    // WHEN
    const err = await failure(readExportFile(path));
    // THEN
    expect(err.message).toMatch(/^file .*bad\.yaml is not valid YAML: block as implicit key at line 4, column \d+$/);
    expect(err.object).toBe(path);
  });

  test('a truncated export (cut after the items, before "kind: List")', async () => {
    // GIVEN the fixture cut in the middle of a Secret's data
    const full = readFileSync(LIVE_FIXTURES.postgresql, 'utf8');
    const at = full.indexOf('FakePg') > 0 ? full.indexOf('FakePg') : full.indexOf('  DB_PASSWORD: ') + 20;
    const path = write('cut.yaml', full.slice(0, at));
    // WHEN
    const err = await failure(readExportFile(path));
    // THEN
    expect(err.message).toMatch(/^file .*cut\.yaml has items but no kind: it looks truncated \(oc writes "kind: List" after the items\)$/);
  });

  test('truncated inside a quoted string or flow collection', async () => {
    // GIVEN
    const path = write('cut2.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: "unterminated\n');
    const json = write('cut.json', '{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Secret", "data": {"p": "RmFr');
    // WHEN
    const err = await failure(readExportFile(path));
    const err2 = await failure(readExportFile(json));
    // THEN
    expect(err.message).toMatch(/^file .*cut2\.yaml ends in the middle of a YAML value at line \d+, column \d+, it looks truncated$/);
    expect(err2.message).toMatch(/cut\.json ends in the middle of a YAML value .* it looks truncated$/);
  });

  test('GIVEN multi-document YAML cut in the middle of a line (a value cut short still parses) WHEN read THEN refused as truncated, not read as an object missing fields', async () => {
    // GIVEN: the second Deployment's name cut from system-app to system-ap, its spec lost
    const path = write('cut3.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: apicast-production, namespace: 3scale}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  namespace: 3scale\n  name: system-ap');
    // WHEN
    const err = await failure(readExportFile(path));
    // THEN
    expect(err.message).toMatch(/^file .*cut3\.yaml does not end with a line break, it looks truncated \(oc and kubectl end every export with one\)$/);
  });

  test('GIVEN one object twice, in one file or in two files of a folder WHEN read THEN refused naming both places, not resolved by order', async () => {
    // GIVEN
    const twice = write('twice.yaml', 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: 3scale}, data: {a: "1"}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: 3scale}, data: {a: "2"}}\n');
    mkdirSync(join(dir, 'twice-folder'), { recursive: true });
    writeFileSync(join(dir, 'twice-folder', 'a.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: system-app, namespace: 3scale}\n');
    writeFileSync(join(dir, 'twice-folder', 'b.yaml'), 'apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: system-app, namespace: 3scale}\n');
    const other = write('same-name-other-namespace.yaml', 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: a}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: b}}\n- {apiVersion: v1, kind: Secret, metadata: {name: c, namespace: a}}\n');
    // WHEN
    const inFile = await failure(readExport(twice));
    const inFolder = await failure(readExport(join(dir, 'twice-folder')));
    // THEN
    expect(inFile.message).toMatch(/^ConfigMap 3scale\/c is in the export twice \(item 1 of file .*twice\.yaml and item 2 of file .*twice\.yaml\); expected each object once, since which copy counts would depend on their order$/);
    expect(inFolder.message).toMatch(/^Deployment 3scale\/system-app is in the export twice \(file .*a\.yaml and file .*b\.yaml\); expected each object once/);
    expect(await readExport(other)).toHaveLength(3);
  });

  test('wrong kind of document: a sequence, a scalar, a mapping that is no object, a List without items list', async () => {
    // GIVEN / WHEN / THEN
    expect((await failure(readExportFile(write('seq.yaml', '- a\n- b\n')))).message).toMatch(/^file .*seq\.yaml is a YAML sequence, not a Kubernetes object or List$/);
    expect((await failure(readExportFile(write('scalar.yaml', 'hello\n')))).message).toMatch(/scalar\.yaml is a YAML string, not a Kubernetes object or List$/);
    expect((await failure(readExportFile(write('values.yaml', 'replicas: 3\nimage: x\n')))).message).toMatch(
      /^file .*values\.yaml is not a Kubernetes object \(no apiVersion, kind or metadata\.name\)$/,
    );
    expect((await failure(readExportFile(write('list.yaml', 'apiVersion: v1\nkind: List\nitems: {a: 1}\n')))).message).toMatch(/is a List whose items is not a list$/);
  });

  test('objects without apiVersion, kind or metadata.name name their position', async () => {
    // GIVEN
    const noName = write('noname.yaml', 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: ok}}\n- {apiVersion: apps/v1, kind: Deployment, metadata: {}}\n');
    const noKind = write('nokind.yaml', 'apiVersion: v1\nmetadata: {name: x}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\n');
    // WHEN / THEN
    expect((await failure(readExportFile(noName))).message).toMatch(/^item 2 of file .*noname\.yaml \(Deployment\) has no metadata\.name$/);
    expect((await failure(readExportFile(noKind))).message).toMatch(/^document 1 of file .*nokind\.yaml has no kind$/);
  });

  test('duplicate keys, alias bombs, empty files, missing paths and empty folders', async () => {
    // GIVEN
    const dup = write('dup.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nkind: Secret\n');
    const bomb = write(
      'bomb.yaml',
      ['a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', ''].join('\n'),
    );
    const empty = write('empty.yaml', '# nothing\n');
    mkdirSync(join(dir, 'emptydir'), { recursive: true });
    // WHEN / THEN
    expect((await failure(readExportFile(dup))).message).toMatch(/^file .*dup\.yaml is not valid YAML: duplicate key at line 4, column 1$/);
    expect((await failure(readExportFile(bomb))).message).toMatch(/bomb\.yaml uses more YAML aliases than allowed \(50\), refusing it as a possible alias bomb$/);
    expect((await failure(readExportFile(empty))).message).toMatch(/^file .*empty\.yaml holds no Kubernetes objects$/);
    expect((await failure(readExport(join(dir, 'missing.yaml')))).message).toMatch(/^cannot read .*missing\.yaml: no such file or folder$/);
    expect((await failure(readExport(join(dir, 'emptydir')))).message).toMatch(/^folder .*emptydir holds no \.yaml, \.yml or \.json files$/);
  });
});

describe('a truncated export (property-based)', () => {
  test('GIVEN an oc export (YAML List or JSON) cut at any byte WHEN read THEN refused in one sentence, or read whole: never silently fewer objects or fields', async () => {
    const fc = await import('fast-check');
    const { stringify } = await import('yaml');
    // GIVEN: ten objects of the realistic fixture, as `oc get -o yaml` and `-o json` print them
    const items = (await loadLiveFixture('postgresql')).slice(0, 10);
    const list = { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
    const exports = [stringify(list), `${JSON.stringify(list, null, 4)}\n`];
    const whole = exports.map((text) => parseExportText(text, 'export'));
    expect(whole[0]).toHaveLength(10);
    fc.assert(
      fc.property(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true }), (which, fraction) => {
        const text = exports[which]!;
        const cut = text.slice(0, Math.floor(text.length * fraction));
        let read: KubeObject[] | undefined;
        try {
          read = parseExportText(cut, 'export');
        } catch (err) {
          expect(LiveReadError.isLiveReadError(err), String((err as Error).stack)).toBe(true);
          expect((err as Error).message).not.toContain('\n');
          return;
        }
        // WHEN read at all THEN whole
        expect(read).toEqual(whole[which]);
      }),
      { numRuns: 150 },
    );
  });
});
