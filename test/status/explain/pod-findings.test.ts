import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { logTargets, podOwner, podSeverity, podStateLines } from '../../../src/status/explain/pod-findings.js';

function pod(status: Record<string, unknown>, metadata: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: '3scale', ...metadata }, status };
}

describe('podOwner', () => {
  test('GIVEN pods owned by a ReplicaSet, a Job, only labels, or nothing WHEN their owner is asked THEN it is the Deployment, the Job, or the pod itself', () => {
    // GIVEN / WHEN / THEN
    expect(podOwner(pod({}, { labels: { 'pod-template-hash': '5d8f9c7b6d' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'system-app-5d8f9c7b6d', controller: true }] }))).toEqual({ kind: 'Deployment', name: 'system-app' });
    expect(podOwner(pod({}, { ownerReferences: [{ kind: 'Job', name: 'system-app-pre', controller: true }] }))).toEqual({ kind: 'Job', name: 'system-app-pre' });
    expect(podOwner(pod({}, { labels: { deployment: 'zync' } }))).toEqual({ kind: 'Deployment', name: 'zync' });
    expect(podOwner(pod({}))).toEqual({ kind: 'Pod', name: 'p' });
  });
});

describe('podSeverity and podStateLines', () => {
  test('GIVEN a crash-looping container killed for memory WHEN read THEN it is the most severe and both states are lines', () => {
    // GIVEN
    const p = pod({ phase: 'Running', containerStatuses: [{ name: 'c', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } }, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }] });
    // WHEN / THEN
    expect(podSeverity(p)).toBe(3);
    expect(podStateLines(p)).toEqual([
      { container: 'c', line: 'waiting: CrashLoopBackOff: back-off 40s' },
      { container: 'c', line: 'last terminated: OOMKilled (exit code 137)' },
    ]);
  });

  test('GIVEN an unschedulable pod, an evicted pod, a restarted one, a starting one and a healthy one WHEN read THEN severities and lines follow', () => {
    // GIVEN
    const unschedulable = pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] });
    const evicted = pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' });
    const restarted = pod({ phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
    const starting = pod({ phase: 'Pending', containerStatuses: [{ name: 'c', ready: false, state: { waiting: { reason: 'ContainerCreating' } } }] });
    const healthy = pod({ phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: {} } }] });
    // WHEN / THEN
    expect([unschedulable, evicted, restarted, starting, healthy].map(podSeverity)).toEqual([3, 3, 2, 1, 0]);
    expect(podStateLines(unschedulable)).toEqual([{ line: 'PodScheduled False: Unschedulable: 0/3 nodes are available' }]);
    expect(podStateLines(evicted)).toEqual([{ line: 'Failed: Evicted: The node was low on resource: memory.' }]);
    expect([restarted, starting, healthy].flatMap(podStateLines)).toEqual([]);
  });
});

describe('logTargets', () => {
  test('GIVEN running, crashed, terminated, never-started and finished init containers WHEN targets are chosen THEN only containers with a log are read, a crashed one from its previous instance', () => {
    // GIVEN
    const p = pod({
      initContainerStatuses: [
        { name: 'done-init', state: { terminated: { exitCode: 0 } } },
        { name: 'waiting-init', state: { running: {} } },
      ],
      containerStatuses: [
        { name: 'running', state: { running: {} } },
        { name: 'crashed', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } },
        { name: 'failed', state: { terminated: { exitCode: 2 } } },
        { name: 'pulling', state: { waiting: { reason: 'ImagePullBackOff' } } },
      ],
    });
    // WHEN / THEN
    expect(logTargets(p)).toEqual([
      { container: 'waiting-init', previous: false, running: true },
      { container: 'running', previous: false, running: true },
      { container: 'crashed', previous: true, running: false },
      { container: 'failed', previous: false, running: false },
    ]);
  });
});
