/**
 * `diff` and `status` when the real API server refuses or lacks what they read (PostgreSQL 2.15 install): a
 * user bound to no Role (RBAC forbids every LIST: each phase unknown, naming the refused LIST, exit 2), and a
 * cluster without the APIManager CRD (one sentence, exit 2). No stack trace either way.
 */
import { describe, expect, test } from 'vitest';
import { adminEndpoint, apiRequestOk } from '../support/real-api/index.js';
import { requestServiceAccountToken } from '../support/real-api/service-account-token.js';
import { cli, leakedInTranscript } from './harness.js';
import { useRealMigration } from './real-api-flow.js';

describe('diff and status refused by the real API server', () => {
  const m = useRealMigration({ fixture: 'postgresql', engine: 'argocd-controller', namespaces: ['3scale', '3scale-db'], tempPrefix: 'e2e-real-refusals' });

  test('GIVEN a ServiceAccount bound to no Role WHEN diff and status run under its token THEN exit 2, one sentence on stderr, every phase unknown with the LIST RBAC forbade', async () => {
    // GIVEN
    const admin = adminEndpoint(m.server());
    await apiRequestOk(admin, { method: 'POST', path: '/api/v1/namespaces/3scale/serviceaccounts', body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'nobody', namespace: '3scale' } } });
    const kubeconfig = await m.server().kubeconfig({ token: await requestServiceAccountToken(admin, '3scale', 'nobody'), namespace: '3scale' });
    // WHEN
    const diff = await cli(['diff', '-c', m.planPath(), '--kubeconfig', kubeconfig, '--phase', 'scale-down']);
    const status = await cli(['status', '-c', m.planPath(), '--kubeconfig', kubeconfig, '--phase', 'scale-down']);
    // THEN one sentence on stderr, and the report names, per phase, the first LIST the server refused; nothing is judged in sync or missing
    expect({ code: diff.code, stderr: diff.stderr }).toEqual({ code: 2, stderr: 'error: cannot list namespaces in all namespaces: forbidden (HTTP 403)\n' });
    const phaseLines = diff.stdout.split('\n').filter((l) => /^ {2}\d\d-[a-z-]+ /.test(l));
    expect(phaseLines).toHaveLength(8);
    for (const line of phaseLines) expect(line).toMatch(/^ {2}\d\d-[a-z-]+ +unknown +cannot list [a-z.]+ in (namespace 3scale(-db)?|all namespaces): forbidden \(HTTP 403\)$/);
    expect(diff.stdout).toContain('  00-preflight   unknown      cannot list configmaps in namespace 3scale: forbidden (HTTP 403)');
    expect(diff.stdout).not.toMatch(/: (missing|in-sync)$/m);
    // AND status exits as diff does, with the same reason
    expect(status.code).toBe(2);
    expect(status.stdout).toContain('cannot list configmaps in namespace 3scale: forbidden (HTTP 403)');
    expect(status.stderr).toBe(diff.stderr);
  });

  test('GIVEN the APIManager CRD removed from the cluster WHEN diff runs THEN exit 2, one sentence naming the kind, its API group and the operator, no stack trace', async () => {
    // GIVEN
    const admin = adminEndpoint(m.server());
    await apiRequestOk(admin, { method: 'DELETE', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/apimanagers.apps.3scale.net' });
    // WHEN (the server stops serving the group a moment after the DELETE)
    const diff = () => cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'scale-down']);
    let run = await diff();
    for (let i = 0; i < 20 && run.code !== 2; i += 1) {
      await new Promise((r) => setTimeout(r, 250));
      run = await diff();
    }
    // THEN
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 2,
      stderr: 'error: cannot list APIManager objects in namespace 3scale: the cluster does not serve apps.3scale.net/v1alpha1, is the 3scale operator installed? (HTTP 404)\n',
    });
    // AND the report still printed says the APIManager's phases are not judged in sync
    expect(run.stdout).not.toContain('in sync');
    expect(leakedInTranscript()).toEqual([]);
  });
});
