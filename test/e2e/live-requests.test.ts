/**
 * End to end, the requests a live `diff` sends: one LIST per (kind, namespace), never one GET per object,
 * and the count does not depend on how many objects the namespaces hold.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { startFakeApiServer } from '../support/fake-api-server.js';
import type { FakeApiServer, RecordedRequest } from '../support/fake-api-server.js';
import { LIVE_FIXTURES, loadLiveFixture } from '../support/live-fixtures.js';
import { cli, FakeCluster, leakedInTranscript, synthesized, tempDir } from './harness.js';

let fixture: KubeObject[];
let tmp: ReturnType<typeof tempDir>;
let planPath: string;
const servers: FakeApiServer[] = [];

beforeAll(async () => {
  fixture = await loadLiveFixture('postgresql');
  tmp = tempDir('e2e-requests');
  planPath = join(tmp.dir, 'migration.yaml');
  const run = await cli(['discover', '--from-file', LIVE_FIXTURES.postgresql, '--out', planPath]);
  if (run.code !== 0) throw new Error(`discover failed: ${run.stderr}`);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  expect(leakedInTranscript()).toEqual([]);
});

afterAll(() => tmp?.remove());

type Request = Pick<RecordedRequest, 'method' | 'path' | 'query'>;

/** `discovery`, `list <resource> [in <ns>]`, `get`, `dry-run`, or `other`, from the REST path. */
function classify(r: Request): { type: 'discovery' | 'list' | 'get' | 'dry-run' | 'other'; key?: string } {
  const segs = r.path.split('/').filter(Boolean);
  const root = segs[0] === 'api' ? 2 : segs[0] === 'apis' ? 3 : -1;
  if (root < 0) return { type: 'other' };
  if (segs.length <= root) return { type: 'discovery' };
  const gv = segs.slice(1, root).join('/');
  let rest = segs.slice(root);
  let ns = '';
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    ns = rest[1]!;
    rest = rest.slice(2);
  }
  if (r.method === 'PATCH' && r.query.dryRun === 'All') return { type: 'dry-run', key: `${gv} ${rest.join('/')}${ns ? ` in ${ns}` : ''}` };
  if (r.method !== 'GET') return { type: 'other' };
  if (rest.length === 1) return { type: 'list', key: `${gv} ${rest[0]}${ns ? ` in ${ns}` : ''}` };
  return { type: 'get', key: `${gv} ${rest.join('/')}` };
}

/** How many LIST requests each (resource, namespace) got. */
function listCounts(requests: readonly Request[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) {
    const c = classify(r);
    if (c.type === 'list') counts[c.key!] = (counts[c.key!] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A cluster with the install and the forward phases applied up to `last`, its request log cleared. */
async function migratedCluster(objects: readonly KubeObject[], last: string): Promise<{ api: FakeApiServer; kubeconfig: string }> {
  const api = await startFakeApiServer({ objects });
  servers.push(api);
  const cluster = new FakeCluster(api);
  const { result } = await synthesized(planPath);
  for (const s of result.forward) {
    await cluster.applyState(s);
    await cluster.runJobs(s);
    if (s.phase.definition.id === last) break;
  }
  api.clearRequests();
  return { api, kubeconfig: api.kubeconfigPath('3scale') };
}

/** The fixture plus `n` more ConfigMaps in namespace 3scale and `n` in namespace 3scale-db. */
function withConfigMaps(n: number): KubeObject[] {
  const extra = (ns: string): KubeObject[] =>
    Array.from({ length: n }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `unrelated-${i}`, namespace: ns, resourceVersion: String(900 + i), uid: `${ns}-cm-${i}` },
      data: { key: `value-${i}` },
    }));
  return [...fixture, ...extra('3scale'), ...extra('3scale-db')];
}

describe('live diff requests', () => {
  test('one LIST per (kind, namespace), no GET of single objects, whatever the number of ConfigMaps', async () => {
    // GIVEN two clusters migrated up to the cut-over: the install as exported, and the same with ten times
    // as many ConfigMaps in both namespaces the plan uses
    const configMaps = fixture.filter((o) => o.kind === 'ConfigMap' && o.metadata.namespace === '3scale').length;
    const small = await migratedCluster(fixture, 'cutover');
    const large = await migratedCluster(withConfigMaps(configMaps * 10), 'cutover');

    // WHEN diff compares the cut-over folder with each
    const runSmall = await cli(['diff', '-c', planPath, '--kubeconfig', small.kubeconfig, '--phase', 'cutover']);
    const runLarge = await cli(['diff', '-c', planPath, '--kubeconfig', large.kubeconfig, '--phase', 'cutover']);

    // THEN both are in sync
    expect([runSmall.code, runLarge.code]).toEqual([0, 0]);
    // AND each (kind, namespace) was listed exactly once
    const counts = listCounts(small.api.requests);
    expect(counts).toEqual({
      'apps.3scale.net/v1alpha1 apimanagers in 3scale': 1,
      'apps/v1 deployments in 3scale': 1,
      'apps/v1 deployments in 3scale-db': 1,
      'batch/v1 jobs in 3scale': 1,
      'batch/v1 jobs in 3scale-db': 1,
      'config.openshift.io/v1 clusterversions': 1,
      'operators.coreos.com/v1alpha1 installplans in 3scale': 1,
      'operators.coreos.com/v1alpha1 subscriptions in 3scale': 1,
      'packages.operators.coreos.com/v1 packagemanifests in openshift-marketplace': 1,
      'v1 configmaps in 3scale': 1,
      'v1 configmaps in 3scale-db': 1,
      'v1 namespaces': 1,
      'v1 persistentvolumeclaims in 3scale-db': 1,
      'v1 secrets in 3scale': 1,
      'v1 serviceaccounts in 3scale-db': 1,
      'v1 services in 3scale-db': 1,
    });
    // AND no object was read one by one; the desired side came from dry-runs, one per distinct desired
    // version of an object (scale-down and scale-up render apicast-production differently), never two alike
    const types = small.api.requests.map(classify);
    expect(types.filter((t) => t.type === 'get')).toEqual([]);
    expect(types.filter((t) => t.type === 'other')).toEqual([]);
    const dryRuns = small.api.requests.filter((r) => classify(r).type === 'dry-run').map((r) => `${r.path}\n${r.body}`);
    expect(dryRuns.length).toBeGreaterThan(0);
    expect(new Set(dryRuns).size).toBe(dryRuns.length);
    // AND discovery was read once per group/version
    const discovery = small.api.requests.filter((r) => classify(r).type === 'discovery').map((r) => r.path);
    expect(new Set(discovery).size).toBe(discovery.length);
    // AND ten times more ConfigMaps change nothing in the number of requests
    expect(listCounts(large.api.requests)).toEqual(counts);
    expect(large.api.requests.length).toBe(small.api.requests.length);
  });

  test('status sends the same requests as diff', async () => {
    // GIVEN a cluster migrated up to prepare
    const { api, kubeconfig } = await migratedCluster(fixture, 'prepare');

    // WHEN diff, then status, compare the prepare folder
    await cli(['diff', '-c', planPath, '--kubeconfig', kubeconfig, '--phase', 'prepare']);
    const afterDiff = api.requests.map((r) => `${r.method} ${r.path}`);
    api.clearRequests();
    await cli(['status', '-c', planPath, '--kubeconfig', kubeconfig, '--phase', 'prepare']);

    // THEN status issued the very same requests, each LIST once
    expect(api.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual([...afterDiff].sort());
    expect(Object.values(listCounts(api.requests)).every((n) => n === 1)).toBe(true);
  });
});
