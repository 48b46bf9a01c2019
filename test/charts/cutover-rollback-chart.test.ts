/**
 * Specification of charts/cutover-rollback-chart.ts: the connection Secrets come back from their in-cluster
 * backups, the components are internal again (with `spec.system.database.postgresql: {}` put back for a
 * PostgreSQL move) and the old PostgreSQL runs again.
 */
import { describe, expect, test } from 'vitest';
import * as rollback from '../../charts/cutover-rollback-chart.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { find, loadExample } from '../support/plans.js';
import { renderChart } from '../support/charts.js';

const jobs = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name);

describe('cutover rollback chart', () => {
  test('for a PostgreSQL move: restores the Secrets, puts spec.system.database.postgresql: {} back and restarts the old PostgreSQL', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(rollback, loaded, 'cutover', true);

    // THEN
    expect(jobs(objects)).toEqual(['restore-connection-secrets']);
    const job = find(objects, 'Job', 'restore-connection-secrets') as any;
    expect(job.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'SECRETS').value).toBe('backend-redis system-database system-redis');
    const apiManager = find(objects, 'APIManager', 'apimanager');
    expect(apiManager.spec).toEqual({
      externalComponents: { system: { database: false, redis: false }, backend: { redis: false } },
      system: { database: { postgresql: {} } },
    });
    expect(apiManager.metadata.annotations?.['threescale-migrate.3scale.net/phase']).toBe('rollback-cutover');
    expect((find(objects, 'Deployment', 'system-postgresql') as any).spec).toEqual({ replicas: 1, selector: { matchLabels: { deployment: 'system-postgresql' } }, template: { spec: { containers: [] } } });
  });

  test('for MySQL kept in place: no spec.system.database and no PostgreSQL', () => {
    // GIVEN
    const loaded = loadExample('mysql-in-place-and-redis');

    // WHEN
    const { objects } = renderChart(rollback, loaded, 'cutover', true);

    // THEN
    expect(find(objects, 'APIManager', '3scale').spec).toEqual({ externalComponents: { system: { database: false, redis: false }, backend: { redis: false } } });
    expect(objects.filter((o) => o.kind === 'Deployment')).toEqual([]);
    expect(jobs(objects)).toEqual(['restore-connection-secrets']);
  });

  test('for a redis-only plan: only the Redis flags go back to false', () => {
    // GIVEN
    const loaded = loadExample('redis-only');

    // WHEN
    const { objects } = renderChart(rollback, loaded, 'cutover', true);

    // THEN
    expect(find(objects, 'APIManager', 'apimanager').spec).toEqual({ externalComponents: { system: { redis: false }, backend: { redis: false } } });
  });

  test('renders objects that validate against their schemas', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(rollback, loaded, 'cutover', true);

    // THEN
    const issues = objects.flatMap((o) => validateManifest(o, { partial: o.metadata.annotations?.['threescale-migrate.3scale.net/partial'] === 'true' }));
    expect(issues).toEqual([]);
  });
});
