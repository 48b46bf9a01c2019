/**
 * The real API server harness itself (test/support/real-api): what the other live suites rely on. etcd and the
 * pinned kube-apiserver start on free loopback ports with TLS, token authentication and RBAC, the project's
 * CRDs are served, kubectl is the server's release, and stopping leaves no process behind.
 */
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { IN_CI } from '../support/db-servers.js';
import { apiRequest, adminEndpoint, checkEnvtestBinaries, createNamespace, runKubectl, startRealApiServer, useRealApiServer, type ApiEndpoint } from '../support/real-api/index.js';

describe('real API server harness', () => {
  const server = useRealApiServer();

  test('GIVEN the started server WHEN /version is read THEN it is the release pinned in test/envtest/go.mod', async () => {
    const answer = await apiRequest(adminEndpoint(server()), { method: 'GET', path: '/version' });
    expect(answer.status).toBe(200);
    expect((answer.body as { gitVersion: string }).gitVersion).toMatch(/^v1\.36\.\d+$/);
  });

  test('GIVEN the built kubectl WHEN it asks for both versions THEN client and server are the same release', async () => {
    const result = await runKubectl(server().kubectl, await server().kubeconfig(), ['version', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const versions = JSON.parse(result.stdout) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } };
    expect(versions.clientVersion.gitVersion).toBe(versions.serverVersion.gitVersion);
  });

  test('GIVEN an unknown bearer token WHEN it lists namespaces THEN the server answers 401', async () => {
    const answer = await apiRequest({ ...adminEndpoint(server()), token: 'not-a-token' }, { method: 'GET', path: '/api/v1/namespaces' });
    expect(answer.status).toBe(401);
  });

  test('GIVEN a ServiceAccount without a Role WHEN its token lists Secrets THEN RBAC forbids it, and a RoleBinding allows it', async () => {
    // GIVEN
    const admin = adminEndpoint(server());
    await createNamespace(admin, 'rbac-check');
    await apiRequest(admin, { method: 'POST', path: '/api/v1/namespaces/rbac-check/serviceaccounts', body: { metadata: { name: 'job' } } });
    const sa: ApiEndpoint = { ...admin, token: await server().serviceAccountToken('rbac-check', 'job') };
    // WHEN / THEN
    const before = await apiRequest(sa, { method: 'GET', path: '/api/v1/namespaces/rbac-check/secrets' });
    expect(before.status).toBe(403);
    expect((before.body as { message: string }).message).toContain('system:serviceaccount:rbac-check:job');
    await apiRequest(admin, { method: 'POST', path: '/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-check/roles', body: { metadata: { name: 'read-secrets' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] } });
    await apiRequest(admin, {
      method: 'POST',
      path: '/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-check/rolebindings',
      body: { metadata: { name: 'job' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-secrets' }, subjects: [{ kind: 'ServiceAccount', name: 'job', namespace: 'rbac-check' }] },
    });
    // (the RBAC authorizer reads Roles and RoleBindings through an informer: a new binding takes effect within
    // moments, not at once, so a loaded machine may see the 403 a little longer)
    let after = await apiRequest(sa, { method: 'GET', path: '/api/v1/namespaces/rbac-check/secrets' });
    for (let i = 0; i < 100 && after.status === 403; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await apiRequest(sa, { method: 'GET', path: '/api/v1/namespaces/rbac-check/secrets' });
    }
    expect(after.status).toBe(200);
  });

  test.each([
    ['apps.3scale.net/v1alpha1', 'apimanagers'],
    ['operators.coreos.com/v1alpha1', 'subscriptions'],
    ['operators.coreos.com/v1', 'operatorgroups'],
    ['operators.coreos.com/v1alpha1', 'installplans'],
    ['apps.openshift.io/v1', 'deploymentconfigs'],
    ['image.openshift.io/v1', 'imagestreams'],
    ['route.openshift.io/v1', 'routes'],
    ['config.openshift.io/v1', 'clusterversions'],
    ['packages.operators.coreos.com/v1', 'packagemanifests'],
  ])('GIVEN the installed CRDs WHEN %s %s is listed THEN the server serves it', async (groupVersion, plural) => {
    const answer = await apiRequest(adminEndpoint(server()), { method: 'GET', path: `/apis/${groupVersion}/${plural}` });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect((answer.body as { items: unknown[] }).items).toEqual([]);
  });

  test('GIVEN a new namespace WHEN it is created by the harness THEN it has the default ServiceAccount and kube-root-ca.crt, as on a cluster', async () => {
    const admin = adminEndpoint(server());
    await createNamespace(admin, 'defaults-check');
    expect((await apiRequest(admin, { method: 'GET', path: '/api/v1/namespaces/defaults-check/serviceaccounts/default' })).status).toBe(200);
    const cm = await apiRequest(admin, { method: 'GET', path: '/api/v1/namespaces/defaults-check/configmaps/kube-root-ca.crt' });
    expect((cm.body as { data: Record<string, string> }).data['ca.crt']).toBe(server().caPem);
  });

  test('GIVEN a kubeconfig with a namespace WHEN kubectl applies server-side THEN the object is stored with that field manager', async () => {
    const kubeconfig = await server().kubeconfig({ namespace: 'default' });
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: "1"\n';
    const result = await runKubectl(server().kubectl, kubeconfig, ['apply', '--server-side', '--field-manager=argocd-controller', '-f', '-'], cm);
    expect(result.code, result.stderr).toBe(0);
    const got = await apiRequest(adminEndpoint(server()), { method: 'GET', path: '/api/v1/namespaces/default/configmaps/applied' });
    const managers = (got.body as { metadata: { managedFields: { manager: string; operation: string }[] } }).metadata.managedFields;
    expect(managers.map((m) => `${m.manager}/${m.operation}`)).toEqual(['argocd-controller/Apply']);
  });
});

describe('real API server harness: stop', () => {
  const check = checkEnvtestBinaries();

  test.skipIf(!check.ok && !IN_CI)('GIVEN a started server WHEN it is stopped THEN its port refuses connections and its kubeconfig folder is gone', async () => {
    // GIVEN
    const server = await startRealApiServer();
    const kubeconfig = await server.kubeconfig();
    // WHEN
    await server.stop();
    // THEN
    await expect(apiRequest(adminEndpoint(server), { method: 'GET', path: '/readyz' })).rejects.toThrow(/ECONNREFUSED/);
    expect(existsSync(kubeconfig)).toBe(false);
  });
});
