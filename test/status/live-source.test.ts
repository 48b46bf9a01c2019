import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { DryRunApplyOptions, ListOutcome, LiveReader } from '../../src/live/live-reader.js';
import type { ObjectTypeRef } from '../../src/live/object-type.js';
import { ClusterSource, ExportSource, type LiveSource, type SourceListing } from '../../src/status/live-source.js';
import { readError } from '../support/memory-source.js';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } });

/** `Kind namespace/name` of the items of each listing (or the error kind). */
const names = (listings: readonly SourceListing[]): string[][] =>
  listings.map((l) => (l.ok ? l.items.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`) : [`error ${l.error.kind}`]));

const exported: KubeObject[] = [
  obj('apps/v1', 'Deployment', 'system-app', '3scale'),
  obj('apps/v1', 'Deployment', 'backend-redis-external', '3scale-db'),
  obj('apps/v1beta2', 'Deployment', 'zync', '3scale'),
  obj('extensions/v1beta1', 'Deployment', 'legacy', '3scale'),
  obj('v1', 'ConfigMap', 'system-environment', '3scale'),
  obj('v1', 'Service', 'system-app', '3scale'),
  obj('apps.3scale.net/v1alpha1', 'APIManager', 'apimanager', '3scale'),
  obj('v1', 'Namespace', '3scale'),
  obj('v1', 'Namespace', '3scale-db'),
  obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'threescale-migrate-reader'),
];

describe('ExportSource', () => {
  test('says it is offline and approximate, naming the file', () => {
    // GIVEN / WHEN
    const source: LiveSource = new ExportSource(exported, 'export.yaml');

    // THEN
    expect(source.mode).toBe('offline');
    expect(source.description).toBe('exported objects in export.yaml (offline, approximate)');
    expect(source.dryRun).toBeUndefined();
  });

  test('lists by kind and namespace: one listing per ref, in the order asked, every one ok', async () => {
    // GIVEN
    const source = new ExportSource(exported, 'export.yaml');
    const refs: ObjectTypeRef[] = [
      { apiVersion: 'v1', kind: 'Service', namespace: '3scale' },
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: '3scale' },
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: '3scale-db' },
    ];

    // WHEN
    const listings = await source.list(refs);

    // THEN the refs come back as given, the ConfigMap of 3scale is not the Service of the same name's kind
    expect(listings.map((l) => l.ref)).toEqual(refs);
    expect(listings.every((l) => l.ok)).toBe(true);
    expect(names(listings)).toEqual([['Service 3scale/system-app'], ['ConfigMap 3scale/system-environment'], []]);
  });

  test('matches the API group, not the version: apps/v1beta2 is an apps/v1 Deployment, extensions/v1beta1 is another group', async () => {
    // GIVEN Deployments exported under apps/v1, apps/v1beta2 and extensions/v1beta1
    const source = new ExportSource(exported, 'export.yaml');

    // WHEN listed as apps/v1, and as extensions/v1beta1
    const [apps, extensions] = await source.list([
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: '3scale' },
      { apiVersion: 'extensions/v1beta1', kind: 'Deployment', namespace: '3scale' },
    ]);

    // THEN each group sees only its own
    expect(names([apps!, extensions!])).toEqual([['Deployment 3scale/system-app', 'Deployment 3scale/zync'], ['Deployment 3scale/legacy']]);
  });

  test('matches the group of custom resources and of the core group', async () => {
    // GIVEN
    const source = new ExportSource(exported, 'export.yaml');

    // WHEN an APIManager is asked under another version of its group, and under a group it is not in
    const listings = await source.list([
      { apiVersion: 'apps.3scale.net/v1', kind: 'APIManager', namespace: '3scale' },
      { apiVersion: 'capabilities.3scale.net/v1beta1', kind: 'APIManager', namespace: '3scale' },
      { apiVersion: 'apps/v1', kind: 'ConfigMap', namespace: '3scale' },
    ]);

    // THEN
    expect(names(listings)).toEqual([['APIManager 3scale/apimanager'], [], []]);
  });

  test('cluster-scoped kinds: a ref without a namespace lists every object of the kind', async () => {
    // GIVEN
    const source = new ExportSource(exported, 'export.yaml');

    // WHEN
    const listings = await source.list([
      { apiVersion: 'v1', kind: 'Namespace' },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
    ]);

    // THEN
    expect(names(listings)).toEqual([['Namespace /3scale', 'Namespace /3scale-db'], ['ClusterRole /threescale-migrate-reader']]);
  });

  test('a ref with a namespace never matches cluster-scoped objects', async () => {
    // GIVEN / WHEN
    const [listing] = await new ExportSource(exported, 'export.yaml').list([{ apiVersion: 'v1', kind: 'Namespace', namespace: '3scale' }]);

    // THEN
    expect(names([listing!])).toEqual([[]]);
  });

  test('a namespaced kind asked without a namespace lists it in every namespace', async () => {
    // GIVEN / WHEN
    const [listing] = await new ExportSource(exported, 'export.yaml').list([{ apiVersion: 'apps/v1', kind: 'Deployment' }]);

    // THEN
    expect(names([listing!])).toEqual([['Deployment 3scale/system-app', 'Deployment 3scale-db/backend-redis-external', 'Deployment 3scale/zync']]);
  });

  test('an empty export lists nothing, without failing', async () => {
    const listings = await new ExportSource([], 'empty.yaml').list([{ apiVersion: 'v1', kind: 'Secret', namespace: '3scale' }]);
    expect(listings).toEqual([{ ref: { apiVersion: 'v1', kind: 'Secret', namespace: '3scale' }, ok: true, items: [] }]);
  });
});

describe('ClusterSource', () => {
  /** A reader that answers from a table and records what it was asked. */
  function stubReader(outcomes: (ref: ObjectTypeRef) => ListOutcome) {
    const calls: { listEach: ObjectTypeRef[][]; dryRunApply: [KubeObject, string, DryRunApplyOptions | undefined][] } = { listEach: [], dryRunApply: [] };
    const reader = {
      client: { server: 'https://api.cluster.example:6443' },
      listEach: async (refs: readonly ObjectTypeRef[]) => {
        calls.listEach.push([...refs]);
        return refs.map(outcomes);
      },
      dryRunApply: async (o: KubeObject, fieldManager: string, options?: DryRunApplyOptions) => {
        calls.dryRunApply.push([o, fieldManager, options]);
        return { ok: true as const, object: { ...o, metadata: { ...o.metadata, uid: 'u-1' } }, created: false };
      },
    };
    return { reader: reader as unknown as LiveReader, calls };
  }

  test('says it is live, naming the server', () => {
    // GIVEN / WHEN
    const source = new ClusterSource(stubReader(() => ({ ok: true }) as unknown as ListOutcome).reader);

    // THEN
    expect(source.mode).toBe('live');
    expect(source.description).toBe('cluster https://api.cluster.example:6443');
  });

  test('lists every ref in one call and keeps the refs as asked (namespace included) next to the outcome', async () => {
    // GIVEN a reader for which Secrets are forbidden
    const forbidden = readError('forbidden', 'cannot list secrets in namespace 3scale: forbidden (HTTP 403)');
    const { reader, calls } = stubReader((ref) =>
      ref.kind === 'Secret'
        ? { ok: false, ref, error: forbidden }
        : ({ ok: true, ref: { ...ref, namespace: ref.namespace ?? 'default' }, items: [obj(ref.apiVersion, ref.kind, 'a', ref.namespace)], resourceVersion: '1' } as unknown as ListOutcome),
    );
    const refs: ObjectTypeRef[] = [
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: '3scale' },
      { apiVersion: 'v1', kind: 'Secret', namespace: '3scale' },
      { apiVersion: 'v1', kind: 'Namespace' },
    ];

    // WHEN
    const listings = await new ClusterSource(reader).list(refs);

    // THEN
    expect(calls.listEach).toEqual([refs]);
    expect(listings).toEqual([
      { ref: refs[0], ok: true, items: [obj('apps/v1', 'Deployment', 'a', '3scale')] },
      { ref: refs[1], ok: false, error: forbidden },
      { ref: refs[2], ok: true, items: [obj('v1', 'Namespace', 'a')] },
    ]);
  });

  test('the dry-run is a forced server-side apply under the given field manager', async () => {
    // GIVEN
    const { reader, calls } = stubReader(() => ({ ok: true }) as unknown as ListOutcome);
    const desired = obj('v1', 'ConfigMap', 'threescale-migrate-state', '3scale');

    // WHEN
    const result = await new ClusterSource(reader).dryRun(desired, 'argocd-controller');

    // THEN
    expect(calls.dryRunApply).toEqual([[desired, 'argocd-controller', { force: true }]]);
    expect(result).toMatchObject({ ok: true, object: { metadata: { uid: 'u-1' } } });
  });
});
