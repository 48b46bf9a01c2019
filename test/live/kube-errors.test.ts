import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  describeTarget,
  errorFromStatus,
  errorFromTransport,
  LiveReadError,
  missingApiError,
  missingKindError,
  RequestTimeoutError,
  sanitizeServerMessage,
} from '../../src/live/kube-errors.js';
import type { KubeOperation } from '../../src/live/kube-errors.js';
import { leakedSecrets } from '../support/live-fixtures.js';

const listSecrets: KubeOperation = { verb: 'list', apiVersion: 'v1', kind: 'Secret', resource: 'secrets', namespace: '3scale' };
const applyListener: KubeOperation = {
  verb: 'apply',
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  resource: 'deployments',
  name: 'backend-listener',
  namespace: '3scale',
};
const ctx = { server: 'https://api.ocp.example.com:6443', timeoutMs: 5000 };

function status(code: number, reason: string, message: string, details?: unknown): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, details });
}

describe('describeTarget', () => {
  test('names collections like kubectl and objects by kind and name', () => {
    // GIVEN / WHEN / THEN
    expect(describeTarget(listSecrets)).toBe('secrets in namespace 3scale');
    expect(describeTarget({ verb: 'list', apiVersion: 'apps/v1', kind: 'Deployment', resource: 'deployments', namespace: '3scale' })).toBe(
      'deployments.apps in namespace 3scale',
    );
    expect(describeTarget({ verb: 'list', apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager' })).toBe('APIManager objects in all namespaces');
    expect(describeTarget(applyListener)).toBe('Deployment backend-listener in namespace 3scale');
    expect(describeTarget({ verb: 'discover', apiVersion: 'apps/v1' })).toBe('API apps/v1');
  });
});

describe('errorFromStatus', () => {
  test('401 is unauthorized', () => {
    // GIVEN a 401 answer
    const body = status(401, 'Unauthorized', 'Unauthorized');
    // WHEN
    const err = errorFromStatus(listSecrets, 401, body);
    // THEN
    expect(err.kind).toBe('unauthorized');
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/^cannot list secrets in namespace 3scale: unauthorized, .* \(HTTP 401\)$/);
  });

  test('403 is forbidden, in exactly one sentence', () => {
    // GIVEN the real RBAC message
    const body = status(
      403,
      'Forbidden',
      'secrets is forbidden: User "system:serviceaccount:ci:reader" cannot list resource "secrets" in API group "" in the namespace "3scale"',
    );
    // WHEN
    const err = errorFromStatus(listSecrets, 403, body);
    // THEN
    expect(err.kind).toBe('forbidden');
    expect(err.message).toBe('cannot list secrets in namespace 3scale: forbidden (HTTP 403)');
    expect(err.object).toBe('secrets in namespace 3scale');
    expect(err.reason).toBe('Forbidden');
  });

  test('404 on an object is not-found, 404 on discovery is missing-crd', () => {
    // GIVEN
    const get: KubeOperation = { verb: 'get', apiVersion: 'apps/v1', kind: 'Deployment', name: 'system-mysql', namespace: '3scale' };
    // WHEN
    const notFound = errorFromStatus(get, 404, status(404, 'NotFound', 'deployments.apps "system-mysql" not found'));
    const missing = errorFromStatus({ verb: 'discover', apiVersion: 'apps.3scale.net/v1alpha1' }, 404, '404 page not found');
    // THEN
    expect(notFound.kind).toBe('not-found');
    expect(notFound.message).toBe('cannot get Deployment system-mysql in namespace 3scale: not found (HTTP 404)');
    expect(missing.kind).toBe('missing-crd');
  });

  test('missing API and missing kind name the group/version', () => {
    // GIVEN
    const op: KubeOperation = { verb: 'list', apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', namespace: '3scale' };
    // WHEN
    const api = missingApiError(op, 'apps.3scale.net/v1alpha1', 404);
    const kind = missingKindError(op, 'apps.3scale.net/v1alpha1', 'APIManager');
    // THEN
    expect(api.message).toBe(
      'cannot list APIManager objects in namespace 3scale: the cluster does not serve apps.3scale.net/v1alpha1, is the 3scale operator installed? (HTTP 404)',
    );
    expect(kind.kind).toBe('missing-crd');
    expect(kind.message).toContain('serves apps.3scale.net/v1alpha1 but not the kind APIManager');
  });

  test('409 conflicts: field manager, optimistic lock, already exists', () => {
    // GIVEN three conflict bodies
    const ssa = status(409, 'Conflict', 'Apply failed with 1 conflict: conflict with "oc" using apps/v1: .spec.replicas', {
      causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "oc" using apps/v1', field: '.spec.replicas' }],
    });
    const lock = status(
      409,
      'Conflict',
      'Operation cannot be fulfilled on deployments.apps "backend-listener": the object has been modified; please apply your changes to the latest version and try again',
    );
    const exists = status(409, 'AlreadyExists', 'deployments.apps "backend-listener" already exists');
    // WHEN / THEN
    expect(errorFromStatus(applyListener, 409, ssa).message).toBe(
      'cannot apply Deployment backend-listener in namespace 3scale: conflict with another field manager over .spec.replicas (owned by field manager "oc") (HTTP 409)',
    );
    expect(errorFromStatus(applyListener, 409, lock).message).toMatch(/changed by someone else.*\(HTTP 409\)$/);
    expect(errorFromStatus(applyListener, 409, exists).message).toMatch(/: already exists \(HTTP 409\)$/);
    expect(errorFromStatus(applyListener, 409, ssa).kind).toBe('conflict');
  });

  test('422 "field is immutable" names the field and nothing of its value', () => {
    // GIVEN a Job whose template changed
    const op: KubeOperation = { verb: 'apply', apiVersion: 'batch/v1', kind: 'Job', name: 'system-app-pre', namespace: '3scale' };
    const body = status(
      422,
      'Invalid',
      'Job.batch "system-app-pre" is invalid: spec.template: Invalid value: core.PodTemplateSpec{Env: "FakePgAppPw-7Qx2"}: field is immutable',
      { causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: core.PodTemplateSpec{...}: field is immutable', field: 'spec.template' }] },
    );
    // WHEN
    const err = errorFromStatus(op, 422, body);
    // THEN
    expect(err.kind).toBe('immutable');
    expect(err.message).toBe('cannot apply Job system-app-pre in namespace 3scale: field spec.template is immutable, the object must be deleted and re-created (HTTP 422)');
    expect(leakedSecrets(err.message)).toEqual([]);
  });

  test('422 immutable without causes still finds the field in the message', () => {
    // GIVEN
    const body = status(422, 'Invalid', 'Deployment.apps "x" is invalid: spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable');
    // WHEN
    const err = errorFromStatus(applyListener, 422, body);
    // THEN
    expect(err.message).toContain('field spec.selector is immutable');
  });

  test('other 422 lists the invalid fields and never the values', () => {
    // GIVEN a Secret whose invalid value is echoed by the server
    const op: KubeOperation = { verb: 'apply', apiVersion: 'v1', kind: 'Secret', name: 'system-database', namespace: '3scale' };
    const body = status(422, 'Invalid', 'Secret "system-database" is invalid: data[URL]: Invalid value: "postgresql://system:FakePgAppPw-7Qx2@db/system": bad', {
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "postgresql://system:FakePgAppPw-7Qx2@db/system": bad', field: 'data[URL]' }],
    });
    const noCauses = status(422, 'Invalid', 'Secret "system-database" is invalid: data[URL]: Invalid value: "FakePgAppPw-7Qx2": bad');
    // WHEN
    const err = errorFromStatus(op, 422, body);
    const err2 = errorFromStatus(op, 422, noCauses);
    // THEN
    expect(err.kind).toBe('invalid');
    expect(err.message).toBe('cannot apply Secret system-database in namespace 3scale: the server rejected the object as invalid: data[URL] (invalid value) (HTTP 422)');
    expect(err2.message).toContain('data[URL] (invalid value)');
    expect(leakedSecrets(err.message + err2.message)).toEqual([]);
  });

  test.each([
    ['FieldValueTypeInvalid', 'Invalid value: "FakePgAppPw-7Qx2": spec.size in body must be of type integer: "string"', 'spec.size (invalid type, expected integer)'],
    ['FieldValueNotSupported', 'Unsupported value: "FakePgAppPw-7Qx2": supported values: "Recreate", "RollingUpdate"', 'spec.size (unsupported value, expected one of "Recreate", "RollingUpdate")'],
    ['FieldValueInvalid', 'Invalid value: -3: spec.size in body should be greater than or equal to 0', 'spec.size (invalid value, expected a number greater or equal to 0)'],
    ['FieldValueInvalid', 'Invalid value: "FakePgAppPw-7Qx2": spec.size in body should match \'^[a-z]+$\'', 'spec.size (invalid value)'],
  ])('GIVEN a 422 cause %s WHEN classified THEN the field, the problem and what the schema expected, never the value sent', (reason, message, expected) => {
    // GIVEN
    const op: KubeOperation = { verb: 'apply', apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', name: 'apimanager', namespace: '3scale' };
    const body = status(422, 'Invalid', `APIManager.apps.3scale.net "apimanager" is invalid: spec.size: ${message}`, { causes: [{ reason, message, field: 'spec.size' }] });
    // WHEN
    const err = errorFromStatus(op, 422, body);
    // THEN
    expect(err.message).toBe(`cannot apply APIManager apimanager in namespace 3scale: the server rejected the object as invalid: ${expected} (HTTP 422)`);
    expect(leakedSecrets(err.message)).toEqual([]);
  });

  test('GIVEN a 409 an admission webhook answered WHEN classified THEN a conflict naming the webhook and what is expected, never its free text', () => {
    // GIVEN
    const op: KubeOperation = { verb: 'apply', apiVersion: 'apps/v1', kind: 'Deployment', name: 'system-app', namespace: '3scale' };
    const named = status(409, 'Conflict', 'admission webhook "rollout-lock.example.com" denied the request: locked by FakePgAppPw-7Qx2');
    const hostile = status(409, 'Conflict', `admission webhook "${'x'.repeat(300)} FakePgAppPw-7Qx2" denied the request: no`);
    // WHEN
    const err = errorFromStatus(op, 409, named);
    const err2 = errorFromStatus(op, 409, hostile);
    // THEN
    expect(err.kind).toBe('conflict');
    expect(err.message).toBe('cannot apply Deployment system-app in namespace 3scale: the admission webhook "rollout-lock.example.com" refused it with a conflict; expected the webhook to admit the object (HTTP 409)');
    expect(err2.message).toBe('cannot apply Deployment system-app in namespace 3scale: conflict (HTTP 409)');
    expect(leakedSecrets(err.message + err2.message)).toEqual([]);
  });

  test('GIVEN a 500 "failed to create typed patch object" (a field of another type than the cluster schema) WHEN classified THEN invalid, naming the field and the type expected, never the value', () => {
    // GIVEN
    const op: KubeOperation = { verb: 'apply', apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', name: 'apimanager', namespace: '3scale' };
    const body = status(500, 'InternalError', 'failed to create typed patch object (3scale/apimanager; apps.3scale.net/v1alpha1, Kind=APIManager): .spec.system.database: expected string, got &value.valueUnstructured{Value:"FakePgAppPw-7Qx2"}');
    // WHEN
    const err = errorFromStatus(op, 500, body);
    // THEN
    expect(err.kind).toBe('invalid');
    expect(err.message).toBe("cannot apply APIManager apimanager in namespace 3scale: the object does not match the cluster's schema: spec.system.database (expected string) (HTTP 500)");
    expect(leakedSecrets(err.message)).toEqual([]);
  });

  test('5xx is a server error with a masked message; 504 is a timeout', () => {
    // GIVEN
    const body = status(500, 'InternalError', 'Internal error occurred: admission webhook "x" denied "FakeMasterPw-Qe7Yh3" at https://user:FakeAdminPw-Gc4Tj1@h/');
    // WHEN
    const err = errorFromStatus(listSecrets, 500, body);
    const timeout = errorFromStatus(listSecrets, 504, status(504, 'Timeout', 'the server was unable to return a response'));
    // THEN
    expect(err.kind).toBe('server-error');
    expect(err.message).toMatch(/^cannot list secrets in namespace 3scale: the API server failed, Internal error occurred: .* \(HTTP 500\)$/);
    expect(leakedSecrets(err.message)).toEqual([]);
    expect(timeout.kind).toBe('timeout');
    expect(timeout.message).toBe('cannot list secrets in namespace 3scale: the API server timed out (HTTP 504)');
  });

  test('non-JSON bodies and other 4xx still give one sentence', () => {
    // GIVEN / WHEN
    const err = errorFromStatus(listSecrets, 400, '<html>bad</html>');
    // THEN
    expect(err.kind).toBe('bad-request');
    expect(err.message).toBe('cannot list secrets in namespace 3scale: the request was refused (HTTP 400)');
  });
});

describe('errorFromTransport', () => {
  test('connection refused names the server URL without credentials', () => {
    // GIVEN a Node 20 happy-eyeballs style error
    const refused = Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], ''), { code: 'ECONNREFUSED' });
    // WHEN
    const err = errorFromTransport(listSecrets, refused, { ...ctx, server: 'https://admin:FakeAdminPw-Gc4Tj1@127.0.0.1:1/' });
    // THEN
    expect(err.kind).toBe('connection-refused');
    expect(err.status).toBeUndefined();
    expect(err.message).toBe('cannot list secrets in namespace 3scale: connection refused by https://127.0.0.1:1, is the cluster reachable?');
  });

  test('timeout, DNS, TLS and reset', () => {
    // GIVEN / WHEN / THEN
    expect(errorFromTransport(listSecrets, new RequestTimeoutError(), ctx).message).toBe(
      'cannot list secrets in namespace 3scale: no answer from https://api.ocp.example.com:6443 within 5 s (timeout)',
    );
    expect(errorFromTransport(listSecrets, new RequestTimeoutError(), { ...ctx, timeoutMs: 300 }).message).toContain('within 300 ms (timeout)');
    expect(errorFromTransport(listSecrets, Object.assign(new Error(), { code: 'ENOTFOUND' }), ctx).message).toContain('cannot be resolved (ENOTFOUND)');
    expect(errorFromTransport(listSecrets, Object.assign(new Error(), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), ctx).message).toContain(
      'TLS verification of https://api.ocp.example.com:6443 failed',
    );
    expect(errorFromTransport(listSecrets, Object.assign(new Error(), { code: 'ECONNRESET' }), ctx).kind).toBe('network');
  });
});

describe('LiveReadError', () => {
  test('is a UserError (CLI exit code 2) and recognisable by isLiveReadError', () => {
    // GIVEN
    const err = errorFromStatus(listSecrets, 403, '');
    // WHEN / THEN
    expect(err).toBeInstanceOf(LiveReadError);
    expect(err).toBeInstanceOf(UserError);
    expect(UserError.isUserError(err)).toBe(true);
    expect(err.exitCode).toBe(2);
    expect(LiveReadError.isLiveReadError(err)).toBe(true);
    expect(LiveReadError.isLiveReadError(new Error('x'))).toBe(false);
    expect(err.message.split('\n')).toHaveLength(1);
  });

  test('sanitizeServerMessage masks quoted text and URLs and caps the length', () => {
    // GIVEN / WHEN
    const out = sanitizeServerMessage(`value "FakeZyncDbPw-5Hn1" and 'FakeMasterPw-Qe7Yh3' at redis://:FakeEventsHookPw-Ra3Mw8@h:6379 ${'x'.repeat(300)}`);
    // THEN
    expect(leakedSecrets(out)).toEqual([]);
    expect(out.length).toBeLessThanOrEqual(160);
    expect(out).toContain('value "…" and \'…\' at <url>');
  });
});
