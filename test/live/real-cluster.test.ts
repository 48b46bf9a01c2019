/**
 * Opt-in: the same read scenarios against a real cluster. Runs only when KUBECONFIG is set AND
 * THREESCALE_MIGRATE_REAL_CLUSTER=1; otherwise every test is skipped.
 *
 * Read-only: LIST requests and server-side-apply dry runs (`dryRun=All`), nothing else.
 *
 *   KUBECONFIG=~/.kube/config THREESCALE_MIGRATE_REAL_CLUSTER=1 \
 *   THREESCALE_MIGRATE_NAMESPACE=3scale npx vitest run test/live/real-cluster.test.ts
 *
 * THREESCALE_MIGRATE_NAMESPACE defaults to the kubeconfig context's namespace;
 * THREESCALE_MIGRATE_CONTEXT selects another context.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { LiveReader } from '../../src/live/live-reader.js';
import type { ObjectTypeRef } from '../../src/live/object-type.js';
import { leakedSecrets } from '../support/live-fixtures.js';

const enabled = Boolean(process.env.KUBECONFIG) && process.env.THREESCALE_MIGRATE_REAL_CLUSTER === '1';

describe.skipIf(!enabled)('real cluster (opt-in, read-only)', () => {
  const reader = enabled
    ? LiveReader.fromKubeconfig({
        context: process.env.THREESCALE_MIGRATE_CONTEXT || undefined,
        namespace: process.env.THREESCALE_MIGRATE_NAMESPACE || undefined,
        timeoutMs: 20_000,
      })
    : undefined;
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
        expect(['forbidden', 'missing-crd']).toContain(outcome.error.kind);
        continue;
      }
      for (const item of outcome.items) {
        expect(item.apiVersion).toBe(outcome.ref.apiVersion);
        expect(item.kind).toBe(outcome.ref.kind);
        expect(typeof item.metadata.creationTimestamp).toBe('string');
      }
    }
  });

  test('the APIManager is listed, or its absence is a missing-crd error naming the API', async () => {
    // GIVEN / WHEN
    const [outcome] = await reader!.listEach([{ apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager' }]);
    // THEN
    if (!outcome.ok) {
      expect(['missing-crd', 'forbidden']).toContain(outcome.error.kind);
      expect(outcome.error.message).toMatch(/APIManager|apimanagers/);
    } else {
      for (const apim of outcome.items) expect(apim.kind).toBe('APIManager');
    }
  });

  test('Secrets: listed or forbidden, and an error message never carries a value', async () => {
    // GIVEN / WHEN
    const [outcome] = await reader!.listEach([{ apiVersion: 'v1', kind: 'Secret' }]);
    // THEN
    if (!outcome.ok) {
      expect(outcome.error.message).toMatch(/^cannot list secrets in namespace \S+: /);
      expect(leakedSecrets(outcome.error.message)).toEqual([]);
    }
  });

  test('a server-side-apply dry run of a new ConfigMap returns the object and stores nothing', async () => {
    // GIVEN a name that does not exist
    const name = `threescale-migrate-dry-run-probe-${Date.now().toString(36)}`;
    // WHEN
    const result = await reader!.dryRunApply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { probe: 'true' } }, 'threescale-migrate-test');
    // THEN
    if (!result.ok) {
      expect(['forbidden', 'invalid']).toContain(result.error.kind);
      return;
    }
    expect(result.created).toBe(true);
    expect(result.object.metadata.name).toBe(name);
    const after = await reader!.listObjects([{ apiVersion: 'v1', kind: 'ConfigMap' }], { fieldSelector: `metadata.name=${name}` });
    expect(after).toEqual([]);
  });
});
