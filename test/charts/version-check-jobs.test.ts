/**
 * Specification of charts/jobs/version-check-jobs.ts: the read-only Jobs that ask the System database and
 * the Redis servers for their versions through the URLs of the 3scale connection Secrets, in the preflight
 * phase (servers in use) and in the verify phase (servers the cut-over switched to).
 */
import { describe, expect, test } from 'vitest';
import * as preflightChart from '../../charts/preflight-chart.js';
import * as verifyChart from '../../charts/verify-chart.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { renderChart } from '../support/charts.js';
import { examplePlanWith, find, loadExample } from '../support/plans.js';

const envOf = (job: KubeObject) =>
  Object.fromEntries(((job as any).spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.value ?? e.valueFrom]));
const versionJobs = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'Job' && o.metadata.name.includes('versions'));

describe('versionCheckJobsFor', () => {
  test('GIVEN a PostgreSQL and Redis move WHEN the preflight renders THEN it reads the connection URLs only from Secrets, states the vendor table and records the servers it replaces', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(preflightChart, loaded, 'preflight');

    // THEN
    const db = find(objects, 'Job', 'check-versions-system-database') as any;
    expect(db.metadata.namespace).toBe('3scale');
    expect(db.spec.template.spec.containers[0].image).toBe('registry.redhat.io/rhel9/postgresql-15');
    expect(envOf(db)).toMatchObject({
      DATABASE_URL: { secretKeyRef: { name: 'system-database', key: 'URL' } },
      REQUIREMENTS: 'vendor',
      REQUIRED_POSTGRESQL: '15.0',
      REQUIRED_MYSQL: '8.0.0',
      REQUIRED_REDIS: '7.2',
      MARIADB_ACCEPTED: 'false',
      RECORD_ONLY: 'system-database',
      EVIDENCE_STEP: 'check-versions-system-database',
    });
    const redis = find(objects, 'Job', 'check-versions-redis') as any;
    expect(redis.spec.template.spec.containers[0].image).toBe('registry.redhat.io/rhel9/redis-7');
    expect(envOf(redis)).toMatchObject({
      REDIS_SERVERS: 'backend-redis-storage backend-redis-queues system-redis',
      REDIS_URL_BACKEND_REDIS_STORAGE: { secretKeyRef: { name: 'backend-redis', key: 'REDIS_STORAGE_URL' } },
      REDIS_URL_BACKEND_REDIS_QUEUES: { secretKeyRef: { name: 'backend-redis', key: 'REDIS_QUEUES_URL' } },
      REDIS_URL_SYSTEM_REDIS: { secretKeyRef: { name: 'system-redis', key: 'URL' } },
      RECORD_ONLY: 'backend-redis-storage backend-redis-queues system-redis',
    });
    expect(redis.spec.template.spec.containers[0].command).toEqual(['bash', '/opt/threescale-migrate/version-check.sh']);
    for (const o of objects) expect(validateManifest(o), `${o.kind} ${o.metadata.name}`).toEqual([]);
  });

  test('GIVEN the same plan WHEN verify renders THEN the new servers are measured and recorded: a shortfall holds the upgrade back in diff, it does not fail verify', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects } = renderChart(verifyChart, loaded, 'verify');

    // THEN
    expect(versionJobs(objects).map((j) => [j.metadata.name, envOf(j).RECORD_ONLY])).toEqual([
      ['check-new-versions-system-database', 'system-database'],
      ['check-new-versions-redis', 'backend-redis-storage backend-redis-queues system-redis'],
    ]);
  });

  test('GIVEN MySQL kept in place and the upgrade enabled WHEN the preflight renders THEN a MySQL below the table fails the Job: nothing in the plan replaces it', () => {
    // GIVEN
    const loaded = examplePlanWith('mysql-in-place-and-redis', (raw) => (raw.spec.upgrade = { enabled: true, subscription: { installPlanApproval: 'Manual' } }));

    // WHEN
    const { objects } = renderChart(preflightChart, loaded, 'preflight');

    // THEN
    expect(envOf(find(objects, 'Job', 'check-versions-system-database')).RECORD_ONLY).toBeUndefined();
    expect(envOf(find(objects, 'Job', 'check-versions-redis')).RECORD_ONLY).toBe('backend-redis-storage backend-redis-queues system-redis');
  });

  test('GIVEN MySQL kept in place and the operator table WHEN the preflight renders THEN MySQL is checked with the MySQL client and MariaDB would pass', () => {
    // GIVEN
    const loaded = examplePlanWith('mysql-in-place-and-redis', (raw) => (raw.spec.preflight = { versionRequirements: 'operator' }));

    // WHEN
    const { objects } = renderChart(preflightChart, loaded, 'preflight');

    // THEN
    const db = find(objects, 'Job', 'check-versions-system-database') as any;
    expect(db.spec.template.spec.containers[0].image).toBe('registry.redhat.io/rhel9/mysql-80');
    expect(envOf(db)).toMatchObject({ REQUIREMENTS: 'operator', REQUIRED_POSTGRESQL: '13.0.0', REQUIRED_REDIS: '7.0.0', MARIADB_ACCEPTED: 'true' });
  });

  test('GIVEN a plan that does not upgrade WHEN the preflight renders THEN even a kept server is only recorded: 2.16 minimums must not fail a migration that stays on 2.15', () => {
    // GIVEN
    const loaded = loadExample('mysql-in-place-and-redis');

    // WHEN
    const { objects } = renderChart(preflightChart, loaded, 'preflight');

    // THEN
    expect(envOf(find(objects, 'Job', 'check-versions-system-database')).RECORD_ONLY).toBe('system-database');
  });

  test('GIVEN the version-check Jobs WHEN their Roles are read THEN they grant nothing but the evidence ConfigMap', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const roles = renderChart(preflightChart, loaded, 'preflight').objects.filter((o) => o.kind === 'Role') as any[];

    // THEN
    expect(roles.map((r) => r.metadata.name)).toEqual(['check-versions-system-database', 'check-versions-redis']);
    for (const r of roles) {
      expect(r.rules).toEqual([
        { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
        { apiGroups: [''], resources: ['configmaps'], resourceNames: ['threescale-migrate-evidence'], verbs: ['get', 'patch'] },
      ]);
    }
  });
});
