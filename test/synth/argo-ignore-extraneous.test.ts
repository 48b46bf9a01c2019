/**
 * Specification of src/synth/argo-ignore-extraneous.ts: every rendered object except Argo CD hooks carries the
 * compare option IgnoreExtraneous, so objects a moved pointer leaves behind (never pruned) do not keep the one
 * Application OutOfSync. The walk on the real engine (test/gitops/argocd-walk.test.ts) shows the status it fixes.
 */
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { withIgnoreExtraneous } from '../../src/synth/argo-ignore-extraneous.js';

const COMPARE = 'argocd.argoproj.io/compare-options';
const cm = (annotations?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns', ...(annotations ? { annotations } : {}) } });

describe('withIgnoreExtraneous', () => {
  test('GIVEN an object without annotations WHEN rendered THEN it gets compare-options IgnoreExtraneous and nothing else changes', () => {
    const before = cm();
    expect(withIgnoreExtraneous(before)).toEqual({ ...before, metadata: { ...before.metadata, annotations: { [COMPARE]: 'IgnoreExtraneous' } } });
    expect(before.metadata.annotations).toBeUndefined();
  });

  test('GIVEN compare options already set WHEN rendered THEN IgnoreExtraneous is appended to the list, once', () => {
    expect(withIgnoreExtraneous(cm({ [COMPARE]: 'ServerSideDiff=true', other: 'x' })).metadata.annotations).toEqual({ [COMPARE]: 'ServerSideDiff=true,IgnoreExtraneous', other: 'x' });
    expect(withIgnoreExtraneous(cm({ [COMPARE]: ' IgnoreExtraneous , ServerSideDiff=true' })).metadata.annotations).toEqual({ [COMPARE]: ' IgnoreExtraneous , ServerSideDiff=true' });
    expect(withIgnoreExtraneous(cm({ [COMPARE]: ',,' })).metadata.annotations).toEqual({ [COMPARE]: 'IgnoreExtraneous' });
  });

  test('GIVEN an Argo CD hook (a phase Job) WHEN rendered THEN it is left as it is (hooks are outside the sync status)', () => {
    const job = { ...cm({ 'argocd.argoproj.io/hook': 'Sync' }), apiVersion: 'batch/v1', kind: 'Job' };
    expect(withIgnoreExtraneous(job)).toBe(job);
  });
});
