import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { warningEvents } from '../../../src/status/explain/warning-events.js';

describe('warningEvents', () => {
  test('GIVEN core/v1 and events.k8s.io/v1 Events, Normal and Warning WHEN normalized THEN only warnings remain, in time order, with container and count', () => {
    // GIVEN
    const objects = [
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'a', namespace: '3scale' }, type: 'Warning', reason: 'BackOff', message: 'Back-off restarting  failed container', count: 7, lastTimestamp: '2025-07-01T10:00:00Z', involvedObject: { kind: 'Pod', name: 'system-app-1', fieldPath: 'spec.containers{system-master}' } },
      { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'b', namespace: '3scale-db' }, type: 'Warning', reason: 'ProvisioningFailed', note: 'no class', regarding: { kind: 'PersistentVolumeClaim', name: 'data', namespace: '3scale-db' }, series: { count: 2, lastObservedTime: '2025-07-01T09:00:00Z' } },
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'c', namespace: '3scale' }, type: 'Normal', reason: 'Pulled', message: 'ok', involvedObject: { kind: 'Pod', name: 'x' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd', namespace: '3scale' } },
    ] as KubeObject[];
    // WHEN
    const events = warningEvents(objects);
    // THEN
    expect(events).toEqual([
      { namespace: '3scale-db', object: { kind: 'PersistentVolumeClaim', name: 'data' }, reason: 'ProvisioningFailed', message: 'no class', count: 2, lastSeen: '2025-07-01T09:00:00Z', line: 'ProvisioningFailed: no class' },
      { namespace: '3scale', object: { kind: 'Pod', name: 'system-app-1' }, container: 'system-master', reason: 'BackOff', message: 'Back-off restarting failed container', count: 7, lastSeen: '2025-07-01T10:00:00Z', line: 'BackOff: Back-off restarting failed container' },
    ]);
  });
});
