/**
 * Specification of charts/scripts/kube/zync-resync.sh, run with bash and the real kubectl against the fake
 * API server holding the 2.5 template export plus the pods of system-sidekiq, with the environment the routes
 * phase renders for examples/template-2.5-to-2.6. The fake server selects pods by label and by
 * `status.phase` as kube-apiserver does; it does not speak the exec streaming protocols, so the rake task
 * itself is not run here: the tests stop at the exec request kubectl makes.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { checkKubectl, EXAMPLE_PLANS, evidenceOf, OPENSHIFT_APIS, renderedKubeJob, requestsOutsideRole, skipKubectlSuite, useKubeScriptSuite, type RenderedKubeJob } from '../support/fake-api-kubectl.js';

const kubectl = checkKubectl();

/** A pod of a DeploymentConfig, labelled as the OpenShift deployer labels it, in the given phase. */
function pod(dc: string, suffix: string, phase: 'Pending' | 'Running', container = dc): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${dc}-3-${suffix}`, namespace: '3scale', labels: { deployment: `${dc}-3`, deploymentconfig: dc, deploymentConfig: dc, app: '3scale-api-management' } },
    spec: { containers: [{ name: container, image: 'registry.redhat.io/3scale-amp26/system' }], serviceAccountName: 'amp', restartPolicy: 'Always' },
    status: { phase, ...(phase === 'Running' ? { podIP: '10.128.2.17' } : {}) },
  };
}

describe.skipIf(skipKubectlSuite(kubectl))('kube/zync-resync.sh', () => {
  let job: RenderedKubeJob;
  const kube = useKubeScriptSuite(kubectl, 'template', {
    clusterPerTest: ['3scale'],
    apis: OPENSHIFT_APIS,
    setup: async () => {
      job = await renderedKubeJob(EXAMPLE_PLANS.template, 'zync-resync');
    },
  });

  it('GIVEN system-sidekiq only Pending and system-app Running WHEN the Job runs THEN it stops naming the selector, and execs nothing', async () => {
    // GIVEN
    kube.cluster.api.store.put(pod('system-sidekiq', 'x7k2p', 'Pending'));
    kube.cluster.api.store.put(pod('system-app', 'q9w4m', 'Running', 'system-master'));

    // WHEN
    const r = await kube.cluster.run(job);

    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ERROR: no running pod matches deploymentconfig=system-sidekiq in 3scale; expected system-sidekiq to be running on the 2.6 image');
    expect(kube.cluster.api.requests.filter((q) => q.path.endsWith('/exec'))).toEqual([]);
    expect(evidenceOf(kube.cluster.api, '3scale', 'zync-resync')).toEqual({});
  });

  it('GIVEN a Running system-sidekiq pod WHEN the Job runs THEN kubectl execs the rake task in its system-sidekiq container, as the Role allows', async () => {
    // GIVEN
    kube.cluster.api.store.put(pod('system-sidekiq', 'x7k2p', 'Pending'));
    kube.cluster.api.store.put(pod('system-sidekiq', 'm4t8z', 'Running'));

    // WHEN
    const r = await kube.cluster.run(job);

    // THEN the LIST asked for running sidekiq pods only, and the exec went to the running one
    const list = kube.cluster.api.requests.find((q) => q.method === 'GET' && q.path === '/api/v1/namespaces/3scale/pods')!;
    expect(list.query).toMatchObject({ labelSelector: 'deploymentconfig=system-sidekiq', fieldSelector: 'status.phase=Running' });
    const exec = kube.cluster.api.requests.filter((q) => q.path.endsWith('/exec'));
    expect(exec.length).toBeGreaterThan(0);
    expect(exec.every((q) => q.path === '/api/v1/namespaces/3scale/pods/system-sidekiq-3-m4t8z/exec')).toBe(true);
    expect(exec[0]!.query.container).toBe('system-sidekiq');
    expect(requestsOutsideRole(kube.cluster.api.requests, job)).toEqual([]);
    // AND as the fake cannot stream, the Job fails naming the pod, without recording success
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('resyncing Zync domains from system-sidekiq-3-m4t8z');
    expect(r.stderr).toContain('ERROR: rake zync:resync:domains failed in system-sidekiq-3-m4t8z');
    expect(evidenceOf(kube.cluster.api, '3scale', 'zync-resync')).toEqual({});
  });
});
