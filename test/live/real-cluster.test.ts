/**
 * The read scenarios against a real Kubernetes API server. By default that is the harness's own kube-apiserver
 * (test/support/real-api: the pinned release, RBAC on, the project's CRDs), seeded with a namespace holding an
 * APIManager and a Deployment; with CI set and the binaries missing this fails, it never skips. Opt-in, the
 * same scenarios run against a cluster of yours instead when KUBECONFIG is set AND
 * THREESCALE_MIGRATE_REAL_CLUSTER=1:
 *
 *   KUBECONFIG=~/.kube/config THREESCALE_MIGRATE_REAL_CLUSTER=1 \
 *   THREESCALE_MIGRATE_NAMESPACE=3scale npx vitest run test/live/real-cluster.test.ts
 *
 * THREESCALE_MIGRATE_NAMESPACE defaults to the kubeconfig context's namespace;
 * THREESCALE_MIGRATE_CONTEXT selects another context.
 *
 * Read-only on a cluster of yours: LIST requests and server-side-apply dry runs (`dryRun=All`), nothing else.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LiveReader } from '../../src/live/live-reader.js';
import type { ObjectTypeRef } from '../../src/live/object-type.js';
import { IN_CI } from '../support/db-servers.js';
import { leakedSecrets } from '../support/live-fixtures.js';
import { adminEndpoint, apiRequestOk, checkEnvtestBinaries, createNamespace, useRealApiServer, type RealApiServer } from '../support/real-api/index.js';

const external = Boolean(process.env.KUBECONFIG) && process.env.THREESCALE_MIGRATE_REAL_CLUSTER === '1';
const NS = '3scale';

/** What the harness's server holds before the scenarios read it: an APIManager and one of its Deployments. */
async function seed(server: RealApiServer): Promise<void> {
  const admin = adminEndpoint(server);
  await createNamespace(admin, NS);
  await apiRequestOk(admin, {
    method: 'POST',
    path: `/apis/apps.3scale.net/v1alpha1/namespaces/${NS}/apimanagers`,
    body: { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', metadata: { name: 'apimanager' }, spec: { wildcardDomain: 'apps.example.com' } },
  });
  await apiRequestOk(admin, {
    method: 'POST',
    path: `/apis/apps/v1/namespaces/${NS}/deployments`,
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'apicast-production', labels: { app: '3scale-api-management' } },
      spec: { selector: { matchLabels: { deployment: 'apicast-production' } }, template: { metadata: { labels: { deployment: 'apicast-production' } }, spec: { containers: [{ name: 'apicast-production', image: 'registry.example.com/apicast:2.15' }] } } },
    },
  });
}

describe(external ? 'real cluster (opt-in, read-only)' : 'real API server of the tests', () => {
  const server = external ? undefined : useRealApiServer();
  const harnessReady = (): boolean => checkEnvtestBinaries().ok || IN_CI;
  let reader: LiveReader | undefined;

  beforeAll(async () => {
    if (external) {
      reader = LiveReader.fromKubeconfig({
        context: process.env.THREESCALE_MIGRATE_CONTEXT || undefined,
        namespace: process.env.THREESCALE_MIGRATE_NAMESPACE || undefined,
        timeoutMs: 20_000,
      });
      return;
    }
    if (!harnessReady()) return; // skipped with a warning by useRealApiServer
    await seed(server!());
    reader = LiveReader.fromKubeconfig({ kubeconfig: await server!().kubeconfig({ namespace: NS }), timeoutMs: 20_000 });
  });
  afterAll(() => reader?.client.close());

  const builtIns: ObjectTypeRef[] = [
    { apiVersion: 'apps/v1', kind: 'Deployment' },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
    { apiVersion: 'v1', kind: 'Service' },
    { apiVersion: 'v1', kind: 'ConfigMap' },
    { apiVersion: 'v1', kind: 'ServiceAccount' },
  ];

  test('lists the built-in kinds of the namespace as raw objects', async () => {
    // GIVEN the reader for the configured context
    // WHEN
    const outcomes = await reader!.listEach(builtIns);
    // THEN every kind was listed (or refused with a classified error), items carry apiVersion/kind
    for (const outcome of outcomes) {
      if (!outcome.ok) {
        expect(external, `${outcome.ref.kind}: ${outcome.error.message}`).toBe(true);
        expect(['forbidden', 'missing-crd']).toContain(outcome.error.kind);
        continue;
      }
      for (const item of outcome.items) {
        expect(item.apiVersion).toBe(outcome.ref.apiVersion);
        expect(item.kind).toBe(outcome.ref.kind);
        expect(typeof item.metadata.creationTimestamp).toBe('string');
      }
    }
    if (!external) {
      const names = outcomes.flatMap((o) => (o.ok ? o.items.map((i) => `${i.kind}/${i.metadata.name}`) : []));
      expect(names).toEqual(expect.arrayContaining(['Deployment/apicast-production', 'ConfigMap/kube-root-ca.crt', 'ServiceAccount/default']));
    }
  });

  test('the APIManager is listed, or its absence is a missing-crd error naming the API', async () => {
    // GIVEN / WHEN
    const [outcome] = await reader!.listEach([{ apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager' }]);
    // THEN
    if (!outcome.ok) {
      expect(external, outcome.error.message).toBe(true);
      expect(['missing-crd', 'forbidden']).toContain(outcome.error.kind);
      expect(outcome.error.message).toMatch(/APIManager|apimanagers/);
    } else {
      for (const apim of outcome.items) expect(apim.kind).toBe('APIManager');
      if (!external) expect(outcome.items.map((i) => i.metadata.name)).toEqual(['apimanager']);
    }
  });

  test('Secrets: listed or forbidden, and an error message never carries a value', async () => {
    // GIVEN / WHEN
    const [outcome] = await reader!.listEach([{ apiVersion: 'v1', kind: 'Secret' }]);
    // THEN
    if (!outcome.ok) {
      expect(outcome.error.message).toMatch(/^cannot list secrets in namespace \S+: /);
      expect(leakedSecrets(outcome.error.message)).toEqual([]);
    } else if (!external) {
      expect(outcome.items).toEqual([]);
    }
  });

  test('a server-side-apply dry run of a new ConfigMap returns the object and stores nothing', async () => {
    // GIVEN a name that does not exist
    const name = `threescale-migrate-dry-run-probe-${Date.now().toString(36)}`;
    // WHEN
    const result = await reader!.dryRunApply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { probe: 'true' } }, 'threescale-migrate-test');
    // THEN
    if (!result.ok) {
      expect(external, result.error.message).toBe(true);
      expect(['forbidden', 'invalid']).toContain(result.error.kind);
      return;
    }
    expect(result.created).toBe(true);
    expect(result.object.metadata.name).toBe(name);
    const after = await reader!.listObjects([{ apiVersion: 'v1', kind: 'ConfigMap' }], { fieldSelector: `metadata.name=${name}` });
    expect(after).toEqual([]);
  });
});
