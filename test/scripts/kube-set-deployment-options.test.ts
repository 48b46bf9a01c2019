/**
 * Specification of charts/scripts/kube/set-deployment-options.sh, run with bash and the real curl against a
 * loopback server answering the 3scale Account Management API (test/support/fake-account-management-api.ts),
 * with the environment the routes phase renders for examples/template-2.5-to-2.6 (the tenant URL pointed
 * at the loopback server, the token given as the Secret would give it). A curl wrapper on PATH records
 * curl's command lines, to show the token never appears there. Evidence goes to the real API server of the
 * tests, written under a token of the ServiceAccount the chart renders (its RBAC decides, as on a cluster).
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findBinary, IN_CI, type ScriptResult } from '../support/db-servers.js';
import { type FakeAccountManagementApi, startFakeAccountManagementApi } from '../support/fake-account-management-api.js';
import { EXAMPLE_PLANS, renderedKubeJob, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { useRealKubeScriptSuite } from '../support/real-api/index.js';

/** A token with characters that must be percent-encoded in a form body. */
const TOKEN = 'FakeAdminApiToken+/=&7Qw';

describe.skipIf(!findBinary('curl') && !IN_CI)('kube/set-deployment-options.sh, evidence on the real API server', () => {
  let job: RenderedKubeJob;
  let tenant: FakeAccountManagementApi;
  let dir: string;
  const cluster = useRealKubeScriptSuite(undefined, ['3scale'], () => [job], {
    setup: async () => {
      job = await renderedKubeJob(EXAMPLE_PLANS.template, 'set-deployment-options');
    },
  });

  beforeEach(async () => {
    const curl = findBinary('curl');
    if (!curl) throw new Error('curl is missing; install it (Debian package curl), as .ci/run does');
    dir = await mkdtemp(join(tmpdir(), 'tsm-deployment-options-'));
    tenant = await startFakeAccountManagementApi(TOKEN, { 2: { name: 'api', deployment_option: 'hosted' }, 5: { name: 'echo', deployment_option: 'hosted' } });
    // curl as the Job has it, but recording each command line first.
    await writeFile(join(dir, 'curl'), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >>"${join(dir, 'argv.log')}"\nexec ${curl} "$@"\n`);
    await chmod(join(dir, 'curl'), 0o755);
  });

  afterEach(async () => {
    await tenant?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs the Job's script with SERVICES aimed at the loopback tenant and the token as the Secret gives it. */
  const run = (services: string, token = TOKEN): Promise<ScriptResult> =>
    cluster().run({ SERVICES: services, ACCESS_TOKEN: token, PATH: [dir, dirname(cluster().server.kubectl), process.env.PATH ?? '/usr/bin:/bin'].join(delimiter) });
  const argv = async () => readFile(join(dir, 'argv.log'), 'utf8').catch(() => '');
  const result = async () => (await cluster().evidence('3scale', 'set-deployment-options'))['set-deployment-options.result'];

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
    expect(await result()).toBe('set the deployment option of 2 services');
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
    expect(await cluster().evidence('3scale', 'set-deployment-options')).toEqual({});
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
