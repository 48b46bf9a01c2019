/**
 * Specification of charts/jobs/copy-managed-credentials-job.ts: credentials Secrets kept outside the 3scale
 * namespace are copied into it by prepare, one Job per Secret, with the union of the keys its targets read.
 */
import { describe, expect, test } from 'vitest';
import * as prepareChart from '../../charts/prepare-chart.js';
import { renderChart } from '../support/charts.js';
import { examplePlanWith, find, loadExample } from '../support/plans.js';

const envOf = (job: any) => Object.fromEntries((job.spec.template.spec.containers[0].env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));

describe('copyManagedCredentialsJobs', () => {
  test('GIVEN credentials in namespace aws-credentials WHEN prepare renders THEN a Job in 3scale copies exactly those keys, with read access there and write access to that name only', () => {
    // GIVEN / WHEN
    const { objects } = renderChart(prepareChart, loadExample('managed-rds-and-elasticache'), 'prepare');
    // THEN
    const job = find(objects, 'Job', 'copy-system-database-credentials', '3scale');
    expect(envOf(job)).toMatchObject({ SOURCE_NAMESPACE: 'aws-credentials', TARGET_NAMESPACE: '3scale', SECRET_NAME: 'rds-system-credentials', KEYS: 'username password' });
    expect((find(objects, 'Role', 'copy-system-database-credentials-3scale', 'aws-credentials') as any).rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['rds-system-credentials'], verbs: ['get'] },
    ]);
    expect((find(objects, 'Role', 'copy-system-database-credentials', '3scale') as any).rules).toContainEqual({
      apiGroups: [''],
      resources: ['secrets'],
      resourceNames: ['rds-system-credentials'],
      verbs: ['get', 'patch'],
    });
  });

  test('GIVEN two targets sharing one Secret WHEN rendered THEN one Job copies the union of their keys; a Secret already in 3scale is not copied', () => {
    // GIVEN
    const loaded = examplePlanWith('managed-rds-and-elasticache', (p) => {
      p.spec.backendRedis.managed.credentials = { secretName: 'rds-system-credentials', namespace: 'aws-credentials', passwordKey: 'redis-token' };
      p.spec.systemRedis = { strategy: 'managed', managed: { host: '10.0.0.9', database: 2, credentials: { secretName: 'local-auth' } } };
    });
    // WHEN
    const { objects } = renderChart(prepareChart, loaded, 'prepare');
    // THEN
    const jobs = objects.filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('copy-'));
    expect(jobs.map((j) => j.metadata.name)).toEqual(['copy-system-database-credentials']);
    expect(envOf(jobs[0]).KEYS).toBe('username password redis-token');
  });
});
