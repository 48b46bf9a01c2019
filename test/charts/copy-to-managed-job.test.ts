/**
 * Specification of charts/jobs/copy-to-managed-job.ts: copy-data loads the System database into the
 * managed server with the existing copy scripts.
 */
import { describe, expect, test } from 'vitest';
import * as copyDataChart from '../../charts/copy-data-chart.js';
import { renderChart } from '../support/charts.js';
import { examplePlanWith, find, loadExample } from '../support/plans.js';

const envOf = (job: any) =>
  Object.fromEntries((job.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.value ?? e.valueFrom]));

describe('copyToManagedJob', () => {
  test('GIVEN a managed PostgreSQL WHEN copy-data renders THEN pg-copy.sh reads the old server and loads the managed one without owners and ACLs', () => {
    // GIVEN / WHEN
    const { objects } = renderChart(copyDataChart, loadExample('managed-rds-and-elasticache'), 'copy-data');
    // THEN
    const job = find(objects, 'Job', 'copy-system-database', '3scale') as any;
    expect(job.spec.template.spec.containers[0].command).toEqual(['bash', '/opt/threescale-migrate/pg-copy.sh']);
    expect(envOf(job)).toMatchObject({
      SOURCE_PGHOST: 'system-postgresql.3scale.svc.cluster.local',
      SOURCE_PGUSER: { secretKeyRef: { name: 'system-database', key: 'DB_USER' } },
      TARGET_PGHOST: 'threescale-system.c9akciq32.eu-west-1.rds.amazonaws.com',
      TARGET_PGPORT: '5432',
      TARGET_PGDATABASE: 'system',
      TARGET_PGUSER: { secretKeyRef: { name: 'rds-system-credentials', key: 'username' } },
      TARGET_PGPASSWORD: { secretKeyRef: { name: 'rds-system-credentials', key: 'password' } },
      PG_RESTORE_NO_OWNER: 'true',
      PG_RESTORE_NO_ACL: 'true',
      TARGET_CREATE_DATABASE: 'true',
    });
  });

  test('GIVEN a managed MySQL WHEN copy-data renders THEN mysql-copy.sh reads the old server as root through the system-database URL, in the MySQL client image', () => {
    // GIVEN
    const loaded = examplePlanWith('mysql-in-place-and-redis', (p) => {
      p.spec.systemDatabase = { kind: 'mysql', strategy: 'managed', managed: { host: 'mysql.example.internal', databaseName: 'threescale', credentials: { secretName: 'rds-mysql' } } };
    });
    // WHEN
    const { objects } = renderChart(copyDataChart, loaded, 'copy-data');
    // THEN
    const job = find(objects, 'Job', 'copy-system-database') as any;
    expect(job.spec.template.spec.containers[0].image).toBe('registry.redhat.io/rhel9/mysql-80');
    expect(envOf(job)).toMatchObject({
      SOURCE_MYSQL_URL: { secretKeyRef: { name: 'system-database', key: 'URL' } },
      TARGET_MYSQL_HOST: 'mysql.example.internal',
      TARGET_MYSQL_PORT: '3306',
      TARGET_MYSQL_DATABASE: 'threescale',
      TARGET_MYSQL_USER: { secretKeyRef: { name: 'rds-mysql', key: 'username' } },
      PARALLEL_JOBS: '4',
    });
  });

  test('GIVEN a managed MySQL with copyParallelism 2 WHEN copy-data renders THEN mysql-copy.sh loads 2 tables at a time', () => {
    // GIVEN
    const loaded = examplePlanWith('mysql-in-place-and-redis', (p) => {
      p.spec.systemDatabase = { kind: 'mysql', strategy: 'managed', copyParallelism: 2, managed: { host: 'mysql.example.internal', databaseName: 'threescale', credentials: { secretName: 'rds-mysql' } } };
    });
    // WHEN
    const { objects } = renderChart(copyDataChart, loaded, 'copy-data');
    // THEN
    expect(envOf(find(objects, 'Job', 'copy-system-database'))).toMatchObject({ PARALLEL_JOBS: '2' });
  });
});
