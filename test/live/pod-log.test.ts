/** readPodLog through the loopback API server: bounded requests, text as written, failures as values. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { KubeClient } from '../../src/live/kube-client.js';
import { DEFAULT_LOG_LIMIT_BYTES, DEFAULT_LOG_TAIL_LINES, readPodLog } from '../../src/live/pod-log.js';
import { startFakeApiServer, type FakeApiServer } from '../support/fake-api-server.js';

let api: FakeApiServer;
let client: KubeClient;

beforeAll(async () => {
  api = await startFakeApiServer({
    objects: [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'backend-worker-1', namespace: '3scale' },
        spec: { containers: [{ name: 'backend-worker', image: 'i' }] },
        status: { phase: 'Running', containerStatuses: [{ name: 'backend-worker', state: { running: {} } }] },
      },
    ],
  });
  client = KubeClient.fromOptions({ kubeconfig: api.kubeconfigPath('3scale') });
});
afterEach(() => {
  api.clearFaults();
  api.clearRequests();
});
afterAll(async () => {
  client.close();
  await api.close();
});

describe('readPodLog', () => {
  test('GIVEN no bounds WHEN a log is read THEN the request still carries the default tailLines and limitBytes and the lines come back', async () => {
    // GIVEN
    api.setPodLog('3scale', 'backend-worker-1', 'backend-worker', 'one\ntwo\n');
    // WHEN
    const res = await readPodLog(client, { namespace: '3scale', pod: 'backend-worker-1', container: 'backend-worker' });
    // THEN
    expect(res).toEqual({ ok: true, lines: ['one', 'two'], truncated: false });
    expect(api.requests.at(-1)).toMatchObject({
      path: '/api/v1/namespaces/3scale/pods/backend-worker-1/log',
      query: { container: 'backend-worker', tailLines: String(DEFAULT_LOG_TAIL_LINES), limitBytes: String(DEFAULT_LOG_LIMIT_BYTES) },
    });
  });

  test('GIVEN a log larger than limitBytes WHEN it is read THEN the answer is cut and marked truncated', async () => {
    // GIVEN
    api.setPodLog('3scale', 'backend-worker-1', 'backend-worker', Array.from({ length: 100 }, (_, i) => `line ${i}`));
    // WHEN
    const res = await readPodLog(client, { namespace: '3scale', pod: 'backend-worker-1', container: 'backend-worker', tailLines: 10, limitBytes: 20, sinceSeconds: 60 });
    // THEN
    expect(res).toMatchObject({ ok: true, truncated: true, lines: ['line 90', 'line 91', 'line'] });
    expect(api.requests.at(-1)?.query).toMatchObject({ tailLines: '10', limitBytes: '20', sinceSeconds: '60' });
  });

  test('GIVEN an empty log WHEN it is read THEN there are no lines', async () => {
    // GIVEN
    api.setPodLog('3scale', 'backend-worker-1', 'backend-worker', []);
    // WHEN
    const res = await readPodLog(client, { namespace: '3scale', pod: 'backend-worker-1', container: 'backend-worker' });
    // THEN
    expect(res).toEqual({ ok: true, lines: [], truncated: false });
  });

  test('GIVEN no permission, a previous instance that does not exist, or a server that never answers WHEN a log is read THEN each comes back as an error value, never thrown', async () => {
    // GIVEN
    api.setFault({ path: /\/log$/, status: 403, times: 1 });
    const slow = KubeClient.fromOptions({ kubeconfig: api.kubeconfigPath('3scale'), timeoutMs: 200 });
    // WHEN
    const forbidden = await readPodLog(client, { namespace: '3scale', pod: 'backend-worker-1', container: 'backend-worker' });
    const noPrevious = await readPodLog(client, { namespace: '3scale', pod: 'backend-worker-1', container: 'backend-worker', previous: true });
    api.setFault({ path: /\/log$/, action: 'hang' });
    const hung = await readPodLog(slow, { namespace: '3scale', pod: 'backend-worker-1', container: 'backend-worker' });
    slow.close();
    // THEN
    expect(forbidden).toMatchObject({ ok: false, error: { kind: 'forbidden', status: 403 } });
    expect(forbidden.ok ? '' : forbidden.error.message).toBe('cannot get log of pod backend-worker-1 (container backend-worker) in namespace 3scale: forbidden (HTTP 403)');
    expect(noPrevious).toMatchObject({ ok: false, error: { kind: 'bad-request', status: 400 } });
    expect(hung).toMatchObject({ ok: false, error: { kind: 'timeout' } });
  });
});
