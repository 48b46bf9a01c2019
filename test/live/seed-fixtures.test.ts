/**
 * The live fixtures (exports of 3scale installs) seeded onto the real API server of the tests: every object is
 * accepted by the real validation and admission, with its status, so suites can start a real server from the
 * same installs the fake server holds.
 */
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { loadLiveFixture, LIVE_FIXTURES } from '../support/live-fixtures.js';
import { adminEndpoint, useRealApiServer } from '../support/real-api/index.js';
import { seedObjects } from '../support/real-api/seed-objects.js';

const key = (o: KubeObject): string => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('live fixtures on the real API server', () => {
  const server = useRealApiServer();

  test.each(Object.keys(LIVE_FIXTURES) as (keyof typeof LIVE_FIXTURES)[])('GIVEN the %s fixture WHEN it is seeded THEN every object is stored with its status', async (name) => {
    // GIVEN the fixture, its namespaces prefixed with its name (the four share one server)
    const fixture = (await loadLiveFixture(name)).map((o) => (o.metadata.namespace ? { ...o, metadata: { ...o.metadata, namespace: `${name}-${o.metadata.namespace}` } } : o));
    // WHEN
    const stored = await seedObjects(adminEndpoint(server()), fixture);
    // THEN
    expect(stored.map(key)).toEqual(fixture.map(key));
    for (const [i, obj] of fixture.entries()) {
      const status = (obj as { status?: unknown }).status;
      if (status !== undefined && obj.kind !== 'Namespace') expect((stored[i] as { status?: unknown }).status, key(obj)).toEqual(status);
    }
  });
});
