/**
 * `diff` and `status` when the real API server refuses or lacks what they read (PostgreSQL 2.15 install): a
 * user bound to no Role (RBAC forbids every LIST: each phase unknown, naming the refused LIST, exit 2), and a
 * cluster without the APIManager CRD (one sentence, exit 2). No stack trace either way.
 */
import { describe, expect, test } from 'vitest';
import { adminEndpoint, apiRequest, apiRequestOk } from '../support/real-api/index.js';
import { requestServiceAccountToken } from '../support/real-api/service-account-token.js';
import { refuseUpdates } from '../support/real-api/refusing-webhook.js';
import { cli, type CliRun, leakedInTranscript } from './harness.js';
import { useRealMigration } from './real-api-flow.js';

/** Runs `diff` until it exits 2 (at most 20 times, 250 ms apart): the server applies a webhook or schema change a moment after it is made. */
async function untilExit2(diff: () => Promise<CliRun>): Promise<CliRun> {
  let run = await diff();
  for (let i = 0; i < 20 && run.code !== 2; i += 1) {
    await new Promise((r) => setTimeout(r, 250));
    run = await diff();
  }
  return run;
}

/** The schema of `spec.externalComponents.system.database` in the APIManager CRD (a JSON pointer). */
const DATABASE_FIELD = '/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/externalComponents/properties/system/properties/database';

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

  test('GIVEN an admission webhook that answers 409 Conflict for the system-app Deployment WHEN diff dry-runs the scale-down folder THEN exit 2, one sentence naming the Deployment, the webhook and what is expected', async () => {
    // GIVEN (the server sends a webhook the UPDATEs, dry-run included, a moment after it is registered)
    const admin = adminEndpoint(m.server());
    const stop = await refuseUpdates(m.server(), admin, 'rollout-lock', { group: 'apps', version: 'v1', resource: 'deployments', namespace: '3scale', name: 'system-app' }, { code: 409, reason: 'Conflict', message: 'system-app is locked by a rollout "secret-token-value"' });
    try {
      // WHEN
      const run = await untilExit2(() => cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'scale-down']));
      // THEN
      expect({ code: run.code, stderr: run.stderr }).toEqual({
        code: 2,
        stderr: 'error: cannot apply Deployment system-app in namespace 3scale: the admission webhook "rollout-lock.threescale-migrate.test" refused it with a conflict; expected the webhook to admit the object (HTTP 409)\n',
      });
      // AND the webhook's free text (which may quote anything) is not repeated
      expect(run.stdout).not.toContain('secret-token-value');
      expect(run.stdout).not.toContain('at ');
    } finally {
      await stop();
    }
  });

  test.each([
    {
      given: 'declares spec.externalComponents.system.database an enum of false only',
      patch: [{ op: 'add', path: `${DATABASE_FIELD}/enum`, value: [false] }],
      restore: [{ op: 'remove', path: `${DATABASE_FIELD}/enum` }],
      stderr: 'error: cannot apply APIManager apimanager in namespace 3scale: the server rejected the object as invalid: spec.externalComponents.system.database (unsupported value, expected one of "false") (HTTP 422)\n',
    },
    {
      given: 'declares spec.externalComponents.system.database a string (server-side apply cannot even type the patch: HTTP 500)',
      patch: [{ op: 'replace', path: `${DATABASE_FIELD}/type`, value: 'string' }],
      restore: [{ op: 'replace', path: `${DATABASE_FIELD}/type`, value: 'boolean' }],
      stderr: "error: cannot apply APIManager apimanager in namespace 3scale: the object does not match the cluster's schema: spec.externalComponents.system.database (expected string) (HTTP 500)\n",
    },
  ])('GIVEN a cluster whose APIManager CRD $given WHEN diff dry-runs the cutover folder (true there) THEN exit 2, one sentence naming the APIManager, the field and what the schema expected', async ({ patch, restore, stderr }) => {
    // GIVEN (the server validates with the changed schema a moment after the CRD update)
    const admin = adminEndpoint(m.server());
    const crd = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/apimanagers.apps.3scale.net';
    await apiRequestOk(admin, { method: 'PATCH', path: crd, contentType: 'application/json-patch+json', body: [{ op: 'test', path: `${DATABASE_FIELD}/type`, value: 'boolean' }, ...patch] });
    try {
      // WHEN
      const run = await untilExit2(() => cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'cutover']));
      // THEN
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr });
      expect(run.stdout).toMatch(/^ {2}05-cutover +unknown +cannot apply APIManager apimanager in namespace 3scale: /m);
    } finally {
      await apiRequestOk(admin, { method: 'PATCH', path: crd, contentType: 'application/json-patch+json', body: restore });
    }
  });

  test('GIVEN the APIManager CRD removed from the cluster WHEN diff runs THEN exit 2, one sentence naming the kind, its API group and the operator, no stack trace', async () => {
    // GIVEN
    const admin = adminEndpoint(m.server());
    await apiRequestOk(admin, { method: 'DELETE', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/apimanagers.apps.3scale.net' });
    // (the server stops serving the group a moment after the DELETE; meanwhile a dry-run may find the kind listed but gone)
    for (let i = 0; i < 40 && (await apiRequest(admin, { method: 'GET', path: '/apis/apps.3scale.net/v1alpha1' })).status !== 404; i += 1) await new Promise((r) => setTimeout(r, 250));
    // WHEN
    const run = await cli(['diff', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'scale-down']);
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
