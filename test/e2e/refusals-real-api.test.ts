/**
 * `diff` and `status` when the real API server refuses or lacks what they read (PostgreSQL 2.15 install): a
 * user bound to no Role (RBAC forbids every LIST), and a cluster without the APIManager CRD. Each is one
 * sentence on stderr naming what failed, exit 2 for the user's side, and no stack trace.
 */
import { describe, expect, test } from 'vitest';
import { adminEndpoint, apiRequestOk } from '../support/real-api/index.js';
import { requestServiceAccountToken } from '../support/real-api/service-account-token.js';
import { cli, leakedInTranscript } from './harness.js';
import { useRealMigration } from './real-api-flow.js';

describe('diff and status refused by the real API server', () => {
  const m = useRealMigration({ fixture: 'postgresql', engine: 'argocd-controller', namespaces: ['3scale', '3scale-db'], tempPrefix: 'e2e-real-refusals' });

  test('GIVEN a ServiceAccount bound to no Role WHEN diff and status run under its token THEN exit 2, one sentence naming the forbidden LIST, no stack trace', async () => {
    // GIVEN
    const admin = adminEndpoint(m.server());
    await apiRequestOk(admin, { method: 'POST', path: '/api/v1/namespaces/3scale/serviceaccounts', body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'nobody', namespace: '3scale' } } });
    const kubeconfig = await m.server().kubeconfig({ token: await requestServiceAccountToken(admin, '3scale', 'nobody'), namespace: '3scale' });
    for (const command of ['diff', 'status']) {
      // WHEN
      const run = await cli([command, '-c', m.planPath(), '--kubeconfig', kubeconfig, '--phase', 'scale-down']);
      // THEN
      expect({ command, code: run.code, stdout: run.stdout }).toEqual({ command, code: 2, stdout: '' });
      expect(run.stderr.trimEnd().split('\n'), command).toHaveLength(1);
      expect(run.stderr, command).toMatch(/forbidden/i);
      expect(run.stderr, command).toContain('system:serviceaccount:3scale:nobody');
      expect(run.stderr, command).not.toMatch(/\n\s+at /);
    }
  });

  test('GIVEN the APIManager CRD removed from the cluster WHEN diff runs THEN it says so in one sentence naming the kind, no stack trace', async () => {
    // GIVEN
    const admin = adminEndpoint(m.server());
    await apiRequestOk(admin, { method: 'DELETE', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/apimanagers.apps.3scale.net' });
    // WHEN
    let run = await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'scale-down']);
    for (let i = 0; i < 20 && !/APIManager/.test(run.stdout + run.stderr); i += 1) {
      await new Promise((r) => setTimeout(r, 250));
      run = await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'scale-down']);
    }
    console.log(JSON.stringify(run, null, 1).slice(0, 3000));
    // THEN
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout + run.stderr).toContain('APIManager');
    expect(leakedInTranscript()).toEqual([]);
  });
});
