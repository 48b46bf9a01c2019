/**
 * Specification: the live reader keeps within bounds against a hostile or broken API server (issue 15): a
 * server repeating its `continue` token, one paging without end, an answer larger than the limit of one
 * answer (128 MiB; a page over 512 MiB used to crash with exit 1, which CI reads as "differences"), and a
 * command running past its deadline each end in one sentence naming the list, as a LiveReadError (a
 * UserError: exit 2), after a bounded number of requests.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import { DEFAULT_MAX_ANSWER_BYTES } from '../../src/live/kube-client.js';
import { LiveReadError } from '../../src/live/kube-errors.js';
import { LiveReader } from '../../src/live/live-reader.js';
import { writeKubeconfig } from '../support/fake-api-server.js';

/** How the list endpoint misbehaves. */
type Mode = 'repeat-continue' | 'endless-pages' | 'endless-body' | 'hang';

const CORE_V1 = { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: [{ name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs: ['get', 'list'] }] };

const servers: Server[] = [];
const readers: LiveReader[] = [];

afterEach(async () => {
  readers.splice(0).forEach((r) => r.client.close());
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => (s.closeAllConnections(), s.close(done)))));
});

/** Starts a loopback server answering discovery normally and the ConfigMap list in the given mode. */
async function hostileServer(mode: Mode): Promise<{ url: string; lists: () => number }> {
  let lists = 0;
  let page = 0;
  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/api/v1') return json(res, CORE_V1);
    if (path !== '/api/v1/namespaces/3scale/configmaps') {
      res.writeHead(404).end();
      return;
    }
    lists += 1;
    page += 1;
    if (mode === 'repeat-continue') return json(res, { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { continue: 'the-same-token' }, items: [] });
    if (mode === 'endless-pages') return json(res, { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { continue: `token-${page}` }, items: [] });
    if (mode === 'hang') return;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"kind":"ConfigMapList","apiVersion":"v1","items":[{"metadata":{"name":"x"},"data":{"k":"');
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lists: () => lists };
}

function readerFor(url: string, options: { commandDeadlineMs?: number; timeoutMs?: number } = {}): LiveReader {
  const kubeconfig = writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'hostile-')), 'kubeconfig'), { server: url, token: 't', namespace: '3scale' });
  const reader = LiveReader.fromKubeconfig({ kubeconfig, ...options });
  readers.push(reader);
  return reader;
}

/** The LiveReadError a list of ConfigMaps in 3scale ends in. */
async function listError(reader: LiveReader): Promise<LiveReadError> {
  const [outcome] = await reader.listEach([{ apiVersion: 'v1', kind: 'ConfigMap', namespace: '3scale' }]).catch((err: unknown) => [{ ok: false as const, error: err }]);
  if (!outcome || outcome.ok) throw new Error('the list succeeded');
  const error = outcome.error;
  expect(LiveReadError.isLiveReadError(error)).toBe(true);
  expect(UserError.isUserError(error) && error.exitCode).toBe(2);
  expect((error as Error).message).not.toContain('\n');
  return error as LiveReadError;
}

describe('the live reader against a hostile API server', () => {
  test('GIVEN a server that repeats its continue token WHEN a list is read THEN it stops at the repeat, in one sentence', async () => {
    const api = await hostileServer('repeat-continue');
    const error = await listError(readerFor(api.url));
    expect(error.message).toBe('cannot list configmaps in namespace 3scale: the server repeated a continue token it had given before, so the list would never end; expected a list that ends');
    expect(api.lists()).toBe(2);
  });

  test('GIVEN a server that pages without end (a new token each time) WHEN a list is read THEN it stops after 1000 pages, in one sentence', async () => {
    const api = await hostileServer('endless-pages');
    const error = await listError(readerFor(api.url));
    expect(error.message).toBe('cannot list configmaps in namespace 3scale: the list has more than 1000 pages of 500 objects, the limit of one list; expected a list that ends');
    expect(api.lists()).toBe(1000);
  }, 60_000);

  test('GIVEN a server whose list answer never ends WHEN a list is read THEN it is refused past 128 MiB, in one sentence, without buffering more', async () => {
    const api = await hostileServer('endless-body');
    const error = await listError(readerFor(api.url));
    expect(DEFAULT_MAX_ANSWER_BYTES).toBe(128 * 1024 * 1024);
    expect(error.message).toBe('cannot list configmaps in namespace 3scale: the answer is larger than 128 MiB, the limit of one answer; expected a smaller answer, or a namespace with fewer or smaller objects');
  }, 60_000);

  test('GIVEN a server that never answers and a command deadline shorter than the request timeout WHEN a list is read THEN it ends at the deadline, naming it', async () => {
    const api = await hostileServer('hang');
    const error = await listError(readerFor(api.url, { commandDeadlineMs: 500, timeoutMs: 30_000 }));
    expect(error.message).toBe(`cannot list configmaps in namespace 3scale: the command has talked to ${api.url} for 0.5 s, its limit; expected an API server that answers the whole command in that time`);
  });
});
