import { describe, expect, it } from 'vitest';
import type { JsonObject, KubeObject } from '../../src/diff/json.js';
import { defaultImagePullPolicy, withOfflineDefaults } from '../../src/diff/offline-defaults.js';

describe('offline-defaults', () => {
  it.each([
    ['redis', 'Always'],
    ['redis:latest', 'Always'],
    ['quay.io/3scale/porta:2.15', 'IfNotPresent'],
    ['registry.local:5000/redis', 'Always'],
    ['registry.local:5000/redis:7', 'IfNotPresent'],
    ['quay.io/3scale/porta@sha256:0123abcd', 'IfNotPresent'],
  ])('imagePullPolicy of %s defaults to %s', (image, expected) => {
    // GIVEN an image reference
    // WHEN its default pull policy is derived
    // THEN it follows the API rule (Always for :latest or no tag, else IfNotPresent)
    expect(defaultImagePullPolicy(image)).toBe(expected);
  });

  it('is pure and idempotent', () => {
    // GIVEN a complete Deployment
    const dep: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'c', image: 'c:1' }] } } },
    };
    const before = JSON.stringify(dep);
    // WHEN defaulted twice
    const once = withOfflineDefaults(dep);
    const twice = withOfflineDefaults(once);
    // THEN the input is untouched and the second pass adds nothing
    expect(JSON.stringify(dep)).toBe(before);
    expect(twice).toEqual(once);
    expect((once['spec'] as JsonObject)['revisionHistoryLimit']).toBe(10);
  });

  it('defaults Job completions only when parallelism is unset too (work-queue Jobs keep completions unset)', () => {
    // GIVEN a work-queue Job with parallelism and no completions
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: { parallelism: 3, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'c:1' }] } } },
    };
    // WHEN defaulted
    const out = withOfflineDefaults(job);
    // THEN completions stays unset
    expect((out['spec'] as JsonObject)['completions']).toBeUndefined();
    expect((out['spec'] as JsonObject)['parallelism']).toBe(3);
  });

  it('GIVEN a replica overlay that carries its selector (for Flux) WHEN defaulted THEN nothing is added: a rendered partial object gets no defaults', () => {
    // GIVEN the overlay as synth renders it: replicas, the live selector, an empty container list
    const overlay: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'system-app', annotations: { 'threescale-migrate.3scale.net/partial': 'true' } },
      spec: { replicas: 0, selector: { matchLabels: { deployment: 'system-app' } }, template: { spec: { containers: [] } } },
    };
    // WHEN defaulted
    const out = withOfflineDefaults(overlay);
    // THEN no revisionHistoryLimit, strategy or progress deadline (the operator's values are not "defaults")
    expect(out).toEqual(overlay);
  });

  it('does not default pod specs whose containers lack an image (partial server-side-apply patches)', () => {
    // GIVEN a partial Deployment patching one env var of a container
    const partial: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'system-app' },
      spec: { template: { spec: { containers: [{ name: 'system-app', env: [{ name: 'A', value: '1' }] }] } } },
    };
    // WHEN defaulted
    // THEN nothing is added
    expect(withOfflineDefaults(partial)).toEqual(partial);
  });
});
