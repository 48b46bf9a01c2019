/**
 * Specification of src/synth/phase-local-digest.ts: a Job's helpers (phase-local, not hooks) carry the plan
 * digest, so a changed plan makes the folder differ from the cluster and Argo CD runs the phase's Jobs again.
 */
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { PLAN_DIGEST_ANNOTATION, withPlanDigest } from '../../src/synth/phase-local-digest.js';

const SCOPE = 'threescale-migrate.3scale.net/scope';
const obj = (kind: string, annotations?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'ns', ...(annotations ? { annotations } : {}) } });

describe('withPlanDigest', () => {
  test('GIVEN a Job helper (scope phase, no hook) WHEN rendered THEN it carries the plan digest, other annotations kept', () => {
    expect(withPlanDigest(obj('ConfigMap', { [SCOPE]: 'phase', a: 'b' }), 'abc').metadata.annotations).toEqual({ [SCOPE]: 'phase', a: 'b', [PLAN_DIGEST_ANNOTATION]: 'abc' });
  });

  test('GIVEN two plans WHEN the same helper is rendered for each THEN the two differ (a changed plan makes the folder differ)', () => {
    const helper = obj('Role', { [SCOPE]: 'phase' });
    expect(withPlanDigest(helper, 'one')).not.toEqual(withPlanDigest(helper, 'two'));
  });

  test('GIVEN a hook Job, an object carried from phase to phase, or one without annotations WHEN rendered THEN it is left as it is', () => {
    for (const o of [obj('Job', { [SCOPE]: 'phase', 'argocd.argoproj.io/hook': 'Sync' }), obj('ConfigMap', { [SCOPE]: 'state' }), obj('Service')]) expect(withPlanDigest(o, 'abc')).toBe(o);
  });
});
