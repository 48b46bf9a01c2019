/**
 * Specification of charts/scripts/kube/set-deployment-options.sh, run with bash and the real curl against a
 * loopback server answering the 3scale Account Management API (test/support/fake-account-management-api.ts),
 * with the environment the routes phase renders for examples/template-2.5-to-2.6 (the tenant URL pointed
 * at the loopback server, the token given as the Secret would give it). A curl wrapper on PATH records
 * curl's command lines, to show the token never appears there. Evidence goes to the fake API server.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findBinary, runScript, type ScriptResult } from '../support/db-servers.js';
import { type FakeAccountManagementApi, startFakeAccountManagementApi } from '../support/fake-account-management-api.js';
import { checkKubectl, EXAMPLE_PLANS, evidenceOf, renderedKubeJob, skipKubectlSuite, startKubeScriptCluster, type KubeScriptCluster, type RenderedKubeJob, failInCiIfKubectlMissing } from '../support/fake-api-kubectl.js';

const kubectl = checkKubectl();
/** A token with characters that must be percent-encoded in a form body. */
const TOKEN = 'FakeAdminApiToken+/=&7Qw';

describe.skipIf(skipKubectlSuite(kubectl) || !findBinary('curl'))('kube/set-deployment-options.sh', () => {
  let job: RenderedKubeJob;
  let cluster: KubeScriptCluster;
  let tenant: FakeAccountManagementApi;
  let dir: string;

  beforeEach(async () => {
    failInCiIfKubectlMissing(kubectl);
    job ??= await renderedKubeJob(EXAMPLE_PLANS.template, 'set-deployment-options');
    dir = await mkdtemp(join(tmpdir(), 'tsm-deployment-options-'));
    cluster = await startKubeScriptCluster([], { namespaces: ['3scale'], home: join(dir, 'home') });
    tenant = await startFakeAccountManagementApi(TOKEN, { 2: { name: 'api', deployment_option: 'hosted' }, 5: { name: 'echo', deployment_option: 'hosted' } });
    // curl as the Job has it, but recording each command line first.
    await writeFile(join(dir, 'curl'), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >>"${join(dir, 'argv.log')}"\nexec ${findBinary('curl')} "$@"\n`);
    await chmod(join(dir, 'curl'), 0o755);
  });

  afterEach(async () => {
    await tenant?.close();
    await cluster?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the Job's script with SERVICES aimed at the loopback tenant and the token as the Secret gives it. */
  const run = (services: string, token = TOKEN): Promise<ScriptResult> =>
    runScript(job.script, { ...job.env, SERVICES: services, ACCESS_TOKEN: token, WORK: cluster.work, KUBECONFIG: cluster.kubeconfig, HOME: join(dir, 'home') }, { pathPrefix: [dir], timeoutMs: 60_000 });
  const argv = async () => readFile(join(dir, 'argv.log'), 'utf8').catch(() => '');

  it('GIVEN the example plan WHEN the routes phase renders THEN the Job lists the service and reads the token from the Secret reference', () => {
    expect(job).toMatchObject({ namespace: '3scale', script: 'kube/set-deployment-options.sh' });
    expect(job.env.SERVICES).toBe('https://3scale-admin.apps.example.com 2 self_managed');
    expect(job.secretEnv).toEqual({ ACCESS_TOKEN: { name: 'threescale-admin-token', key: 'ACCESS_TOKEN' } });
  });

  it('GIVEN two services WHEN the Job runs THEN each gets its option by a PUT with the token in the form body, never on a command line or in the log', async () => {
    // GIVEN / WHEN
    const r = await run(`${tenant.url} 2 self_managed\n${tenant.url} 5 hosted`);

    // THEN
    expect(r.code, r.stderr).toBe(0);
    expect(tenant.services.get(2)?.deployment_option).toBe('self_managed');
    expect(tenant.services.get(5)?.deployment_option).toBe('hosted');
    expect(tenant.requests).toEqual([
      { method: 'PUT', path: '/admin/api/services/2.json', query: '', contentType: 'application/x-www-form-urlencoded', tokenAccepted: true, params: { deployment_option: 'self_managed' } },
      { method: 'PUT', path: '/admin/api/services/5.json', query: '', contentType: 'application/x-www-form-urlencoded', tokenAccepted: true, params: { deployment_option: 'hosted' } },
    ]);
    expect(r.stderr).toContain(`service 2 of ${tenant.url}: deployment_option self_managed`);
    expect(evidenceOf(cluster.api, '3scale', 'set-deployment-options')['set-deployment-options.result']).toBe('set the deployment option of 2 services');
    for (const text of [r.stdout, r.stderr, await argv()]) expect(text).not.toContain('FakeAdminApiToken');
    expect(await argv()).toContain(`${tenant.url}/admin/api/services/2.json`);
  });

  it('GIVEN a token the tenant refuses WHEN the Job runs THEN it stops saying so, without the token', async () => {
    // GIVEN / WHEN
    const r = await run(`${tenant.url} 2 self_managed`, 'FakeAdminApiToken-revoked');

    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`ERROR: service 2 of ${tenant.url}: the access token was refused (HTTP 403); expected a token with Account Management API read-write scope`);
    expect(tenant.services.get(2)?.deployment_option).toBe('hosted');
    expect(r.stderr + (await argv())).not.toContain('FakeAdminApiToken');
    expect(evidenceOf(cluster.api, '3scale', 'set-deployment-options')).toEqual({});
  });

  it('GIVEN a service id the tenant does not have WHEN the Job runs THEN it stops naming the service', async () => {
    const r = await run(`${tenant.url} 9 hosted`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`ERROR: service 9 of ${tenant.url}: not found (HTTP 404); expected an existing service id`);
  });

  it('GIVEN an option other than hosted or self_managed WHEN the Job runs THEN it stops before any request', async () => {
    const r = await run(`${tenant.url} 2 on_premise`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`ERROR: service 2 of ${tenant.url}: deployment option "on_premise" is not hosted or self_managed`);
    expect(tenant.requests).toEqual([]);
  });
});
