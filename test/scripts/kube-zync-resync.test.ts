/**
 * Specification of charts/scripts/kube/zync-resync.sh, run with bash and the built kubectl against the real
 * API server of the tests holding the 2.5 template export plus the pods of system-sidekiq, with the environment
 * the routes phase renders for examples/template-2.5-to-2.6, under a token of the ServiceAccount its chart
 * renders. The server selects the pods by label and `status.phase`; there is no kubelet, so the rake task itself
 * is not run: the server authorizes the exec (RBAC `create` on `pods/exec`) and then answers that the pod has no
 * node, which is as far as a test without a kubelet gets.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { EXAMPLE_PLANS, renderedKubeJob, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { useRealKubeScriptSuite } from '../support/real-api/index.js';

/** A pod of a DeploymentConfig, labelled as the OpenShift deployer labels it, in the given phase. */
function pod(dc: string, suffix: string, phase: 'Pending' | 'Running', container = dc): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${dc}-3-${suffix}`, namespace: '3scale', labels: { deployment: `${dc}-3`, deploymentconfig: dc, deploymentConfig: dc, app: '3scale-api-management' } },
    spec: { containers: [{ name: container, image: 'registry.redhat.io/3scale-amp26/system' }], serviceAccountName: 'default', restartPolicy: 'Always' },
    status: { phase, ...(phase === 'Running' ? { podIP: '10.128.2.17' } : {}) },
  };
}

describe('kube/zync-resync.sh on the real API server, under the Job\'s ServiceAccount', () => {
  let job: RenderedKubeJob;
  const cluster = useRealKubeScriptSuite('template', ['3scale'], () => [job], {
    setup: async () => {
      job = await renderedKubeJob(EXAMPLE_PLANS.template, 'zync-resync');
    },
  });

  it('GIVEN system-sidekiq only Pending and system-app Running WHEN the Job runs THEN it stops naming the selector, and execs nothing', async () => {
    // GIVEN
    await cluster().put(pod('system-sidekiq', 'x7k2p', 'Pending'), pod('system-app', 'q9w4m', 'Running', 'system-master'));

    // WHEN
    const r = await cluster().run();

    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ERROR: no running pod matches deploymentconfig=system-sidekiq in 3scale; expected system-sidekiq to be running on the 2.6 image');
    expect(r.stderr).not.toContain('resyncing Zync domains');
    expect(await cluster().evidence('3scale', 'zync-resync')).toEqual({});
  });

  it('GIVEN a Running system-sidekiq pod WHEN the Job runs THEN it picks that pod and the server authorizes the exec into it (then finds no node to run it on), recording no success', async () => {
    // GIVEN
    await cluster().put(pod('system-sidekiq', 'x7k2p', 'Pending'), pod('system-sidekiq', 'm4t8z', 'Running'));

    // WHEN
    const r = await cluster().run();

    // THEN the running pod was chosen, and the server let the Job's ServiceAccount exec into it: its answer is
    // that the pod has no node (RBAC would have answered "forbidden" first)
    expect(r.stderr).toContain('resyncing Zync domains from system-sidekiq-3-m4t8z');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/ERROR: rake zync:resync:domains failed in system-sidekiq-3-m4t8z \(last line: .*does not have a host assigned/);
    expect(r.stderr).not.toMatch(/forbidden/i);
    expect(await cluster().evidence('3scale', 'zync-resync')).toEqual({});
  });

  it('GIVEN the Job\'s Role without create on pods/exec WHEN the Job runs THEN the server forbids the exec, as on a cluster', async () => {
    // GIVEN
    await cluster().put(pod('system-sidekiq', 'm4t8z', 'Running'));
    const role = structuredClone(job.access.find((o) => o.kind === 'Role')!) as KubeObject & { rules: { resources?: string[]; verbs: string[] }[] };
    role.rules = role.rules.filter((rule) => !rule.resources?.includes('pods/exec'));
    await cluster().put(role);

    // WHEN
    const r = await cluster().run();

    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/ERROR: rake zync:resync:domains failed in system-sidekiq-3-m4t8z \(last line: .*forbidden/);
  });
});
