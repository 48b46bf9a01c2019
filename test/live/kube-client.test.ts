import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { KubeClient, resolveKubeConfig } from '../../src/live/kube-client.js';
import { MAX_CONNECTIONS } from '../../src/live/keep-alive-agent.js';
import { LiveReadError } from '../../src/live/kube-errors.js';
import type { KubeOperation } from '../../src/live/kube-errors.js';
import { startFakeApiServer, writeKubeconfig } from '../support/fake-api-server.js';
import type { FakeApiServer } from '../support/fake-api-server.js';

const discover: KubeOperation = { verb: 'discover', apiVersion: 'v1' };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kube-client-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function config(opts: { server?: string; context?: string; namespace?: string; current?: string; token?: string; extraContexts?: string } = {}): string {
  const ctx = opts.context ?? 'one';
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: c-${ctx}`,
    '  cluster:',
    `    server: ${opts.server ?? `https://${ctx}.example.com:6443`}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: u-${ctx}`,
    '  user:',
    `    token: ${opts.token ?? 'FakeKubeconfigToken-Zz9'}`,
    'contexts:',
    `- name: ${ctx}`,
    '  context:',
    `    cluster: c-${ctx}`,
    `    user: u-${ctx}`,
    ...(opts.namespace ? [`    namespace: ${opts.namespace}`] : []),
    ...(opts.extraContexts ? [opts.extraContexts] : []),
    `current-context: ${opts.current ?? ctx}`,
    '',
  ].join('\n');
}

function expectKubeconfigError(fn: () => unknown, pattern: RegExp): LiveReadError {
  try {
    fn();
  } catch (err) {
    expect(LiveReadError.isLiveReadError(err)).toBe(true);
    const e = err as LiveReadError;
    expect(e.kind).toBe('kubeconfig');
    expect(e.message).toMatch(pattern);
    expect(e.message).not.toContain('FakeKubeconfigToken');
    return e;
  }
  throw new Error('expected a kubeconfig error');
}

describe('resolveKubeConfig', () => {
  test('--kubeconfig wins over $KUBECONFIG and ~/.kube/config; namespace comes from the context', () => {
    // GIVEN a flag file, an env file and a home file
    const flag = file('flag/config', config({ context: 'flag', namespace: '3scale' }));
    const env = file('env/config', config({ context: 'env' }));
    const home = join(dir, 'home1');
    file('home1/.kube/config', config({ context: 'home' }));
    // WHEN
    const resolved = resolveKubeConfig({ kubeconfig: flag, env: { KUBECONFIG: env, HOME: home } });
    // THEN
    expect(resolved.source).toBe('flag');
    expect(resolved.context).toBe('flag');
    expect(resolved.server).toBe('https://flag.example.com:6443');
    expect(resolved.namespace).toBe('3scale');
    expect(resolved.namespaceSource).toBe('context');
  });

  test('$KUBECONFIG lists are merged like kubectl: missing files skipped, first definition and current-context win', () => {
    // GIVEN two files defining the same context name differently, plus a missing one
    const a = file('merge/a', config({ context: 'shared', namespace: 'from-a', extraContexts: '' }));
    const b = file('merge/b', config({ context: 'shared', namespace: 'from-b', server: 'https://b.example.com' }));
    const extra = file(
      'merge/c',
      config({ context: 'other', server: 'https://c.example.com', current: 'other' }),
    );
    // WHEN
    const resolved = resolveKubeConfig({ env: { KUBECONFIG: [join(dir, 'missing'), a, b, extra].join(delimiter), HOME: dir } });
    const other = resolveKubeConfig({ context: 'other', env: { KUBECONFIG: [a, extra].join(delimiter), HOME: dir } });
    // THEN
    expect(resolved.source).toBe('env');
    expect(resolved.files).toEqual([a, b, extra]);
    expect(resolved.context).toBe('shared');
    expect(resolved.namespace).toBe('from-a');
    expect(resolved.server).toBe('https://shared.example.com:6443');
    expect(other.server).toBe('https://c.example.com');
    expect(other.namespace).toBe('default');
  });

  test('~/.kube/config is used when no flag and no $KUBECONFIG; --namespace overrides the context', () => {
    // GIVEN
    const home = join(dir, 'home2');
    file('home2/.kube/config', config({ context: 'home', namespace: 'ctx-ns' }));
    // WHEN
    const resolved = resolveKubeConfig({ namespace: 'flag-ns', env: { HOME: home } });
    // THEN
    expect(resolved.source).toBe('home');
    expect(resolved.namespace).toBe('flag-ns');
    expect(resolved.namespaceSource).toBe('flag');
  });

  test('a context without namespace falls back to "default"', () => {
    // GIVEN
    const path = file('nons/config', config({ context: 'plain' }));
    // WHEN
    const resolved = resolveKubeConfig({ kubeconfig: path, env: {} });
    // THEN
    expect(resolved.namespace).toBe('default');
    expect(resolved.namespaceSource).toBe('default');
  });

  test('in a pod: the service account token, CA and namespace', () => {
    // GIVEN the service-account folder and the env the kubelet sets
    const sa = join(dir, 'sa');
    file('sa/token', 'FakeKubeconfigToken-pod');
    file('sa/ca.crt', 'fake');
    file('sa/namespace', '3scale\n');
    // WHEN
    const resolved = resolveKubeConfig({
      env: { HOME: join(dir, 'nohome'), KUBERNETES_SERVICE_HOST: '172.30.0.1', KUBERNETES_SERVICE_PORT: '443' },
      serviceAccountDir: sa,
    });
    // THEN
    expect(resolved.source).toBe('in-cluster');
    expect(resolved.server).toBe('https://172.30.0.1:443');
    expect(resolved.namespace).toBe('3scale');
    expect(resolved.namespaceSource).toBe('in-cluster');
  });

  test('errors: nothing found, missing file, unknown context, no current-context, broken YAML', () => {
    // GIVEN
    const noCurrent = file('nocurrent/config', config({ context: 'x', current: '""' }));
    const broken = file('broken/config', 'clusters:\n- name: a\n  cluster: {server: "https://x", token: FakeKubeconfigToken-Zz9\nusers: [\n');
    const good = file('good/config', config({ context: 'good' }));
    // WHEN / THEN
    expectKubeconfigError(() => resolveKubeConfig({ env: { HOME: join(dir, 'nohome') } }), /^no kubeconfig found: pass --kubeconfig/);
    expectKubeconfigError(() => resolveKubeConfig({ kubeconfig: join(dir, 'nope'), env: {} }), /^cannot read kubeconfig .*nope: the file does not exist$/);
    expectKubeconfigError(() => resolveKubeConfig({ env: { KUBECONFIG: join(dir, 'nope') } }), /none of the files in \$KUBECONFIG exists/);
    expectKubeconfigError(() => resolveKubeConfig({ kubeconfig: good, context: 'prod', env: {} }), /^context prod is not defined in kubeconfig .*good\/config$/);
    expectKubeconfigError(() => resolveKubeConfig({ kubeconfig: noCurrent, env: {} }), /has no current-context; pass --context$/);
    expectKubeconfigError(() => resolveKubeConfig({ kubeconfig: broken, env: {} }), /^kubeconfig .*broken\/config is not valid YAML \(line \d+\)$/);
  });
});

describe('KubeClient', () => {
  let api: FakeApiServer;
  let client: KubeClient | undefined;

  beforeAll(async () => {
    api = await startFakeApiServer();
  });
  afterEach(() => {
    client?.close();
    client = undefined;
    api.clearFaults();
    api.clearRequests();
  });
  afterAll(async () => api.close());

  test('sends the kubeconfig token and returns the raw JSON body untouched', async () => {
    // GIVEN a kubeconfig for the fake server
    client = KubeClient.fromOptions({ kubeconfig: api.kubeconfigPath('3scale') });
    // WHEN
    const res = await client.send({ method: 'GET', path: '/apis/apps/v1', operation: discover });
    // THEN
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json');
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'APIResourceList', groupVersion: 'apps/v1' });
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0].authenticated).toBe(true);
    expect(client.namespace).toBe('3scale');
  });

  test('a wrong token gets the 401 answer back (the reader classifies it)', async () => {
    // GIVEN
    client = KubeClient.fromOptions({ kubeconfig: api.kubeconfigPath({ namespace: '3scale', token: 'expired' }) });
    // WHEN
    const res = await client.send({ method: 'GET', path: '/api/v1/namespaces/3scale/secrets', operation: discover });
    // THEN
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  test('a request that gets no answer within the timeout fails with a timeout error', async () => {
    // GIVEN a hanging server and a 200 ms timeout
    api.setFault({ path: '/api/v1', action: 'hang' });
    client = KubeClient.fromOptions({ kubeconfig: api.kubeconfigPath('3scale'), timeoutMs: 200 });
    // WHEN
    const started = Date.now();
    const err = await client.send({ method: 'GET', path: '/api/v1', operation: discover }).catch((e: unknown) => e);
    // THEN
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toBeInstanceOf(LiveReadError);
    expect((err as LiveReadError).kind).toBe('timeout');
    expect((err as LiveReadError).message).toBe(`cannot read API v1: no answer from ${api.url} within 200 ms (timeout)`);
  });

  test('a closed port is reported as connection refused, naming the server', async () => {
    // GIVEN a port nobody listens on
    const port = await closedPort();
    const path = writeKubeconfig(join(dir, 'closed.yaml'), { server: `http://127.0.0.1:${port}`, token: 't', namespace: '3scale' });
    client = KubeClient.fromOptions({ kubeconfig: path, timeoutMs: 2000 });
    // WHEN
    const err = (await client.send({ method: 'GET', path: '/api/v1', operation: discover }).catch((e: unknown) => e)) as LiveReadError;
    // THEN
    expect(err.kind).toBe('connection-refused');
    expect(err.message).toBe(`cannot read API v1: connection refused by http://127.0.0.1:${port}, is the cluster reachable?`);
  });

  test('http:// without insecure-skip-tls-verify is refused before sending credentials', async () => {
    // GIVEN
    const path = file('plainhttp/config', config({ context: 'plain', server: api.url }).replace('    insecure-skip-tls-verify: true\n', ''));
    client = KubeClient.fromOptions({ kubeconfig: path });
    // WHEN
    const err = (await client.send({ method: 'GET', path: '/api/v1', operation: discover }).catch((e: unknown) => e)) as LiveReadError;
    // THEN
    expect(err.kind).toBe('kubeconfig');
    expect(err.message).toMatch(/plain http:\/\/ without insecure-skip-tls-verify/);
    expect(api.requests).toHaveLength(0);
  });

  test('GIVEN 30 requests, 20 of them at once WHEN sent THEN they share at most 8 kept-alive connections, not one connection each', async () => {
    // GIVEN a TCP relay in front of the server that counts the connections opened through it
    let connections = 0;
    const target = new URL(api.url);
    const relay = createServer((socket) => {
      connections += 1;
      const upstream = connect(Number(target.port), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', () => resolve()));
    const port = (relay.address() as { port: number }).port;
    client = KubeClient.fromOptions({ kubeconfig: writeKubeconfig(join(dir, 'relay.yaml'), { server: `http://127.0.0.1:${port}`, token: 'fake-token', namespace: '3scale' }) });
    try {
      // WHEN ten one after another, then twenty at once
      for (let i = 0; i < 10; i++) expect((await client.send({ method: 'GET', path: '/api/v1', operation: discover })).status).toBe(200);
      const sequential = connections;
      const answers = await Promise.all(Array.from({ length: 20 }, () => client!.send({ method: 'GET', path: '/apis/apps/v1', operation: discover })));
      // THEN
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(sequential).toBe(1);
      expect(connections).toBeLessThanOrEqual(MAX_CONNECTIONS);
    } finally {
      client.close();
      relay.close();
    }
  });
});

/** A TCP port that was free a moment ago and is closed now. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
