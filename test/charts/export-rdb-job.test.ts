/**
 * Specification of charts/jobs/export-rdb-job.ts: the RDB of an old Redis written to its export volume for
 * a managed Redis seeded outside the cluster.
 */
import { describe, expect, test } from 'vitest';
import * as copyDataChart from '../../charts/copy-data-chart.js';
import { renderChart } from '../support/charts.js';
import { examplePlanWith, find, loadExample } from '../support/plans.js';

describe('exportRdbJob', () => {
  test('GIVEN a managed backend Redis seeded from an RDB export WHEN copy-data renders THEN redis-copy-rdb.sh writes backend-redis.rdb onto the export PVC', () => {
    // GIVEN / WHEN
    const { objects } = renderChart(copyDataChart, loadExample('managed-rds-and-elasticache'), 'copy-data');
    // THEN
    const job = find(objects, 'Job', 'export-backend-redis-rdb', '3scale') as any;
    const pod = job.spec.template.spec;
    expect(pod.containers[0].command).toEqual(['bash', '/opt/threescale-migrate/redis-copy-rdb.sh']);
    expect(pod.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: 'SOURCE_REDIS_HOST', value: 'backend-redis.3scale.svc.cluster.local' },
        { name: 'DATA_DIR', value: '/export' },
        { name: 'RDB_FILENAME', value: 'backend-redis.rdb' },
      ]),
    );
    expect(pod.volumes).toContainEqual({ name: 'export', persistentVolumeClaim: { claimName: 'backend-redis-rdb-export' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'export', mountPath: '/export' });
  });

  test('GIVEN seed none WHEN copy-data renders THEN there is no export', () => {
    const loaded = examplePlanWith('managed-rds-and-elasticache', (p) => (p.spec.backendRedis.managed.seed = 'none'));
    const { objects } = renderChart(copyDataChart, loaded, 'copy-data');
    expect(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name).sort()).toEqual(['copy-system-database', 'copy-system-redis']);
  });
});
