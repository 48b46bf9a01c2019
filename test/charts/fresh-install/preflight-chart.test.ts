/**
 * Specification of charts/fresh-install/preflight-chart.ts: the namespaces and the check-images Job.
 */
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { render } from '../../../charts/fresh-install/preflight-chart.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { contextFor, find, loadFreshInstallExample, refs } from '../../support/plans.js';

type JobSpec = { template: { spec: { containers: { image: string; env: { name: string; value?: string }[] }[]; volumes: { name: string; secret?: { secretName: string; optional: boolean } }[] } } };

describe('fresh-install preflight chart', () => {
  it('GIVEN the OpenShift plan WHEN rendered THEN the namespace and a Job checking every mirror image for amd64 with the plan\'s pull secret', () => {
    // GIVEN
    const loaded = loadFreshInstallExample('fresh-install-openshift');

    // WHEN
    const objects = render(new App(), 'preflight', contextFor(loaded, 'preflight')).toJson() as KubeObject[];

    // THEN
    expect(refs(objects)).toContain('Namespace /api-management');
    const spec = find(objects, 'Job', 'check-images').spec as JobSpec;
    const env = Object.fromEntries(spec.template.spec.containers[0]!.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    expect(spec.template.spec.containers[0]!.image).toBe('mirror.example.internal:5000/openshift4/ose-cli:latest');
    expect(env.ARCHITECTURES).toBe('amd64');
    expect(env.IMAGES!.split('\n')).toEqual([
      'mirror.example.internal:5000/rhel9/redis-7',
      'mirror.example.internal:5000/3scale-amp2/apicast-gateway-rhel9:3scale2.16',
      'mirror.example.internal:5000/3scale-amp2/backend-rhel9:3scale2.16',
      'mirror.example.internal:5000/3scale-amp2/system-rhel9:3scale2.16',
      'mirror.example.internal:5000/3scale-amp2/zync-rhel9:3scale2.16',
      'mirror.example.internal:5000/openshift4/ose-cli:latest',
    ]);
    expect(spec.template.spec.volumes.find((v) => v.name === 'pull-secret')?.secret).toMatchObject({ secretName: 'mirror-pull-secret', optional: true });
  });
});
