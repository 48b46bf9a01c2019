/**
 * The diff's reference cases (test/fixtures/reference-cases/, one fixture per case): for each, GIVEN the live
 * state its steps leave on an API server, WHEN `diff` judges the object this phase applies, live (server-side
 * apply dry-run under the engine's field manager) and offline (the objects exported without managedFields),
 * THEN it reaches the verdict the fixture states for that mode.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ObjectVerdict } from '../../src/status/object-verdicts.js';
import { startFakeApiServer, type FakeApiServer } from '../support/fake-api-server.js';
import { useRealApiServer } from '../support/real-api/index.js';
import { judgeCase, loadReferenceCases, prepareCase, type Expectation, type TestCluster } from '../support/reference-cases.js';

const CASES = loadReferenceCases();
const MODES = ['live', 'offline'] as const;
const TABLE = CASES.flatMap((c) => MODES.map((mode) => ({ c, mode, name: `GIVEN ${c.case} WHEN diff runs ${mode} THEN ${c.expect[mode].verdict}` })));

/** The verdict as the fixture states expectations: the verdict, the changes as `<op> <path>`, the reason. */
function expectVerdict(actual: ObjectVerdict, expected: Expectation): void {
  expect(actual.verdict).toBe(expected.verdict);
  if (expected.changes) expect(actual.changes.map((c) => `${c.op} ${c.path}`)).toEqual(expected.changes);
  if (expected.verdict === 'in-sync') expect(actual.changes).toEqual([]);
  if (expected.reason) expect(actual.reason ?? '').toMatch(new RegExp(`^${expected.reason}$`));
}

test('GIVEN the fixture folder WHEN it is read THEN it holds every reference case of the diff', () => {
  expect(CASES.map((c) => c.file)).toEqual([
    'cr-list-without-list-type.yaml',
    'defaults-only.yaml',
    'empty-list-against-null.yaml',
    'null-in-applied-config.yaml',
    'null-in-string-map.yaml',
    'operator-recreated.yaml',
    'pvc-kept-after-copy-data.yaml',
    'pvc-recreated-after-copy-data.yaml',
    'removed-annotation.yaml',
    'removed-env-item.yaml',
    'removed-label.yaml',
    'removed-limit.yaml',
    'removed-map-entry.yaml',
    'removed-service-port.yaml',
    'webhook-sidecar.yaml',
  ]);
});

describe('reference cases on the fake API server', () => {
  let api: FakeApiServer;
  let cluster: TestCluster;
  beforeAll(async () => {
    api = await startFakeApiServer({});
    cluster = { kubeconfig: api.kubeconfigPath(), url: api.url, token: 'fake-token' };
    for (const c of CASES) await prepareCase(cluster, c);
  });
  afterAll(() => api?.close());

  test.each(TABLE)('$name', async ({ c, mode }) => {
    expectVerdict(await judgeCase(cluster, c, mode), c.expect[mode]);
  });
});

describe('reference cases on the real kube-apiserver', () => {
  const server = useRealApiServer();
  let cluster: TestCluster;
  beforeAll(async () => {
    const api = server();
    cluster = { kubeconfig: await api.kubeconfig(), url: api.url, token: api.adminToken, caPem: api.caPem };
    for (const c of CASES) await prepareCase(cluster, c);
  });

  test.each(TABLE)('$name', async ({ c, mode }) => {
    expectVerdict(await judgeCase(cluster, c, mode), c.expect[mode]);
  });
});
