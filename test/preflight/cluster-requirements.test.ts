/**
 * Specification of what a fresh install asks of the nodes (src/procedures/fresh-install/cluster-requirements.ts).
 */
import { describe, expect, it } from 'vitest';
import { cpuMillis, installPodRequests, memoryBytes } from '../../src/procedures/fresh-install/cluster-requirements.js';
import { freshInstallPlanWith, loadFreshInstallExample } from '../support/plans.js';

describe('installPodRequests', () => {
  it('GIVEN the ROSA plan (requirements on, three on-cluster servers) WHEN listed THEN 15 pods, largest CPU first (then memory)', () => {
    // GIVEN / WHEN
    const pods = installPodRequests(loadFreshInstallExample('fresh-install-rosa').plan);

    // THEN
    expect(pods).toHaveLength(15);
    expect(pods.slice(0, 4).map((p) => `${p.pod} ${p.cpuMillis}m`)).toEqual(['backend-redis-external 1000m', 'system-redis-external 1000m', 'backend-listener 500m', 'apicast-production 500m']);
    expect(pods.reduce((a, p) => a + p.cpuMillis, 0)).toBe(4380);
  });

  it('GIVEN 2 system-app replicas and requirements off WHEN listed THEN only the on-cluster servers request, the operator pods nothing', () => {
    // GIVEN / WHEN
    const pods = installPodRequests(loadFreshInstallExample('fresh-install-openshift').plan);

    // THEN
    expect(pods.map((p) => p.pod)).toEqual(['backend-redis-external', 'system-redis-external']);
  });

  it('GIVEN requirements on and 2 system-app replicas WHEN listed THEN each replica is a pod of its own', () => {
    // GIVEN
    const plan = freshInstallPlanWith('fresh-install-openshift', (raw) => (raw.spec.threescale.resourceRequirementsEnabled = true)).plan;

    // WHEN / THEN
    expect(installPodRequests(plan).filter((p) => p.pod.startsWith('system-app')).map((p) => `${p.pod} ${p.cpuMillis}m ${p.memoryBytes / 1024 / 1024}Mi`)).toEqual([
      'system-app #1 150m 1800Mi',
      'system-app #2 150m 1800Mi',
    ]);
  });

  it('GIVEN quantities as the API server writes them WHEN converted THEN millicores and bytes round up', () => {
    // GIVEN / WHEN / THEN
    expect([cpuMillis('3500m'), cpuMillis('4'), cpuMillis('0.1'), cpuMillis('1n')]).toEqual([3500, 4000, 100, 1]);
    expect([memoryBytes('14848908Ki'), memoryBytes('250M'), memoryBytes('1Gi')]).toEqual([14848908 * 1024, 250_000_000, 1024 ** 3]);
  });
});
