import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareObjects, renderChangesText, type Change } from '../../src/diff/compare-objects.js';
import type { JsonObject, KubeObject } from '../../src/diff/json.js';
import { keyedPath } from '../../src/diff/keyed-path.js';
import { normalize } from '../../src/diff/normalize.js';
import { withOfflineDefaults } from '../../src/diff/offline-defaults.js';
import { decorateAsServer, desiredObject, leafPaths, mutateLeaf, prng, reorderKeyedLists, respellQuantities } from './arbitraries.js';

function systemApp(env: JsonObject[] = [{ name: 'RAILS_ENV', value: 'production' }], extra: JsonObject = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'system-app', namespace: '3scale', labels: { app: '3scale-api-management' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { deployment: 'system-app' } },
      template: {
        metadata: { labels: { deployment: 'system-app' } },
        spec: {
          containers: [
            {
              name: 'system-app',
              image: 'quay.io/3scale/porta:2.15',
              args: ['env', 'TENANT_NAME=3scale', 'unicorn'],
              env,
              resources: { limits: { cpu: '1', memory: '800Mi' }, requests: { cpu: '50m', memory: '600Mi' } },
              ...extra,
            },
          ],
        },
      },
    },
  };
}

const clone = <T>(value: T): T => structuredClone(value);
const containerOf = (obj: KubeObject): JsonObject =>
  ((((obj['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject)['containers'] as JsonObject[])[0] as JsonObject;

describe('compare-objects', () => {
  it('reports identical objects as in sync', () => {
    // GIVEN an object and its copy
    const desired = systemApp();
    // WHEN compared
    const result = compareObjects(desired, clone(desired), { mode: 'live' });
    // THEN no changes
    expect(result).toEqual({ result: 'in-sync', changes: [], findings: [] });
  });

  it('N4 ignores labels and annotations added on live, but compares the ones desired sets (Flux drops remove ops on metadata)', () => {
    // GIVEN a live object with controller labels/annotations, and one desired label changed
    const desired = systemApp();
    const live = clone(desired);
    (live['metadata'] as JsonObject)['labels'] = { app: 'other', 'app.kubernetes.io/managed-by': 'operator' };
    (live['metadata'] as JsonObject)['annotations'] = { 'openshift.io/generated-by': 'x' };
    // WHEN compared, even without owned-fields pruning
    const result = compareObjects(desired, live, { mode: 'live', ownedFieldsOnly: false });
    // THEN only the desired label is reported
    expect(result.changes).toEqual([{ path: 'metadata.labels.app', op: 'replace', desired: '3scale-api-management', live: 'other' }]);
  });

  it('compares only fields the desired object owns; ownedFieldsOnly: false reports live extras', () => {
    // GIVEN a live Deployment with an env var and a field added by someone else
    const desired = systemApp();
    const live = clone(desired);
    (containerOf(live)['env'] as JsonObject[]).push({ name: 'INJECTED', value: 'by-webhook' });
    containerOf(live)['stdin'] = true;
    // WHEN compared both ways
    const owned = compareObjects(desired, live, { mode: 'live' });
    const all = compareObjects(desired, live, { mode: 'live', ownedFieldsOnly: false });
    // THEN the default ignores them, the strict mode reports them as removals
    expect(owned.result).toBe('in-sync');
    expect(all.changes.map((c) => `${c.op} ${c.path}`)).toEqual([
      'remove spec.template.spec.containers[name=system-app].env[name=INJECTED]',
      'remove spec.template.spec.containers[name=system-app].stdin',
    ]);
  });

  it('reports a partial server-side-apply object in sync when only unowned fields differ', () => {
    // GIVEN a partial object that owns only spec.replicas, and the operator's full Deployment
    const partial: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'system-app', namespace: '3scale' }, spec: { replicas: 0 } };
    const live = systemApp();
    // WHEN compared offline (no defaults may be invented for a partial object)
    const result = compareObjects(partial, live, { mode: 'offline' });
    // THEN the only change is the replica count
    expect(result.changes).toEqual([{ path: 'spec.replicas', op: 'replace', desired: 0, live: 1 }]);
  });

  it('N8 compares quantities by value, whatever the spelling (argo-cd#1615, #17682, #21135)', () => {
    // GIVEN live quantities in other spellings, one of them a different format family
    const desired = systemApp();
    const live = clone(desired);
    containerOf(live)['resources'] = { limits: { cpu: '1000m', memory: '838860800' }, requests: { cpu: '0.05', memory: '614400Ki' } };
    // WHEN compared
    const result = compareObjects(desired, live, { mode: 'live' });
    // THEN in sync
    expect(result).toMatchObject({ result: 'in-sync', changes: [] });
  });

  it('N8 reports a real quantity change in canonical form', () => {
    // GIVEN a live memory limit that differs
    const desired = systemApp();
    const live = clone(desired);
    (containerOf(live)['resources'] as { limits: JsonObject }).limits['memory'] = '0.5Gi';
    // WHEN compared
    const result = compareObjects(desired, live, { mode: 'live' });
    // THEN the change shows both values canonically
    expect(result.changes).toEqual([{ path: 'spec.template.spec.containers[name=system-app].resources.limits.memory', op: 'replace', desired: '800Mi', live: '512Mi' }]);
  });

  it('N12 matches keyed list items by merge key, but treats atomic list order as meaningful', () => {
    // GIVEN reordered env entries (keyed) and reordered args (atomic)
    const desired = systemApp([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    const live = clone(desired);
    (containerOf(live)['env'] as JsonObject[]).reverse();
    (containerOf(live)['args'] as string[]).reverse();
    // WHEN compared
    const result = compareObjects(desired, live, { mode: 'live' });
    // THEN only the args are reported, as one readable replacement
    expect(result.changes).toEqual([
      {
        path: 'spec.template.spec.containers[name=system-app].args',
        op: 'replace',
        desired: ['env', 'TENANT_NAME=3scale', 'unicorn'],
        live: ['unicorn', 'TENANT_NAME=3scale', 'env'],
      },
    ]);
  });

  it('names changed keyed items by key: env value, added port, missing container', () => {
    // GIVEN a live object with a different env value, a missing port and a missing sidecar
    const desired = systemApp([{ name: 'DB_HOST', value: 'system-postgresql' }], { ports: [{ containerPort: 3000 }] });
    (((desired['spec'] as JsonObject)['template'] as JsonObject)['spec'] as { containers: JsonObject[] }).containers.push({ name: 'sidecar', image: 'busybox:1' });
    const live = systemApp([{ name: 'DB_HOST', value: 'system-mysql' }]);
    // WHEN compared
    const result = compareObjects(desired, live, { mode: 'live' });
    // THEN each change has a keyed path
    expect(result.changes).toEqual([
      { path: 'spec.template.spec.containers[name=sidecar]', op: 'add', desired: { name: 'sidecar', image: 'busybox:1' } },
      { path: 'spec.template.spec.containers[name=system-app].env[name=DB_HOST].value', op: 'replace', desired: 'system-postgresql', live: 'system-mysql' },
      { path: 'spec.template.spec.containers[name=system-app].ports', op: 'add', desired: [{ containerPort: 3000, protocol: 'TCP' }] },
    ]);
  });

  describe('removal markers (N22)', () => {
    it('treats a removed path that is absent on live as in sync, never as an error (argo-cd#1586, #2933)', () => {
      // GIVEN removal markers for paths the live object does not have
      const desired = systemApp();
      // WHEN compared
      const result = compareObjects(desired, clone(desired), {
        mode: 'live',
        removedPaths: ['/metadata/ownerReferences', '/spec/template/spec/containers/name=system-app/env/name=GONE', '/spec/template/spec/volumes/3'],
      });
      // THEN in sync
      expect(result.result).toBe('in-sync');
    });

    it('reports a removed path still present on live, by key, and prunes parents it leaves empty', () => {
      // GIVEN a live object that still has owner references, a 3scale label and an env var the phase removes
      const desired = systemApp();
      const live = clone(desired);
      (live['metadata'] as JsonObject)['ownerReferences'] = [{ apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', name: '3scale', uid: 'u1' }];
      (live['metadata'] as JsonObject)['labels'] = { app: '3scale-api-management', threescale_component: 'system' };
      (containerOf(live)['env'] as JsonObject[]).push({ name: 'MYSQL_HOST', value: 'system-mysql' });
      // WHEN compared with the markers, in strict mode so a left-over empty map would show
      const result = compareObjects(desired, live, {
        mode: 'live',
        ownedFieldsOnly: false,
        removedPaths: [
          '/metadata/ownerReferences/0',
          '/metadata/labels/threescale_component',
          '/spec/template/spec/containers/name=system-app/env/name=MYSQL_HOST',
        ],
      });
      // THEN each is one keyed removal, and the emptied ownerReferences list is not reported again
      expect(result.changes).toEqual([
        { path: 'metadata.labels.threescale_component', op: 'remove', live: 'system' },
        { path: 'metadata.ownerReferences[uid=u1]', op: 'remove', live: { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', name: '3scale', uid: 'u1' } },
        { path: 'spec.template.spec.containers[name=system-app].env[name=MYSQL_HOST]', op: 'remove', live: { name: 'MYSQL_HOST', value: 'system-mysql' } },
      ]);
    });

    it('lets the desired value win when the desired object still has a removed path', () => {
      // GIVEN a marker for a path the desired object sets
      const desired = systemApp();
      const live = clone(desired);
      // WHEN compared
      const result = compareObjects(desired, live, { mode: 'live', removedPaths: ['/spec/replicas'] });
      // THEN nothing is reported
      expect(result.result).toBe('in-sync');
    });
  });

  describe('offline mode (N18)', () => {
    it('is in sync with an exported live object that carries the API defaults', () => {
      // GIVEN a desired Deployment without defaults, and the live export with them (and server noise)
      const desired = systemApp();
      const live = decorateAsServer(withOfflineDefaults(desired), prng(7));
      // WHEN compared offline
      const result = compareObjects(desired, live, { mode: 'offline' });
      // THEN in sync
      expect(result).toMatchObject({ result: 'in-sync', changes: [] });
    });

    it('reports drift in a defaulted field the desired object never mentions (kapp#190)', () => {
      // GIVEN a live Deployment whose progress deadline was edited by hand
      const desired = systemApp();
      const live = withOfflineDefaults(desired);
      (live['spec'] as JsonObject)['progressDeadlineSeconds'] = 300;
      // WHEN compared offline
      const result = compareObjects(desired, live, { mode: 'offline' });
      // THEN the drift shows
      expect(result.changes).toEqual([{ path: 'spec.progressDeadlineSeconds', op: 'replace', desired: 600, live: 300 }]);
    });
  });

  it('masks secrets in changes: equal values stay equal, different values look different (argo-cd#15825)', () => {
    // GIVEN a Secret whose PASSWORD changed and whose USER did not, plus a password env literal
    const desired: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'system-database' }, stringData: { PASSWORD: 'new-pw', USER: 'root' } };
    const live: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'system-database' },
      data: { PASSWORD: Buffer.from('old-pw').toString('base64'), USER: Buffer.from('root').toString('base64') },
      type: 'Opaque',
    };
    // WHEN compared
    const result = compareObjects(desired, live, { mode: 'live' });
    // THEN one masked change, no secret text
    expect(result.changes).toEqual([{ path: 'data.PASSWORD', op: 'replace', desired: '++++++++', live: '++++++++++++++++' }]);
    expect(JSON.stringify(result)).not.toMatch(/new-pw|old-pw|b2xkLXB3/);
  });

  it('returns the duplicate-key findings of both sides (N13, argo-cd#20979)', () => {
    // GIVEN a desired object with a duplicate env name
    const desired = systemApp([
      { name: 'DB', value: 'a' },
      { name: 'DB', value: 'b' },
    ]);
    // WHEN compared
    const result = compareObjects(desired, clone(desired), { mode: 'live' });
    // THEN the finding is there and the verdict is unaffected
    expect(result.result).toBe('in-sync');
    expect(result.findings).toHaveLength(2);
    expect(result.findings.map((f) => f.side)).toEqual(['desired', 'live']);
  });

  it('replaces long strings whole (no jsondiffpatch text diffs)', () => {
    // GIVEN a long annotation value that differs at the end
    const desired = systemApp();
    const live = clone(desired);
    (desired['metadata'] as JsonObject)['annotations'] = { note: `${'x'.repeat(200)}one` };
    (live['metadata'] as JsonObject)['annotations'] = { note: `${'x'.repeat(200)}two` };
    // WHEN compared
    const result = compareObjects(desired, live, { mode: 'live' });
    // THEN the change carries both full values
    expect(result.changes).toEqual([{ path: 'metadata.annotations.note', op: 'replace', desired: `${'x'.repeat(200)}one`, live: `${'x'.repeat(200)}two` }]);
  });

  it('never mutates its inputs', () => {
    // GIVEN frozen inputs
    const desired = systemApp();
    const live = decorateAsServer(desired, prng(3));
    const [d, l] = [JSON.stringify(desired), JSON.stringify(live)];
    // WHEN compared
    compareObjects(desired, live, { mode: 'offline', removedPaths: ['/metadata/uid', '/spec/replicas'] });
    // THEN they are unchanged
    expect(JSON.stringify(desired)).toBe(d);
    expect(JSON.stringify(live)).toBe(l);
  });

  describe('renderChangesText', () => {
    const changes: Change[] = [
      { path: 'data.PASSWORD', op: 'replace', desired: '++++++++', live: '++++++++++++' },
      { path: 'data.USER', op: 'replace', desired: '++++++++', live: 'x' },
      { path: 'spec.replicas', op: 'add', desired: 2 },
      { path: 'metadata.labels.threescale_component', op: 'remove', live: 'system' },
    ];

    it('renders one compact line per change, masks visibly equal', () => {
      // GIVEN changes with masked values
      // WHEN rendered without color
      const text = renderChangesText(changes, { color: false, indent: '  ' });
      // THEN `~ path: live → desired`, `+ path: desired`, `- path`
      expect(text).toBe(
        [
          '  ~ data.PASSWORD: "++++++++++++" → "++++++++"',
          '  ~ data.USER: "x" → "++++++++"',
          '  + spec.replicas: 2',
          '  - metadata.labels.threescale_component',
        ].join('\n'),
      );
    });

    it('colors the markers on request and renders nothing for no changes', () => {
      // GIVEN changes
      // WHEN rendered with color, and an empty list
      const colored = renderChangesText(changes, { color: true });
      // THEN ANSI escapes surround the markers; empty input gives empty text
      expect(colored).toContain('\u001b[33m~\u001b[39m');
      expect(colored).toContain('\u001b[32m+\u001b[39m');
      expect(colored).toContain('\u001b[31m-\u001b[39m');
      expect(renderChangesText([], { color: true })).toBe('');
    });
  });

  describe('properties', () => {
    it('an object is in sync with itself after list reordering, quantity respelling and server decoration', () => {
      fc.assert(
        fc.property(desiredObject, fc.integer(), fc.boolean(), (desired, seed, offline) => {
          // GIVEN a desired object and the live object a server would return for it
          const random = prng(seed);
          const stored = offline ? withOfflineDefaults(desired) : desired;
          const live = decorateAsServer(respellQuantities(reorderKeyedLists(stored, random), random), random);
          // WHEN compared
          const result = compareObjects(desired, live, { mode: offline ? 'offline' : 'live' });
          // THEN in sync
          expect(result.changes).toEqual([]);
          expect(result.result).toBe('in-sync');
        }),
        { numRuns: 300 },
      );
    });

    it('a real change at any desired path is always reported, at that path or an enclosing keyed item', () => {
      fc.assert(
        fc.property(desiredObject, fc.integer(), fc.nat(), (raw, seed, pick) => {
          // GIVEN a desired object and a live copy with one scalar changed (and server decoration)
          const desired = normalize(raw, { mode: 'live', side: 'desired' });
          const leaves = leafPaths(desired);
          const tokens = leaves[pick % leaves.length] as (string | number)[];
          const live = decorateAsServer(mutateLeaf(desired, tokens), prng(seed));
          const expected = keyedPath(desired, tokens);
          // WHEN compared
          const result = compareObjects(desired, live, { mode: 'live' });
          // THEN the change is reported where it happened
          expect(result.result).toBe('changed');
          expect(result.changes.some((c) => c.path === expected || expected.startsWith(`${c.path}.`) || expected.startsWith(`${c.path}[`))).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  });
});
