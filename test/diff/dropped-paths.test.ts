import { describe, expect, test } from 'vitest';
import { droppedPaths } from '../../src/diff/dropped-paths.js';
import type { KubeObject } from '../../src/diff/json.js';

function worker(env: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'worker', namespace: 'ns', labels: { app: 'worker', ...((extra['labels'] as Record<string, string>) ?? {}) } },
    spec: {
      selector: { matchLabels: { app: 'worker' } },
      template: {
        metadata: { labels: { app: 'worker' } },
        spec: { containers: [{ name: 'worker', image: 'registry.example/worker:1', env: Object.entries(env).map(([name, value]) => ({ name, value })), ...((extra['container'] as object) ?? {}) }] },
      },
    },
  } as KubeObject;
}

describe('droppedPaths', () => {
  test.each([
    {
      given: 'no earlier version',
      earlier: [],
      current: worker({ A: '1' }),
      expected: [],
    },
    {
      given: 'an earlier version with one more env item',
      earlier: [worker({ A: '1', OLD: '2' })],
      current: worker({ A: '1' }),
      expected: ['/spec/template/spec/containers/name=worker/env/name=OLD'],
    },
    {
      given: 'an earlier version with one more label, and one whose env value became a reference',
      earlier: [worker({ A: '1' }, { labels: { tier: 'backend' } })],
      current: { ...worker({}), spec: { ...(worker({}).spec as object), template: { metadata: { labels: { app: 'worker' } }, spec: { containers: [{ name: 'worker', image: 'registry.example/worker:1', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] } } } } as KubeObject,
      expected: ['/metadata/labels/tier', '/spec/template/spec/containers/name=worker/env/name=A/value'],
    },
    {
      given: 'an earlier version that spelled a default out (imagePullPolicy) and a quantity differently',
      earlier: [worker({}, { container: { imagePullPolicy: 'IfNotPresent', resources: { limits: { memory: '1024Mi' } } } })],
      current: worker({}, { container: { resources: { limits: { memory: '1Gi' } } } }),
      expected: [],
    },
    {
      given: 'two earlier versions dropping the same item, and a null without a default in the current one',
      earlier: [worker({ A: '1', OLD: '2' }), worker({ A: '1', OLD: '3' })],
      current: { ...worker({ A: '1' }), spec: { ...(worker({ A: '1' }).spec as object), paused: null } } as KubeObject,
      expected: ['/spec/paused', '/spec/template/spec/containers/name=worker/env/name=OLD'],
    },
    {
      given: 'an earlier version with env items and a current one without any (an empty list is no list)',
      earlier: [worker({ A: '1' })],
      current: worker({}),
      expected: ['/spec/template/spec/containers/name=worker/env'],
    },
  ])('GIVEN $given WHEN the dropped paths are computed THEN they are $expected', ({ earlier, current, expected }) => {
    expect(droppedPaths(earlier, current)).toEqual(expected);
  });
});
